/**
 * The binary when its output goes away: `cowsh demo.cowsh | head -1` ends
 * at once and quietly with 141, the status of a tool killed by SIGPIPE (as
 * `seq 1000000 | head -1` does); a full disk is reported as coreutils
 * report it, with status 1.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, expect, test } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = `${ROOT}dist/src/main.js`;

beforeAll(() => {
  if (!existsSync(MAIN)) execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT });
});

/** Runs a bash pipeline with cowsh as `$0`; its stdout, stderr and every stage's status. */
function pipeline(script: string) {
  const r = spawnSync(
    "bash",
    ["-c", `${script}; echo "status \${PIPESTATUS[*]}"`, `${process.execPath} ${MAIN}`],
    { cwd: ROOT, encoding: "utf8" },
  );
  return { stdout: r.stdout, stderr: r.stderr };
}

test("a reader that stops early ends cowsh with 141 and nothing on stderr", () => {
  // About 2 MiB of output, far more than a pipe holds: cowsh is still
  // writing when head has gone, whatever the scheduling.
  const script = Array(64).fill("cat /proc/2/smaps").join("\n");
  const r = pipeline(`$0 -c '${script}' | head -1`);
  expect(r.stdout).toBe(
    "555555554000-555555583000 r--p 00000000 fe:00 260104                     /usr/bin/bash\nstatus 141 0\n",
  );
  expect(r.stderr).toBe("");
});

test("stdout on a full device: the write error, as coreutils print it, and status 1", () => {
  const r = pipeline("$0 -c 'ps; ps' >/dev/full");
  expect(r.stderr).toBe("cowsh: write error: No space left on device\n");
  expect(r.stdout).toBe("status 1\n");
});
