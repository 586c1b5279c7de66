/** Reading /proc the way commands do: resolve the path, then read the file. */
import { resolve } from "../../fs/vfs.js";
import type { Machine } from "../../src/kernel/machine.js";

/** A text file of /proc, whole; throws on an error so tests read plainly. */
export function readText(m: Machine, path: string): string {
  const node = resolve(m, path);
  if (!node.ok) throw new Error(`${path}: ${node.errno}`);
  if (node.value.kind !== "file" || node.value.file.kind !== "text")
    throw new Error(`${path}: not text`);
  const r = node.value.file.read();
  if (!r.ok) throw new Error(`${path}: ${r.errno}`);
  return r.value;
}

/** The errno reading a /proc file fails with, or null when it reads. */
export function readError(m: Machine, path: string): string | null {
  const node = resolve(m, path);
  if (!node.ok) return node.errno;
  if (node.value.kind !== "file" || node.value.file.kind !== "text")
    throw new Error(`${path}: not text`);
  const r = node.value.file.read();
  return r.ok ? null : r.errno;
}

/** u64 entries of a binary /proc file, as BigInts (tests only; the renderers avoid BigInt). */
export function readU64s(m: Machine, path: string, first: number, count: number): bigint[] {
  const node = resolve(m, path);
  if (!node.ok) throw new Error(`${path}: ${node.errno}`);
  if (node.value.kind !== "file" || node.value.file.kind !== "binary")
    throw new Error(`${path}: not binary`);
  const r = node.value.file.read(first * 8, count * 8);
  if (!r.ok) throw new Error(`${path}: ${r.errno}`);
  const view = new DataView(r.value.buffer, r.value.byteOffset, r.value.byteLength);
  return Array.from({ length: r.value.byteLength / 8 }, (_, i) => view.getBigUint64(i * 8, true));
}

/** One meminfo line's value (kB, or a count for HugePages_*). */
export function meminfo(m: Machine, label: string): number {
  const line = readText(m, "/proc/meminfo")
    .split("\n")
    .find((l) => l.startsWith(`${label}:`));
  if (line === undefined) throw new Error(`meminfo: no ${label}`);
  return Number(line.slice(16).replace(" kB", "").trim());
}

/** Field n (1-based, as proc(5) numbers them) of a stat line. */
export function statField(stat: string, n: number): string {
  const close = stat.lastIndexOf(")");
  const head = stat.slice(0, close + 1);
  const rest = stat
    .slice(close + 2)
    .trimEnd()
    .split(" ");
  if (n === 1) return head.slice(0, head.indexOf(" "));
  if (n === 2) return head.slice(head.indexOf(" ") + 1);
  return rest[n - 3]!;
}
