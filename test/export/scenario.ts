/**
 * The machine the export tests hand to real tools, and cowsh's own figures
 * for it, computed from the kernel's state with fs/proc's collectors (not
 * by reading back the exported text).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { taskMem } from "../../fs/proc/array.js";
import {
  emptyStats,
  gatherStats,
  type MemSizeStats,
  pssKb,
  rollupStats,
  vmaName,
} from "../../fs/proc/task-mmu.js";
import { PAGE_SIZE, VM_EXEC, VM_MAYSHARE, VM_READ, VM_WRITE } from "../../src/kernel/constants.js";
import type { Machine } from "../../src/kernel/machine.js";
import type { Mm } from "../../src/kernel/mm.js";
import { runSource, type ShellSession } from "../../src/shell/runtime.js";
import { runScript } from "../helpers/run-script.js";

/**
 * A forked 16 MiB writer (pages shared three ways, then partly copied),
 * shared anonymous memory touched by a child, shared and private file
 * mappings, a zombie, and an unrelated program.
 */
export const SCENARIO = `
P=$(spawn /bin/sh)
mmap $P 16M --name buf
write $P buf
mmap $P 1M --shared --name shm
write $P shm
truncate -s 256K /tmp/data
mmap $P 256K --file /tmp/data --shared
read $P /tmp/data
mmap $P 64K --file /tmp/data
write $P /tmp/data+4K 8K
C=$(fork $P)
G=$(fork $C)
write $C buf 1M
write $G buf+4M 3M
write $P buf+12M 1M
write $C shm 512K
read $G /tmp/data
Z=$(fork $P)
_exit $Z
spawn /usr/bin/sleep 100
`;

export function scenarioSession(): ShellSession {
  const t = runScript(SCENARIO);
  if (t.stderr !== "") throw new Error(`scenario failed: ${t.stderr}`);
  return t.session;
}

/** Runs a command line in the session, keeping stdout and stderr apart. */
export function run(
  session: ShellSession,
  line: string,
): { stdout: string; stderr: string; status: number } {
  let stdout = "";
  let stderr = "";
  const { status } = runSource(session, line, (b) => {
    if (b.kind === "err") stderr += b.text;
    else stdout += b.text;
  });
  return { stdout, stderr, status };
}

/** A fresh host directory for one test, removed by the returned function. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "cowsh-export-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `root/proc`, created empty: the layout `smem -S root` reads. */
export function procDir(root: string): string {
  const dir = join(root, "proc");
  mkdirSync(dir);
  return dir;
}

/** One mapping's figures in kB, as its smaps block prints them. */
export interface MappingFigures {
  readonly addr: string;
  readonly perms: string;
  readonly path: string;
  readonly size: number;
  readonly rss: number;
  readonly pss: number;
  readonly sharedClean: number;
  readonly sharedDirty: number;
  readonly privateClean: number;
  readonly privateDirty: number;
  readonly referenced: number;
  readonly anonymous: number;
  readonly swap: number;
}

/** A process's figures in kB (statm's in bytes, as psutil gives them). */
export interface ProcessFigures {
  readonly pid: number;
  readonly zombie: boolean;
  /** statm × page size: rss, vms, shared, text, lib, data, dirty. */
  readonly statm: readonly number[];
  /** smaps_rollup: Pss and Private_* (USS), kB. */
  readonly rollup: { readonly pss: number; readonly uss: number; readonly swap: number };
  /** smaps summed mapping by mapping (each Pss truncated first), kB: what smem adds up. */
  readonly smapsSum: { readonly rss: number; readonly pss: number; readonly uss: number };
  readonly mappings: readonly MappingFigures[];
}

const kb = (pages: number) => (pages * PAGE_SIZE) / 1024;
const hex = (n: number) => n.toString(16).padStart(8, "0");

/** The permissions column of maps (show_map_vma). */
const permsOf = (flags: number): string =>
  (flags & VM_READ ? "r" : "-") +
  (flags & VM_WRITE ? "w" : "-") +
  (flags & VM_EXEC ? "x" : "-") +
  (flags & VM_MAYSHARE ? "s" : "p");

function mappingFigures(m: Machine, mm: Mm): MappingFigures[] {
  return mm.vmas.map((vma) => {
    const s: MemSizeStats = emptyStats();
    gatherStats(m.phys, mm, vma, s);
    return {
      addr: `${hex(vma.start)}-${hex(vma.end)}`,
      perms: permsOf(vma.flags),
      path: vmaName(mm, vma) ?? "",
      size: (vma.end - vma.start) / 1024,
      rss: kb(s.resident),
      pss: pssKb(s.pss),
      sharedClean: kb(s.sharedClean),
      sharedDirty: kb(s.sharedDirty),
      privateClean: kb(s.privateClean),
      privateDirty: kb(s.privateDirty),
      referenced: kb(s.referenced),
      anonymous: kb(s.anonymous),
      swap: 0,
    };
  });
}

/** cowsh's figures for every process of `m`, by PID. */
export function cowshFigures(m: Machine): ProcessFigures[] {
  return [...m.tasks.values()]
    .sort((a, b) => a.pid - b.pid)
    .map((task) => {
      const mm = task.mm;
      if (mm === null)
        return {
          pid: task.pid,
          zombie: true,
          statm: [0, 0, 0, 0, 0, 0, 0],
          rollup: { pss: 0, uss: 0, swap: 0 },
          smapsSum: { rss: 0, pss: 0, uss: 0 },
          mappings: [],
        };
      const mem = taskMem(mm);
      const shared = mem.rssFile + mem.rssShmem;
      const statm = [
        shared + mem.rssAnon,
        mem.totalVm,
        shared,
        mem.codeBytes / PAGE_SIZE,
        0,
        mem.dataVm + mem.stackVm,
        0,
      ].map((pages) => pages * PAGE_SIZE);
      const r = rollupStats(m.phys, mm);
      const mappings = mappingFigures(m, mm);
      const sum = (f: (x: MappingFigures) => number) => mappings.reduce((a, x) => a + f(x), 0);
      return {
        pid: task.pid,
        zombie: false,
        statm,
        rollup: { pss: pssKb(r.pss), uss: kb(r.privateClean + r.privateDirty), swap: 0 },
        smapsSum: {
          rss: sum((x) => x.rss),
          pss: sum((x) => x.pss),
          uss: sum((x) => x.privateClean + x.privateDirty),
        },
        mappings,
      };
    });
}
