/**
 * Standard input read as bash reads it: as it arrives, each complete
 * command run as soon as its line has ended, its output flushed, so that a
 * program can drive cowsh through pipes as a coprocess; any size of script,
 * from a producer slower than cowsh; and input ending inside a command is
 * bash's `syntax error: unexpected end of file`.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, expect, test } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = `${ROOT}dist/src/main.js`;

beforeAll(() => {
  if (!existsSync(MAIN)) execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT });
});

test("a coprocess conversation: each answer comes before the next question is written", async () => {
  const child = spawn(process.execPath, [MAIN], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let waiting: { text: string; resolve: () => void } | undefined;
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    stdout += chunk;
    if (waiting !== undefined && stdout.includes(waiting.text)) waiting.resolve();
  });
  const answer = (line: string, text: string) =>
    new Promise<void>((resolve) => {
      waiting = { text, resolve };
      child.stdin.write(`${line}\n`);
    });
  await answer("echo ready", "ready\n");
  await answer("P=$(spawn /bin/sh); echo pid=$P", "pid=3\n");
  await answer("C=$(fork $P); echo child=$C", "child=4\n");
  const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
  child.stdin.write("exit 4\n");
  expect(await closed).toBe(4);
  expect(stdout).toBe("ready\npid=3\nchild=4\n");
}, 20_000);

test("a 1 MB script from a producer slower than cowsh runs to its end", () => {
  const dir = mkdtempSync(join(tmpdir(), "cowsh-stream-"));
  const script = join(dir, "big.cowsh");
  const lines = Array.from({ length: 40_000 }, (_, i) => `echo line ${i} ${"x".repeat(12)}`);
  writeFileSync(script, `${lines.join("\n")}\n`);
  const r = spawnSync(
    "bash",
    [
      "-c",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's own expansion
      '{ head -n 15000 "$1"; sleep 0.4; tail -n +15001 "$1"; } | "$0" "$2" | wc -l; echo "${PIPESTATUS[*]}"',
      process.execPath,
      script,
      MAIN,
    ],
    { encoding: "utf8" },
  );
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe("40000\n0 0 0\n");
}, 30_000);

test("input ending inside an if is bash's unexpected end of file, after the commands before it ran", () => {
  const r = spawnSync(process.execPath, [MAIN], {
    input: "echo before\nif true; then\n  echo inside\n",
    encoding: "utf8",
  });
  expect(r.stdout).toBe("before\n");
  expect(r.stderr).toBe("cowsh: line 4: syntax error: unexpected end of file\n");
  expect(r.status).toBe(2);
});
