/**
 * smem reports cowsh's RSS, PSS and USS for every process, from an export:
 * the smemcap tarball (`export-proc --smem FILE.tar`, `smem -S FILE.tar`)
 * and a directory export (`export-proc ROOT/proc`, `smem -S ROOT`). smem
 * adds up /proc/PID/smaps mapping by mapping, so its PSS is the sum of the
 * truncated per-mapping Pss lines, a little below smaps_rollup's (as on
 * Linux); the figures it must show are those sums.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { readWhole } from "../../commands/lib/files/machine-files.js";
import type { ShellSession } from "../../src/shell/runtime.js";
import { describeWithTools, missingTool } from "../helpers/host-tools.js";
import {
  cowshFigures,
  type ProcessFigures,
  procDir,
  run,
  scenarioSession,
  tempDir,
} from "./scenario.js";

const SMEM = "/usr/bin/smem";
const PYTHON = "/usr/bin/python3";
const SHIM = new URL("smem-text-tar.py", import.meta.url).pathname;

/** The Python 3 bug of smem 1.5's tarball reader (see smem-text-tar.py). */
const TAR_BUG = "cannot use a string pattern on a bytes-like object";

interface SmemRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

const smem = (args: readonly string[]): SmemRun => spawnSync(SMEM, args, { encoding: "utf8" });
const smemWithTextTar = (args: readonly string[]): SmemRun =>
  spawnSync(PYTHON, [SHIM, ...args], { encoding: "utf8" });

/** `smem -H -c 'pid rss pss uss'` rows as [pid, rss, pss, uss], by PID. */
function rows(stdout: string): number[][] {
  return stdout
    .trim()
    .split("\n")
    .filter((l) => !l.startsWith("-"))
    .map((l) => l.trim().split(/\s+/).map(Number))
    .sort((a, b) => a[0]! - b[0]!);
}

/** What smem must print for cowsh's processes: those with mappings (zombies have none). */
function expectedRows(figures: readonly ProcessFigures[]): number[][] {
  return figures
    .filter((f) => f.mappings.length > 0)
    .map((f) => [f.pid, f.smapsSum.rss, f.smapsSum.pss, f.smapsSum.uss]);
}

/** The totals line of `-t`: the process count, then the column sums. */
function expectedTotals(figures: readonly ProcessFigures[]): number[] {
  const live = expectedRows(figures);
  const sum = (i: number) => live.reduce((a, r) => a + r[i]!, 0);
  return [live.length, sum(1), sum(2), sum(3)];
}

describeWithTools("smem on an export", [missingTool("smem", SMEM, ["-h"])], () => {
  const { dir, cleanup } = tempDir();
  const tar = join(dir, "capture.tar");
  let session: ShellSession;
  let figures: ProcessFigures[];

  beforeAll(() => {
    session = scenarioSession();
    const r = run(session, `export-proc --smem ${tar} ${procDir(dir)} -f`);
    expect(r.stderr).toBe("");
    figures = cowshFigures(session.machine);
  });
  afterAll(cleanup);

  test("the tarball is laid out as busybox smemcap writes it", () => {
    const list = spawnSync(
      PYTHON,
      [
        "-c",
        "import sys, tarfile\nfor m in tarfile.open(sys.argv[1]):\n print(m.name, m.type.decode(), oct(m.mode), m.uid, m.gid, repr(m.uname), m.size)",
        tar,
      ],
      { encoding: "utf8" },
    );
    expect(list.stderr).toBe("");
    const m = session.machine;
    const size = (p: string) => {
      const r = readWhole(m, `/proc/${p}`);
      if (!r.ok) throw new Error(p);
      return Buffer.byteLength(r.value.text, "utf8");
    };
    const want = [
      `meminfo 0 0o444 0 0 '' ${size("meminfo")}`,
      `version 0 0o444 0 0 '' ${size("version")}`,
      ...figures.flatMap((f) => [
        `${f.pid} 5 0o555 0 0 '' 0`,
        ...["smaps", "cmdline", "stat"].map(
          (n) => `${f.pid}/${n} 0 0o444 0 0 '' ${size(`${f.pid}/${n}`)}`,
        ),
      ]),
    ];
    expect(list.stdout.trim().split("\n")).toEqual(want);
  });

  test("smem -S FILE.tar: RSS, PSS and USS per process, and -t's totals", () => {
    const args = ["-S", tar, "-H", "-c", "pid rss pss uss"];
    let out = smem(args);
    if (out.status !== 0) {
      // Debian's smem 1.5 cannot read any tarball under Python 3: the same
      // error for a tarball holding nothing but the host's own meminfo.
      expect(out.stderr).toContain(TAR_BUG);
      const copy = join(dir, "host");
      mkdirSync(copy);
      writeFileSync(join(copy, "meminfo"), readFileSync("/proc/meminfo"));
      const host = join(dir, "host.tar");
      if (spawnSync("tar", ["-cf", host, "-C", copy, "meminfo"]).status === 0)
        expect(smem(["-S", host]).stderr).toContain(TAR_BUG);
      out = smemWithTextTar(args);
    }
    expect(out.stderr).toBe("");
    expect(rows(out.stdout)).toEqual(expectedRows(figures));
    const totals = smemWithTextTar([...args, "-t"]);
    expect(totals.stdout.trim().split("\n").at(-1)!.trim().split(/\s+/).map(Number)).toEqual(
      expectedTotals(figures),
    );
  });

  test("smem -S ROOT on a directory export: the same figures, from Debian's smem unchanged", () => {
    const out = smem(["-S", dir, "-H", "-c", "pid rss pss uss"]);
    expect(out.stderr).toBe("");
    expect(rows(out.stdout)).toEqual(expectedRows(figures));
    const totals = smem(["-S", dir, "-H", "-t", "-c", "pid rss pss uss"]);
    expect(totals.stdout.trim().split("\n").at(-1)!.trim().split(/\s+/).map(Number)).toEqual(
      expectedTotals(figures),
    );
  });

  test("smem's PSS is the sum of smaps' Pss lines, not smaps_rollup's (as on Linux)", () => {
    const differs = figures.filter((f) => !f.zombie && f.smapsSum.pss !== f.rollup.pss);
    expect(differs.length).toBeGreaterThan(0);
    for (const f of differs) expect(f.smapsSum.pss).toBeLessThan(f.rollup.pss);
  });
});
