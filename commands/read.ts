/**
 * read PID TARGET [LENGTH]: the process loads a word from every page of a
 * range (faulting as needed). --words prints each page's word.
 */
import type { Command } from "../src/shell/types.js";
import { accessSteps, runAccess } from "./lib/access/run-access.js";

export const read: Command = {
  name: "read",
  summary: "the process reads every page of a range",
  prints:
    "nothing on success (with -v, what the reads faulted in); without LENGTH it reads the whole mapping from TARGET on",
  usage: [
    "read PID ADDR|MAPPING[+OFFSET] [LENGTH] [-v] [--words]",
    "read [-r] [-p PROMPT] [NAME...]     (the shell's: a line of input into variables)",
  ],
  steps: (ctx, argv) => accessSteps(ctx, argv, false),
  run: (ctx, argv) => runAccess(ctx, argv, false),
};
