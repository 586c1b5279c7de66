import fc from "fast-check";
import { describe, test } from "vitest";
import { allCommands, runChecked } from "./model.js";

describe("random sequences of mmap, write, read, fork, exec, exit, munmap, mprotect", () => {
  test("keep every invariant and read back what the reference model says (mainline: zero page)", () => {
    fc.assert(
      fc.property(fc.commands(allCommands, { maxCommands: 60, size: "medium" }), (cmds) =>
        runChecked(cmds),
      ),
      { numRuns: 150 },
    );
  });

  test("and without the zero page, as on a kernel booted with pvm_no_zero_page", () => {
    fc.assert(
      fc.property(fc.commands(allCommands, { maxCommands: 60, size: "medium" }), (cmds) =>
        runChecked(cmds, { zeroPage: false }),
      ),
      { numRuns: 75 },
    );
  });
});
