/** true, false and `:`: do nothing, successfully or not, as bash's builtins. */
import type { Command } from "../src/shell/types.js";

const nothing = (name: string, summary: string, status: number): Command => ({
  name,
  summary,
  prints: "nothing",
  usage: [`${name} [ARG...]`],
  run: () => ({ status, blocks: [] }),
});

export const trueCommand = nothing("true", "do nothing, successfully (status 0)", 0);
export const falseCommand = nothing("false", "do nothing, unsuccessfully (status 1)", 1);
export const colon = nothing(":", "do nothing, successfully; its arguments are expanded", 0);
