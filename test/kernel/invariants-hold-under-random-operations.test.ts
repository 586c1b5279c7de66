/**
 * Model-based tests: two thousand random sequences of every process verb
 * (spawn, fork, exec, exit, kill, of the login shell too, timed exits with
 * sleep, mmap of anonymous memory and files, munmap, mprotect, brk, reads,
 * writes, msync), run
 * against a naive model in which fork copies everything. Every read must
 * return what the model says, and every invariant must hold after every
 * step and once every process has exited. `npm run soak` runs a million
 * operations the same way.
 */
import fc from "fast-check";
import { describe, test } from "vitest";
import { allCommands, runChecked } from "./model.js";

const sequences = fc.commands(allCommands, { maxCommands: 60, size: "medium" });

// Their own budgets, above the suite's one minute: about 95 s and 30 s alone
// here, 140 s and 50 s with the machine loaded.
const MAINLINE_BUDGET_MS = 480_000;
const NO_ZERO_PAGE_BUDGET_MS = 240_000;

describe("random sequences of every process verb", () => {
  test(
    "keep every invariant and read back what the reference model says (mainline: zero page)",
    () => {
      fc.assert(
        fc.property(sequences, (cmds) => runChecked(cmds)),
        { numRuns: 1500 },
      );
    },
    MAINLINE_BUDGET_MS,
  );

  test(
    "and without the zero page, as on a kernel booted with pvm_no_zero_page",
    () => {
      fc.assert(
        fc.property(sequences, (cmds) => runChecked(cmds, { zeroPage: false })),
        { numRuns: 500 },
      );
    },
    NO_ZERO_PAGE_BUDGET_MS,
  );
});
