/**
 * vm.overcommit_memory decides which charges fail with ENOMEM, as
 * __vm_enough_memory does on 6.x (src/kernel/commit.ts): mode 0 refuses a
 * single charge above RAM + swap, mode 1 nothing, mode 2 anything that
 * would reach CommitLimit less the user reserve. A refused call changes
 * nothing, and the kernel's warning goes to the log (rate-limited).
 */
import { describe, expect, test } from "vitest";
import { vmCommitLimit } from "../../src/kernel/commit.js";
import { MAP_NORESERVE, PAGE_SIZE, VM_ACCOUNT, VM_NORESERVE } from "../../src/kernel/constants.js";
import { Machine } from "../../src/kernel/machine.js";
import { runScript } from "../helpers/run-script.js";

const GIB = 2 ** 30;
const MIB = 2 ** 20;

const anon = (length: number, flags = Machine.ANON_PRIVATE, prot = Machine.RW) => ({
  addr: 0,
  length,
  prot,
  flags,
  file: null,
  fileWritable: false,
  offset: 0,
});

/** A booted machine with a /bin/sh process; its PID. */
function withShell(options: Parameters<typeof Machine.boot>[0] = {}): [Machine, number] {
  const m = Machine.boot(options);
  const p = m.spawn("/bin/sh", ["sh"]);
  if (!p.ok) throw new Error(p.errno);
  return [m, p.value];
}

/** Mode 2 with CommitLimit = what is committed now + `headroom` bytes. */
function strict(m: Machine, headroom: number): void {
  const kb = (m.commit.committed * PAGE_SIZE + headroom) / 1024;
  m.setOvercommit({ overcommitMemory: 2, overcommitKbytes: kb, overcommitRatio: 0 });
}

describe("mode 0, the heuristic", () => {
  test("mmap 100G fails on the default 8 GiB machine; 6G is charged whole, past CommitLimit", () => {
    const [m, p] = withShell();
    const before = m.commit.committed;
    const r = m.mmap(p, anon(100 * GIB));
    expect(r.ok || r.errno).toBe("ENOMEM");
    expect(m.commit.committed).toBe(before);
    expect(m.log.at(-1)).toBe(
      `__vm_enough_memory: pid: ${p}, comm: sh, bytes: 107374182400 not enough memory for the allocation`,
    );
    expect(m.mmap(p, anon(6 * GIB)).ok).toBe(true);
    expect(m.commit.committed - before).toBe((6 * GIB) / PAGE_SIZE);
    expect(m.commit.committed).toBeGreaterThan(Number(vmCommitLimit(m)));
  });

  test("on a 24 GiB machine, like the capture machine's 23.5, 20G succeeds and 100G fails", () => {
    const [m, p] = withShell({ memBytes: 24 * GIB });
    expect(m.mmap(p, anon(20 * GIB)).ok).toBe(true);
    expect(m.mmap(p, anon(100 * GIB)).ok).toBe(false);
  });

  test("swap counts: with 4 GiB of swap the 8 GiB machine takes 11G but not 13G", () => {
    const [m, p] = withShell({ swapBytes: 4 * GIB });
    expect(m.mmap(p, anon(13 * GIB)).ok).toBe(false);
    expect(m.mmap(p, anon(11 * GIB)).ok).toBe(true);
  });

  test("MAP_NORESERVE and read-only mappings are not charged, and 100G of either succeeds", () => {
    const [m, p] = withShell();
    const before = m.commit.committed;
    expect(m.mmap(p, anon(100 * GIB, Machine.ANON_PRIVATE | MAP_NORESERVE)).ok).toBe(true);
    expect(m.mmap(p, anon(100 * GIB, Machine.ANON_PRIVATE, 1)).ok).toBe(true);
    expect(m.commit.committed).toBe(before);
  });

  test("shared anonymous memory is charged for its object: 100G fails, MAP_NORESERVE does not", () => {
    const [m, p] = withShell();
    expect(m.mmap(p, anon(100 * GIB, Machine.ANON_SHARED)).ok).toBe(false);
    expect(m.mmap(p, anon(100 * GIB, Machine.ANON_SHARED | MAP_NORESERVE)).ok).toBe(true);
  });
});

test("mode 1 refuses nothing and still charges", () => {
  const [m, p] = withShell();
  m.setOvercommit({ overcommitMemory: 1 });
  const before = m.commit.committed;
  expect(m.mmap(p, anon(100 * GIB)).ok).toBe(true);
  expect(m.commit.committed - before).toBe((100 * GIB) / PAGE_SIZE);
});

describe("mode 2, strict", () => {
  test("64M fits in 128M of headroom, 128M more does not; MAP_NORESERVE is charged anyway", () => {
    const [m, p] = withShell();
    strict(m, 128 * MIB);
    expect(m.mmap(p, anon(64 * MIB)).ok).toBe(true);
    expect(m.mmap(p, anon(128 * MIB)).ok).toBe(false);
    const nr = m.mmap(p, anon(32 * MIB, Machine.ANON_PRIVATE | MAP_NORESERVE));
    expect(nr.ok).toBe(true);
    const vma = m.tasks.get(p)!.mm!.vmaAt(nr.ok ? nr.value : 0)!;
    expect(vma.flags & VM_NORESERVE).toBe(0);
    expect(vma.flags & VM_ACCOUNT).not.toBe(0);
  });

  test("the user reserve: a process's own total_vm / 32 is kept back", () => {
    const [m, p] = withShell();
    m.setOvercommit({ userReserveKbytes: 0 });
    strict(m, 64 * MIB);
    // A large read-only mapping costs nothing but raises total_vm.
    expect(m.mmap(p, anon(1024 * MIB, Machine.ANON_PRIVATE, 1)).ok).toBe(true);
    expect(m.mmap(p, anon(40 * MIB)).ok).toBe(true); // no reserve: fits
    m.setOvercommit({ userReserveKbytes: 131072 });
    // 24M more would fit in the limit, but 1 GiB / 32 = 32M is kept back.
    expect(m.mmap(p, anon(16 * MIB)).ok).toBe(false);
    m.setOvercommit({ userReserveKbytes: 0 });
    expect(m.mmap(p, anon(16 * MIB)).ok).toBe(true);
  });

  test("refused brk, mprotect and fork change nothing", () => {
    const [m, p] = withShell();
    const ro = m.mmap(p, anon(64 * MIB, Machine.ANON_PRIVATE, 1));
    if (!ro.ok) throw new Error(ro.errno);
    strict(m, 16 * MIB);
    const mm = m.tasks.get(p)!.mm!;
    const brk = mm.brk;
    const vmas = JSON.stringify(mm.vmas.map((v) => [v.start, v.end, v.flags]));
    const committed = m.commit.committed;
    const tasks = m.tasks.size;
    expect(m.brk(p, brk + 32 * MIB)).toEqual({ ok: true, value: brk });
    expect(m.mprotect(p, ro.value, 64 * MIB, Machine.RW).ok).toBe(false);
    strict(m, 0); // no room for the child's charge
    const f = m.fork(p);
    expect(f.ok || f.errno).toBe("ENOMEM");
    expect(JSON.stringify(mm.vmas.map((v) => [v.start, v.end, v.flags]))).toBe(vmas);
    expect(m.commit.committed).toBe(committed);
    expect(m.tasks.size).toBe(tasks);
    strict(m, 16 * MIB);
    expect(m.brk(p, brk + 8 * MIB)).toEqual({ ok: true, value: brk + 8 * MIB });
  });

  test("overcommit_ratio 0 without swap: even one page fails", () => {
    const [m, p] = withShell();
    m.setOvercommit({ overcommitMemory: 2, overcommitRatio: 0 });
    expect(vmCommitLimit(m)).toBe(0n);
    expect(m.mmap(p, anon(PAGE_SIZE)).ok).toBe(false);
  });
});

test("the warning is rate-limited: 10 in 5 s, then how many were suppressed", () => {
  const [m, p] = withShell();
  const logged = m.log.length;
  for (let i = 0; i < 12; i++) m.mmap(p, anon(100 * GIB));
  expect(m.log.length - logged).toBe(10);
  m.advance(5_000_000_000);
  m.mmap(p, anon(100 * GIB));
  expect(m.log.slice(-2)).toEqual([
    "__vm_enough_memory: 2 callbacks suppressed",
    `__vm_enough_memory: pid: ${p}, comm: sh, bytes: 107374182400 not enough memory for the allocation`,
  ]);
});

test("the shell prints the commands' usual ENOMEM messages and the kernel's warning", () => {
  const run = runScript(
    "P=$(spawn /bin/sh)\nmmap $P 100G\necho 2 > /proc/sys/vm/overcommit_memory\necho 0 > /proc/sys/vm/overcommit_ratio\nfork $P\nbrk $P +1M\n",
  );
  expect(run.stderr).toContain(
    "mmap: 0x0: Cannot allocate memory (overcommit: more than RAM and swap)",
  );
  expect(run.stderr).toContain("fork: 3: Cannot allocate memory (overcommit: beyond CommitLimit)");
  expect(run.stderr).toMatch(/brk: 0x[0-9a-f]+: Cannot allocate memory/);
  expect(run.stderr).toContain("__vm_enough_memory: pid: 3, comm: sh, bytes: 1048576");
});

test("swapoff in mode 2 fails with ENOMEM when the commitment would not fit without the swap", () => {
  const [m, p] = withShell({ swapBytes: 256 * MIB });
  // CommitLimit = what is committed + 64 MiB + 256 MiB of swap: after 128 MiB
  // more, the commitment no longer fits in the limit without the swap.
  strict(m, 64 * MIB);
  expect(m.mmap(p, anon(128 * MIB)).ok).toBe(true);
  const committed = m.commit.committed;
  expect(m.swapoff("/swapfile")).toMatchObject({ ok: false, errno: "ENOMEM" });
  expect(m.commit.committed).toBe(committed);
  expect(m.swap.totalPages()).toBeGreaterThan(0);
  m.setOvercommit({ overcommitMemory: 0 });
  expect(m.swapoff("/swapfile").ok).toBe(true);
});

test("a negative overcommit_ratio is a huge unsigned one: strict mode then refuses nothing", () => {
  const [m, p] = withShell();
  m.setOvercommit({ overcommitMemory: 2, overcommitRatio: -5 });
  const total = BigInt(m.phys.nrFrames - m.phys.firstUsable);
  expect(vmCommitLimit(m)).toBe(BigInt.asUintN(64, total * (2n ** 64n - 5n)) / 100n);
  expect(m.mmap(p, anon(6 * GIB)).ok).toBe(true);
});
