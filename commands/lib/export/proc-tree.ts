/**
 * The whole of the simulated /proc as a list of entries to write out: its
 * directories, and its files with their bytes, generated from the machine
 * now. Whatever fs/proc serves is exported, so a file added there is
 * exported without change here.
 *
 * Binary files are given as chunks with holes between them: kpagecount and
 * kpageflags are read whole and only their non-zero blocks kept; pagemap
 * (one u64 per page of the 128 TiB user address space: 256 GiB a process)
 * is read only over the process's VMAs, since every entry outside a VMA is 0.
 */
import { type BinaryFile, type ProcFile, procFileMode } from "../../../fs/proc/index.js";
import { PROC_SELF_LINKS, resolve } from "../../../fs/vfs.js";
import { PAGE_SIZE } from "../../../src/kernel/constants.js";
import type { Machine } from "../../../src/kernel/machine.js";
import type { Errno } from "../../../src/kernel/result.js";
import type { HostChunk } from "../../../src/shell/session.js";

export type ProcEntry =
  | { readonly kind: "dir"; readonly path: readonly string[] }
  | {
      readonly kind: "file";
      readonly path: readonly string[];
      /** Permission bits as Linux shows them (0444, or 0400 for pagemap, environ, kpage*). */
      readonly mode: number;
      /** The file's length; bytes outside `chunks` read as zeros. */
      readonly size: number;
      readonly chunks: readonly HostChunk[];
    }
  /** A file Linux lists but will not let anyone read now (a zombie's smaps_rollup: ESRCH). */
  | { readonly kind: "unreadable"; readonly path: readonly string[]; readonly errno: Errno };

/** Binary files small enough to read whole (kpagecount of 16 GiB of RAM is 32 MiB). */
const MAX_WHOLE_BINARY = 256 * 1024 * 1024;

/** Bytes read from a binary file at once. */
const READ_CHUNK = 1024 * 1024;

const encoder = new TextEncoder();

/**
 * Every directory and file of /proc, parents before children, in `ls`
 * order.
 */
export function procTree(m: Machine): ProcEntry[] {
  const entries: ProcEntry[] = [];
  const visit = (path: readonly string[]): string[] => {
    const node = resolve(m, `/proc/${path.join("/")}`);
    if (!node.ok) return []; // cannot happen: nothing runs between listing and lookup
    const n = node.value;
    if (n.kind === "file") entries.push(fileEntry(m, path, n.file));
    if (n.kind !== "dir") return [];
    if (path.length > 0) entries.push({ kind: "dir", path });
    // /proc/self and thread-self are links to a PID directory exported already.
    const names = n.entries().filter((name) => path.length > 0 || !PROC_SELF_LINKS.has(name));
    for (const name of names) visit([...path, name]);
    return names;
  };
  visit([]);
  return entries;
}

function fileEntry(m: Machine, path: readonly string[], file: ProcFile): ProcEntry {
  const mode = procFileMode(path[path.length - 1]!);
  if (file.kind === "text") {
    const r = file.read();
    if (!r.ok) return { kind: "unreadable", path, errno: r.errno };
    const bytes = encoder.encode(r.value);
    return { kind: "file", path, mode, size: bytes.length, chunks: [{ offset: 0, bytes }] };
  }
  const probe = file.read(0, 0); // a zombie's pagemap cannot even be opened (ESRCH)
  if (!probe.ok) return { kind: "unreadable", path, errno: probe.errno };
  const ranges = binaryRanges(m, path, file);
  const chunks: HostChunk[] = [];
  for (const [start, end] of ranges) {
    for (let offset = start; offset < end; offset += READ_CHUNK) {
      const r = file.read(offset, Math.min(READ_CHUNK, end - offset));
      if (!r.ok) return { kind: "unreadable", path, errno: r.errno };
      chunks.push(...nonZeroRuns(r.value, offset));
    }
  }
  return { kind: "file", path, mode, size: file.size, chunks };
}

/**
 * The byte ranges of a binary file that may hold non-zero bytes: for
 * /proc/PID/pagemap (and /proc/PID/task/TID/pagemap) the entries of the
 * process's VMAs, for the others the whole file.
 */
function binaryRanges(m: Machine, path: readonly string[], file: BinaryFile): [number, number][] {
  // PID/pagemap, or PID/task/TID/pagemap: the thread's view of the same mm.
  const task =
    path.length === 2 ? path[0] : path.length === 4 && path[1] === "task" ? path[2] : null;
  if (task != null && path[path.length - 1] === "pagemap") {
    const mm = m.tasks.get(Number(task))?.mm ?? null;
    if (mm === null) return [];
    return mm.vmas
      .map((v): [number, number] => [
        (v.start / PAGE_SIZE) * 8,
        Math.min(file.size, (v.end / PAGE_SIZE) * 8),
      ])
      .filter(([start, end]) => start < end);
  }
  if (file.size > MAX_WHOLE_BINARY)
    throw new Error(`/proc/${path.join("/")}: ${file.size} bytes, and no sparse reader for it`);
  return file.size === 0 ? [] : [[0, file.size]];
}

/** Block size of the holes: a 4 KiB block of zeros is left out of the chunks. */
const HOLE_BLOCK = 4096;

/** True when the `HOLE_BLOCK` bytes of `bytes` at `at` (or fewer, at the end) are all zero. */
function zeroBlock(bytes: Uint8Array, at: number): boolean {
  const end = Math.min(bytes.length, at + HOLE_BLOCK);
  for (let i = at; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** The runs of `bytes` (which starts at file offset `base`) that are not whole 4 KiB blocks of zeros. */
function nonZeroRuns(bytes: Uint8Array, base: number): HostChunk[] {
  const runs: HostChunk[] = [];
  let runStart = -1;
  for (let at = 0; at < bytes.length; at += HOLE_BLOCK) {
    const zero = zeroBlock(bytes, at);
    if (!zero && runStart < 0) runStart = at;
    if (zero && runStart >= 0) {
      runs.push({ offset: base + runStart, bytes: bytes.subarray(runStart, at) });
      runStart = -1;
    }
  }
  if (runStart >= 0) runs.push({ offset: base + runStart, bytes: bytes.subarray(runStart) });
  return runs;
}
