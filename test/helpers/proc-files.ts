/**
 * Every file under /proc, read as a reader would: the text files whole, the
 * binary ones (pagemap, kpagecount, kpageflags) over the parts that can hold
 * anything (each VMA; the frames ever handed out). Two machines with equal
 * maps look the same through /proc.
 */
import { resolve } from "../../fs/vfs.js";
import { PAGE_SIZE } from "../../src/kernel/constants.js";
import type { Machine } from "../../src/kernel/machine.js";

/** Every file under /proc as it reads now: text files whole, binary files over their used parts. */
export function procFiles(m: Machine): Map<string, string> {
  const files = new Map<string, string>();
  const root = resolve(m, "/proc");
  if (!root.ok || root.value.kind !== "dir") throw new Error("no /proc");
  const walk = (path: string, pid: number | null) => {
    const node = resolve(m, path);
    if (!node.ok) {
      files.set(path, `error ${node.errno}`);
      return;
    }
    const n = node.value;
    if (n.kind === "dir") {
      for (const name of n.entries()) walk(`${path}/${name}`, pid ?? (Number(name) || null));
      return;
    }
    if (n.kind !== "file") throw new Error(`${path}: not a /proc file`);
    const file = n.file;
    if (file.kind === "text") {
      const r = file.read();
      files.set(path, r.ok ? r.value : `error ${r.errno}`);
      return;
    }
    for (const [offset, length] of binaryRanges(m, pid, file.size)) {
      const r = file.read(offset, length);
      files.set(`${path}@${offset}`, r.ok ? Buffer.from(r.value).toString("hex") : r.errno);
    }
  };
  for (const name of root.value.entries()) walk(`/proc/${name}`, Number(name) || null);
  return files;
}

/** pagemap over each VMA of the task; kpagecount and kpageflags over the frames ever used. */
function binaryRanges(m: Machine, pid: number | null, size: number): [number, number][] {
  if (pid === null) return [[0, Math.min(size, m.phys.highWater * 8)]];
  const mm = m.tasks.get(pid)?.mm;
  if (mm == null) return [[0, 8]];
  return mm.vmas.map((v) => [(v.start / PAGE_SIZE) * 8, ((v.end - v.start) / PAGE_SIZE) * 8]);
}
