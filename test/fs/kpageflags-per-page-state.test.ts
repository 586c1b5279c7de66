/**
 * /proc/kpagecount and /proc/kpageflags for each kind of page, with the
 * values the real kernel showed for the same states (§8.6 of
 * linux-semantics.md and the capture machine).
 */
import { beforeEach, describe, expect, test } from "vitest";
import { resolve } from "../../fs/vfs.js";
import { PAGE_SIZE, PROT_READ } from "../../src/kernel/constants.js";
import { VDSO_PFN } from "../../src/kernel/fault.js";
import { Machine } from "../../src/kernel/machine.js";
import { ZERO_PFN } from "../../src/kernel/phys.js";
import { readU64s } from "./proc-helpers.js";

const MIB = 1024 * 1024;
const PFN_MASK = (1n << 55n) - 1n;

let m: Machine;
let pid: number;
beforeEach(() => {
  m = Machine.boot();
  const r = m.spawn("/usr/bin/sleep", ["sleep", "1000"]);
  if (!r.ok) throw new Error(r.errno);
  pid = r.value;
});

function mmapAnon(length: number, shared: boolean): number {
  const flags = shared ? Machine.ANON_SHARED : Machine.ANON_PRIVATE;
  const r = m.mmap(pid, {
    addr: 0,
    length,
    prot: Machine.RW,
    flags,
    file: null,
    fileWritable: false,
    offset: 0,
  });
  if (!r.ok) throw new Error(r.errno);
  return r.value;
}

/** The PFN mapped at addr in `who` (pagemap bits 0-54). */
function pfnAt(who: number, addr: number): number {
  const [entry] = readU64s(m, `/proc/${who}/pagemap`, addr / PAGE_SIZE, 1);
  expect(entry! >> 63n, "present").toBe(1n);
  return Number(entry! & PFN_MASK);
}

const flagsOf = (pfn: number): bigint => readU64s(m, "/proc/kpageflags", pfn, 1)[0]!;
const countOf = (pfn: number): bigint => readU64s(m, "/proc/kpagecount", pfn, 1)[0]!;

describe("anonymous pages", () => {
  test("a written page is owned by its mapping: 0x400005828, count 1", () => {
    const addr = mmapAnon(MIB, false);
    m.access(pid, addr, MIB, true);
    const pfn = pfnAt(pid, addr);
    expect(flagsOf(pfn)).toBe(0x400005828n);
    expect(countOf(pfn)).toBe(1n);
  });

  test("after fork the page is shared: exclusive bit gone, count 2, then 3", () => {
    const addr = mmapAnon(MIB, false);
    m.access(pid, addr, MIB, true);
    const pfn = pfnAt(pid, addr);
    m.fork(pid);
    expect(flagsOf(pfn)).toBe(0x5828n);
    expect(countOf(pfn)).toBe(2n);
    m.fork(pid);
    expect(countOf(pfn)).toBe(3n);
  });

  test("a read of untouched memory maps the zero page: 0x101000000, count 0", () => {
    const addr = mmapAnon(MIB, false);
    m.access(pid, addr, PAGE_SIZE, false);
    expect(pfnAt(pid, addr)).toBe(ZERO_PFN);
    expect(flagsOf(ZERO_PFN)).toBe(0x101000000n);
    expect(countOf(ZERO_PFN)).toBe(0n);
  });

  test("an mlocked page is MLOCKED (33) and UNEVICTABLE (18), and REFERENCED by the populate", () => {
    const addr = mmapAnon(MIB, false);
    m.mlock(pid, addr, MIB);
    expect(flagsOf(pfnAt(pid, addr))).toBe(0x400005828n | (1n << 33n) | (1n << 18n) | (1n << 2n));
  });
});

describe("shmem pages", () => {
  test("written shared anonymous memory is dirty shmem: 0x4838", () => {
    const addr = mmapAnon(MIB, true);
    m.access(pid, addr, MIB, true);
    expect(flagsOf(pfnAt(pid, addr))).toBe(0x4838n);
  });

  test("read-only shared anonymous memory is clean shmem: 0x4828", () => {
    const addr = mmapAnon(MIB, true);
    m.access(pid, addr, PAGE_SIZE, false);
    expect(flagsOf(pfnAt(pid, addr))).toBe(0x4828n);
  });
});

describe("file pages", () => {
  function mapFile(path: string, shared: boolean, write: boolean): number {
    const node = resolve(m, path);
    if (!node.ok || node.value.kind !== "inode") throw new Error(path);
    const r = m.mmap(pid, {
      addr: 0,
      length: PAGE_SIZE,
      prot: write ? Machine.RW : PROT_READ,
      flags: shared ? Machine.ANON_SHARED & ~0x20 : Machine.ANON_PRIVATE & ~0x20,
      file: node.value.inode,
      fileWritable: write,
      offset: 0,
    });
    if (!r.ok) throw new Error(r.errno);
    return r.value;
  }

  test("a mapped page of a file never written: 0x828", () => {
    const addr = mapFile("/usr/bin/sleep", false, false);
    m.access(pid, addr, PAGE_SIZE, false);
    expect(flagsOf(pfnAt(pid, addr)) & ~(1n << 9n)).toBe(0x828n); // RECLAIM marks read-ahead
  });

  test("a written file page keeps PRIVATE (buffer heads) after writeback; a write through MAP_SHARED dirties it", () => {
    if (!m.writeFile("/tmp/f", "x".repeat(PAGE_SIZE), false).ok) throw new Error("write");
    m.fsync("/tmp/f");
    const addr = mapFile("/tmp/f", true, true);
    m.access(pid, addr, PAGE_SIZE, false);
    const pfn = pfnAt(pid, addr);
    expect(flagsOf(pfn)).toBe(0x828n | (1n << 35n));
    m.access(pid, addr, PAGE_SIZE, true);
    expect(flagsOf(pfn)).toBe(0x838n | (1n << 35n));
  });

  test("a page written with write(2) and not mapped: UPTODATE LRU DIRTY PRIVATE, count 0", () => {
    if (!m.writeFile("/tmp/g", "y".repeat(PAGE_SIZE), false).ok) throw new Error("write");
    const addr = mapFile("/tmp/g", false, false);
    m.access(pid, addr, PAGE_SIZE, false);
    const pfn = pfnAt(pid, addr);
    m.munmap(pid, addr, PAGE_SIZE);
    expect(flagsOf(pfn) & ~(1n << 2n)).toBe(0x800000038n); // REFERENCED when the zapped PTE was young
    expect(countOf(pfn)).toBe(0n);
  });
});

describe("kernel and free frames", () => {
  test("kernel frames are RESERVED; a mapped vDSO page adds MMAP and counts its mappings", () => {
    expect(flagsOf(0)).toBe(1n << 32n);
    const mms = BigInt([...m.mms()].length);
    expect(flagsOf(VDSO_PFN)).toBe((1n << 32n) | (1n << 11n));
    expect(countOf(VDSO_PFN)).toBeGreaterThan(0n);
    expect(countOf(VDSO_PFN)).toBeLessThanOrEqual(mms);
  });

  test("free frames are BUDDY, never handed out or freed again", () => {
    expect(flagsOf(m.phys.nrFrames - 1)).toBe(0x400n);
    const addr = mmapAnon(MIB, false);
    m.access(pid, addr, MIB, true);
    const pfn = pfnAt(pid, addr);
    m.munmap(pid, addr, MIB);
    expect(flagsOf(pfn)).toBe(0x400n);
    expect(countOf(pfn)).toBe(0n);
  });
});

describe("reading", () => {
  const read = (path: string, offset: number, length: number) => {
    const node = resolve(m, path);
    if (!node.ok || node.value.kind !== "file" || node.value.file.kind !== "binary")
      throw new Error(path);
    return { size: node.value.file.size, r: node.value.file.read(offset, length) };
  };

  test("one u64 per frame; the end reads EOF; a read past it is clipped", () => {
    for (const path of ["/proc/kpagecount", "/proc/kpageflags"]) {
      const end = m.phys.nrFrames * 8;
      expect(read(path, 0, 8).size).toBe(end);
      const atEnd = read(path, end, 64).r;
      expect(atEnd.ok && atEnd.value.length).toBe(0);
      const across = read(path, end - 16, 64).r;
      expect(across.ok && across.value.length).toBe(16);
    }
  });

  test("unaligned offsets or lengths are EINVAL", () => {
    for (const path of ["/proc/kpagecount", "/proc/kpageflags"]) {
      expect(read(path, 4, 8).r).toMatchObject({ ok: false, errno: "EINVAL" });
      expect(read(path, 8, 12).r).toMatchObject({ ok: false, errno: "EINVAL" });
    }
  });
});
