/** clear: clears the screen (in batch mode, prints the ANSI clear sequence as clear(1) does). */
import type { Command } from "../src/shell/types.js";

export const clear: Command = {
  name: "clear",
  summary: "clear the screen",
  prints: "nothing; the screen is cleared",
  usage: ["clear"],
  run: () => ({ status: 0, blocks: [], effect: { kind: "clear" } }),
};
