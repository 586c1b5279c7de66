/**
 * A naive reference model of process memory for property tests: fork
 * deep-copies private memory, shared memory is one object, exec and exit
 * drop everything. Reads in the real machine must return what the model
 * says, which is what proves COW invisible to programs.
 */
import fc from "fast-check";
import { PAGE_SIZE } from "../../src/kernel/constants.js";
import { assertInvariants } from "../../src/kernel/invariants.js";
import type { KernelConfig } from "../../src/kernel/kernel.js";
import { Machine } from "../../src/kernel/machine.js";

/** One mapping a test process made, as the model sees it. */
export interface RegionModel {
  start: number;
  pages: number;
  writable: boolean;
  /** Private pages' words by page index (absent: never written, reads 0). */
  words: Map<number, number>;
  /** For shared anonymous memory: the object all sharers see (words live there). */
  shared: Map<number, number> | null;
}

export interface ProcModel {
  pid: number;
  regions: RegionModel[];
}

export interface Model {
  procs: ProcModel[];
  nextWord: number;
}

export interface Real {
  m: Machine;
}

const wordsOf = (r: RegionModel): Map<number, number> => r.shared ?? r.words;

/** Boots a small machine with `n` test processes (idle shells). */
export function setup(n = 1, options: Partial<KernelConfig> = {}): { model: Model; real: Real } {
  const m = Machine.boot({ memBytes: 256 * 1024 * 1024, ...options });
  const procs: ProcModel[] = [];
  for (let i = 0; i < n; i++) {
    const r = m.spawn("/bin/sh", ["sh"]);
    if (!r.ok) throw new Error("spawn failed");
    procs.push({ pid: r.value, regions: [] });
  }
  return { model: { procs, nextWord: 1 }, real: { m } };
}

const pick = <T>(xs: readonly T[], i: number): T | undefined =>
  xs.length === 0 ? undefined : xs[i % xs.length];

class MmapCmd implements fc.Command<Model, Real> {
  constructor(
    readonly proc: number,
    readonly pages: number,
    readonly shared: boolean,
  ) {}
  check = (m: Readonly<Model>) => m.procs.length > 0;
  run(model: Model, real: Real): void {
    const p = pick(model.procs, this.proc)!;
    const r = real.m.mmap(p.pid, {
      addr: 0,
      length: this.pages * PAGE_SIZE,
      prot: 3,
      flags: this.shared ? 0x21 : 0x22,
      file: null,
      fileWritable: false,
      offset: 0,
    });
    if (!r.ok) throw new Error(`mmap failed: ${r.errno}`);
    p.regions.push({
      start: r.value,
      pages: this.pages,
      writable: true,
      words: new Map(),
      shared: this.shared ? new Map() : null,
    });
  }
  toString = () => `mmap(${this.proc}, ${this.pages}${this.shared ? ", shared" : ""})`;
}

class AccessCmd implements fc.Command<Model, Real> {
  constructor(
    readonly proc: number,
    readonly region: number,
    readonly first: number,
    readonly count: number,
    readonly write: boolean,
  ) {}
  check = (m: Readonly<Model>) => m.procs.some((p) => p.regions.length > 0);
  run(model: Model, real: Real): void {
    const p = pick(
      model.procs.filter((q) => q.regions.length > 0),
      this.proc,
    )!;
    const region = pick(p.regions, this.region)!;
    const first = this.first % region.pages;
    const count = Math.min(this.count, region.pages - first);
    const addr = region.start + first * PAGE_SIZE;
    if (this.write) {
      const word = model.nextWord++;
      const r = real.m.access(p.pid, addr, count * PAGE_SIZE, true, word);
      if (!r.ok) throw new Error(`write failed: ${r.errno}`);
      if (!region.writable) {
        if (r.value.signal?.signo !== 11)
          throw new Error("a write to a read-only mapping did not segfault");
        model.procs = model.procs.filter((q) => q !== p);
        reapIfZombie(real, p.pid);
        return;
      }
      if (r.value.signal !== null) throw new Error(`unexpected signal ${r.value.signal.signo}`);
      for (let i = 0; i < count; i++) wordsOf(region).set(first + i, word);
      return;
    }
    const r = real.m.access(p.pid, addr, count * PAGE_SIZE, false, 0, true);
    if (!r.ok || r.value.signal !== null) throw new Error("read failed");
    r.value.words!.forEach((w, i) => {
      const want = wordsOf(region).get(first + i) ?? 0;
      if (w !== want)
        throw new Error(
          `pid ${p.pid} read ${w} at page ${first + i} of ${region.start.toString(16)}, the model says ${want}`,
        );
    });
  }
  toString = () =>
    `${this.write ? "write" : "read"}(${this.proc}, ${this.region}, ${this.first}, ${this.count})`;
}

/** The parent (the login shell) reaps a dead test process. */
function reapIfZombie(real: Real, pid: number): void {
  if (real.m.tasks.get(pid)?.isZombie) real.m.wait(pid);
}

class ForkCmd implements fc.Command<Model, Real> {
  constructor(readonly proc: number) {}
  check = (m: Readonly<Model>) => m.procs.length > 0 && m.procs.length < 8;
  run(model: Model, real: Real): void {
    const p = pick(model.procs, this.proc)!;
    const r = real.m.fork(p.pid);
    if (!r.ok) throw new Error("fork failed");
    const regions = p.regions.map((reg) => ({ ...reg, words: new Map(reg.words) }));
    model.procs.push({ pid: r.value, regions });
  }
  toString = () => `fork(${this.proc})`;
}

class ExecCmd implements fc.Command<Model, Real> {
  constructor(readonly proc: number) {}
  check = (m: Readonly<Model>) => m.procs.length > 0;
  run(model: Model, real: Real): void {
    const p = pick(model.procs, this.proc)!;
    if (!real.m.exec(p.pid, "/bin/sh", ["sh"]).ok) throw new Error("exec failed");
    p.regions = [];
  }
  toString = () => `exec(${this.proc})`;
}

class ExitCmd implements fc.Command<Model, Real> {
  constructor(readonly proc: number) {}
  check = (m: Readonly<Model>) => m.procs.length > 1;
  run(model: Model, real: Real): void {
    const p = pick(model.procs, this.proc)!;
    if (!real.m.exit(p.pid, 0).ok) throw new Error("exit failed");
    model.procs = model.procs.filter((q) => q !== p);
    // Children of the shell are reaped now; a test process's zombie children wait for it
    // (and init reaps at once the orphans it inherited).
    if (real.m.tasks.get(p.pid)?.ppid === 2) real.m.wait(p.pid);
  }
  toString = () => `exit(${this.proc})`;
}

class MunmapCmd implements fc.Command<Model, Real> {
  constructor(
    readonly proc: number,
    readonly region: number,
  ) {}
  check = (m: Readonly<Model>) => m.procs.some((p) => p.regions.length > 0);
  run(model: Model, real: Real): void {
    const p = pick(
      model.procs.filter((q) => q.regions.length > 0),
      this.proc,
    )!;
    const region = pick(p.regions, this.region)!;
    if (!real.m.munmap(p.pid, region.start, region.pages * PAGE_SIZE).ok)
      throw new Error("munmap failed");
    p.regions = p.regions.filter((r) => r !== region);
  }
  toString = () => `munmap(${this.proc}, ${this.region})`;
}

class MprotectCmd implements fc.Command<Model, Real> {
  constructor(
    readonly proc: number,
    readonly region: number,
    readonly writable: boolean,
  ) {}
  check = (m: Readonly<Model>) => m.procs.some((p) => p.regions.length > 0);
  run(model: Model, real: Real): void {
    const p = pick(
      model.procs.filter((q) => q.regions.length > 0),
      this.proc,
    )!;
    const region = pick(p.regions, this.region)!;
    if (!real.m.mprotect(p.pid, region.start, region.pages * PAGE_SIZE, this.writable ? 3 : 1).ok)
      throw new Error("mprotect failed");
    region.writable = this.writable;
  }
  toString = () => `mprotect(${this.proc}, ${this.region}, ${this.writable ? "rw" : "r"})`;
}

/** Every command, with small arguments so that sequences interact. */
export const allCommands = [
  fc
    .tuple(fc.nat(7), fc.integer({ min: 1, max: 40 }), fc.boolean())
    .map(([p, n, s]) => new MmapCmd(p, n, s)),
  fc
    .tuple(fc.nat(7), fc.nat(7), fc.nat(63), fc.integer({ min: 1, max: 40 }), fc.boolean())
    .map(([p, r, f, c, w]) => new AccessCmd(p, r, f, c, w)),
  fc.nat(7).map((p) => new ForkCmd(p)),
  fc.nat(7).map((p) => new ExecCmd(p)),
  fc.nat(7).map((p) => new ExitCmd(p)),
  fc.tuple(fc.nat(7), fc.nat(7)).map(([p, r]) => new MunmapCmd(p, r)),
  fc.tuple(fc.nat(7), fc.nat(7), fc.boolean()).map(([p, r, w]) => new MprotectCmd(p, r, w)),
];

/** Runs `cmds` and checks the invariants after every one. */
export function runChecked(
  cmds: Iterable<fc.Command<Model, Real>>,
  options: Partial<KernelConfig> = {},
): void {
  const { model, real } = setup(1, options);
  fc.modelRun(() => ({ model, real }), wrapChecks(cmds));
  for (const p of model.procs) real.m.exit(p.pid, 0);
  for (const task of [...real.m.tasks.values()]) if (task.isZombie) real.m.wait(task.pid);
  const r = assertInvariants(real.m);
  if (r.violations.length !== 0) throw new Error("leak after exit");
}

/** Wraps each command so the invariants are asserted right after it. */
function* wrapChecks(cmds: Iterable<fc.Command<Model, Real>>): Generator<fc.Command<Model, Real>> {
  for (const cmd of cmds) {
    yield {
      check: (m) => cmd.check(m),
      run: (model, real) => {
        cmd.run(model, real);
        assertInvariants(real.m);
      },
      toString: () => cmd.toString(),
    };
  }
}
