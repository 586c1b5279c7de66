/**
 * Regenerates gnu-fixtures.json by running every case of gnu-cases.ts through
 * the real GNU tools of this machine. Runs only with GEN_GNU_FIXTURES=1.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { GNU_CASES } from "./gnu-cases.js";

export interface GnuResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
}

test.skipIf(process.env.GEN_GNU_FIXTURES !== "1")("regenerate GNU fixtures", () => {
  const results: Record<string, GnuResult> = {};
  for (const c of GNU_CASES) {
    const dir = mkdtempSync(join(tmpdir(), "cowsh-gnu-"));
    for (const [name, content] of Object.entries(c.files ?? {})) {
      const path = join(dir, name);
      if (content === null) mkdirSync(path);
      else writeFileSync(path, content);
      utimesSync(path, 0, 0);
    }
    const [command, ...args] = c.argv;
    const r = spawnSync(command!, args, {
      cwd: dir,
      input: c.stdin ?? "",
      encoding: "utf8",
      env: { PATH: process.env.PATH, LC_ALL: "C.UTF-8", TZ: "UTC" },
    });
    results[c.name] = { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
    rmSync(dir, { recursive: true });
  }
  writeFileSync(
    new URL("./gnu-fixtures.json", import.meta.url),
    `${JSON.stringify(results, null, 1)}\n`,
  );
  expect(Object.keys(results).length).toBe(GNU_CASES.length);
});
