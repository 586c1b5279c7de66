/**
 * psutil, pointed at an export with PROCFS_PATH, reports for every process
 * exactly cowsh's own figures: memory_info() (statm), memory_full_info()
 * (uss, pss, swap from smaps_rollup) and memory_maps() mapping by mapping.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, expect, test } from "vitest";
import { describeWithTools, missingTool } from "../helpers/host-tools.js";
import {
  cowshFigures,
  type ProcessFigures,
  procDir,
  run,
  scenarioSession,
  tempDir,
} from "./scenario.js";

const PYTHON = "/usr/bin/python3";
const PSUTIL = missingTool("python3-psutil", PYTHON, ["-c", "import psutil"]);

/** Dumps what psutil reports for every process of the /proc at argv[1], as JSON. */
const DUMP = `
import json, sys, psutil
from psutil import _pslinux
psutil.PROCFS_PATH = sys.argv[1]
out = {"rollup": bool(_pslinux.HAS_PROC_SMAPS_ROLLUP), "boot_time": psutil.boot_time(), "procs": {}}
for p in psutil.process_iter():
    d = {"name": p.name(), "status": p.status(), "ppid": p.ppid(), "cmdline": p.cmdline()}
    d["memory_info"] = list(p.memory_info())
    try:
        f = p.memory_full_info()
        d["full"] = {"uss": f.uss, "pss": f.pss, "swap": f.swap}
    except Exception as e:
        d["full_error"] = type(e).__name__
    d["maps"] = [m._asdict() for m in p.memory_maps(grouped=False)]
    out["procs"][str(p.pid)] = d
print(json.dumps(out))
`;

interface PsutilMap {
  addr: string;
  perms: string;
  path: string;
  rss: number;
  size: number;
  pss: number;
  shared_clean: number;
  shared_dirty: number;
  private_clean: number;
  private_dirty: number;
  referenced: number;
  anonymous: number;
  swap: number;
}

interface PsutilProc {
  name: string;
  status: string;
  ppid: number;
  cmdline: string[];
  memory_info: number[];
  full?: { uss: number; pss: number; swap: number };
  full_error?: string;
  maps: PsutilMap[];
}

interface PsutilDump {
  rollup: boolean;
  boot_time: number;
  procs: Record<string, PsutilProc>;
}

/** The path psutil shows: "[anon]" for none, " (deleted)" dropped when no such host file exists. */
function psutilPath(name: string): string {
  if (name === "") return "[anon]";
  return name.endsWith(" (deleted)") && !existsSync(name) ? name.slice(0, -10) : name;
}

describeWithTools("psutil with PROCFS_PATH on an export", [PSUTIL], () => {
  const { dir, cleanup } = tempDir();
  let dump: PsutilDump;
  let figures: ProcessFigures[];

  beforeAll(() => {
    const session = scenarioSession();
    const proc = procDir(dir);
    const r = run(session, `export-proc -f ${proc}`);
    expect(r.stderr).toBe("");
    figures = cowshFigures(session.machine);
    const py = spawnSync(PYTHON, ["-c", DUMP, proc], { encoding: "utf8" });
    expect(py.stderr).toBe("");
    dump = JSON.parse(py.stdout) as PsutilDump;
  });
  afterAll(cleanup);

  test("lists exactly cowsh's processes, with the machine's boot time", () => {
    expect(Object.keys(dump.procs).map(Number)).toEqual(figures.map((f) => f.pid));
    expect(dump.boot_time).toBe(1_798_761_600);
  });

  test("memory_info() is statm, in bytes, for every process", () => {
    for (const f of figures)
      expect(dump.procs[f.pid]!.memory_info, `pid ${f.pid}`).toEqual(f.statm);
  });

  test("memory_full_info() uss, pss and swap are smaps_rollup's, to the kilobyte", () => {
    for (const f of figures.filter((x) => !x.zombie)) {
      const want = dump.rollup ? f.rollup : { ...f.smapsSum, swap: 0 };
      expect(dump.procs[f.pid]!.full, `pid ${f.pid}`).toEqual({
        uss: want.uss * 1024,
        pss: want.pss * 1024,
        swap: want.swap * 1024,
      });
    }
  });

  test("memory_maps() gives every mapping's figures, and the vsyscall gate", () => {
    for (const f of figures.filter((x) => !x.zombie)) {
      const maps = dump.procs[f.pid]!.maps;
      expect(maps.length, `pid ${f.pid}`).toBe(f.mappings.length + 1);
      f.mappings.forEach((m, i) => {
        expect(maps[i], `pid ${f.pid} ${m.addr}`).toEqual({
          addr: m.addr,
          perms: m.perms,
          path: psutilPath(m.path),
          rss: m.rss * 1024,
          size: m.size * 1024,
          pss: m.pss * 1024,
          shared_clean: m.sharedClean * 1024,
          shared_dirty: m.sharedDirty * 1024,
          private_clean: m.privateClean * 1024,
          private_dirty: m.privateDirty * 1024,
          referenced: m.referenced * 1024,
          anonymous: m.anonymous * 1024,
          swap: 0,
        });
      });
      expect(maps.at(-1)).toMatchObject({ addr: "ffffffffff600000-ffffffffff601000", rss: 0 });
    }
  });

  test("the scenario exercises what it should: thirds, COW copies, shmem, files", () => {
    const parent = figures.find((f) => f.pid === 3)!;
    const buf = parent.mappings.find((m) => m.path === "[anon:buf]")!;
    expect(buf.sharedDirty).toBeGreaterThan(0);
    expect(buf.privateDirty).toBeGreaterThan(0);
    expect(parent.smapsSum.pss).not.toBe(parent.rollup.pss); // per-mapping truncation shows
    expect(parent.mappings.some((m) => m.path === "/tmp/data" && m.perms === "rw-s")).toBe(true);
    expect(parent.mappings.some((m) => m.path === "[anon_shmem:shm]")).toBe(true);
  });

  test("a zombie: zero memory_info, no maps, and no smaps_rollup to read", () => {
    const zombies = figures.filter((f) => f.zombie);
    expect(zombies.length).toBe(1);
    for (const z of zombies) {
      const p = dump.procs[z.pid]!;
      expect(p.status).toBe("zombie");
      expect(p.memory_info).toEqual([0, 0, 0, 0, 0, 0, 0]);
      expect(p.maps).toEqual([]);
      // Linux fails the read (ESRCH: psutil's ZombieProcess); an export has no file to fail.
      expect(p.full_error).toBe("FileNotFoundError");
    }
  });
});
