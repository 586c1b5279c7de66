/**
 * write PID TARGET [LENGTH]: the process stores a word into every page of a
 * range (faulting as needed). TARGET is an address, or a mapping name with
 * an optional +OFFSET; LENGTH defaults to the rest of the mapping.
 * `--byte N` fills every page written with byte N; `--random` gives every
 * page its own content (as real data has); by default every page gets the
 * one word (1, or --value), as a program storing one word per page would.
 */
import type { Command } from "../src/shell/types.js";
import { accessSteps, runAccess } from "./lib/access/run-access.js";

export const write: Command = {
  name: "write",
  summary: "the process writes every page of a range",
  prints:
    "nothing on success (with -v, what the writes faulted and copied); without LENGTH it writes the whole mapping from TARGET on",
  usage: ["write PID ADDR|MAPPING[+OFFSET] [LENGTH] [-v] [--value WORD | --byte N | --random]"],
  steps: (ctx, argv) => accessSteps(ctx, argv, true),
  run: (ctx, argv) => runAccess(ctx, argv, true),
};
