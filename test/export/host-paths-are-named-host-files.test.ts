/**
 * The paths of save, load, export-proc and --record are the real machine's;
 * every other path is the simulated machine's. Their messages say so
 * (`host file F`, `host directory D`), so a failure is never read as one of
 * the simulated tree's.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = `${ROOT}dist/src/main.js`;

beforeAll(() => {
  if (!existsSync(MAIN)) execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT });
});

test("save, load and export-proc name the host's paths as such", () => {
  const r = runScript(
    "save /nonexistent-dir/m.img\nload /nonexistent-dir/m.img\nexport-proc --smem /nonexistent-dir/x.tar\n" +
      "export-proc /dev/null/out\ncat /nonexistent-dir/m.img",
  );
  expect(r.stderr).toBe(
    "save: host file /nonexistent-dir/m.img: No such file or directory\n" +
      "load: host file /nonexistent-dir/m.img: No such file or directory\n" +
      "export-proc: host file /nonexistent-dir/x.tar: No such file or directory\n" +
      "export-proc: host directory /dev/null/out: Not a directory\n" +
      "cat: /nonexistent-dir/m.img: No such file or directory\n",
  );
});

test("--record names its host file when it cannot be created: one line, status 1, no stack", () => {
  const r = spawnSync(
    process.execPath,
    [MAIN, "--play", "demo/fork-exec.cowsh", "--record", "/nonexistent-dir/x.cast"],
    { cwd: ROOT, encoding: "utf8" },
  );
  expect(r.stderr).toBe(
    "cowsh: --record: host file /nonexistent-dir/x.cast: No such file or directory\n",
  );
  expect(r.status).toBe(1);
});
