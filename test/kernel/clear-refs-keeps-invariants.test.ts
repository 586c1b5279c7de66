/**
 * clear_refs among random sequences of every process verb (the model test's
 * commands): every type, on any process, between the others. Type 4 with
 * soft-dirty tracking write-protects every present PTE, shared page tables
 * included, so the writes that follow must fault and still read back what
 * the reference model says; every invariant holds after every step.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { allCommands, type Model, type Real, runChecked } from "./model.js";

class ClearRefsCmd implements fc.Command<Model, Real> {
  constructor(
    readonly proc: number,
    readonly type: number,
  ) {}
  check = (m: Readonly<Model>) => m.procs.length > 0;
  run(model: Model, real: Real): void {
    const p = model.procs[this.proc % model.procs.length]!;
    expect(real.m.clearRefs(p.pid, this.type).ok).toBe(true);
  }
  toString = () => `clear_refs(${this.proc}, ${this.type})`;
}

const clearRefsArb = fc
  .tuple(fc.nat(7), fc.integer({ min: 1, max: 5 }))
  .map(([p, t]) => new ClearRefsCmd(p, t));

const sequences = fc.commands([...allCommands, clearRefsArb, clearRefsArb, clearRefsArb], {
  maxCommands: 60,
  size: "medium",
});

describe("clear_refs between random process verbs", () => {
  test("with soft-dirty tracking (type 4 write-protects): invariants and contents hold", () => {
    fc.assert(
      fc.property(sequences, (cmds) => runChecked(cmds, { softDirty: true })),
      { numRuns: 80 },
    );
  }, 240_000);

  test("on the mainline configuration", () => {
    fc.assert(
      fc.property(sequences, (cmds) => runChecked(cmds)),
      { numRuns: 50 },
    );
  }, 240_000);
});
