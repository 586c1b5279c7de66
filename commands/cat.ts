/**
 * cat [--changes] [FILE...]: prints files, /proc files included; with no
 * file, copies its input.
 *
 * cat remembers, for the rest of the session, the last text it printed of
 * each /proc file. Printing one again, it says what changed: in the Ink UI
 * as colour (a `changes` view block whose plain text is the file, byte for
 * byte, so pipes and batch mode see exactly what plain cat prints), and
 * with --changes as plain marks (see src/views/changes.ts).
 */
import { type GetoptSpec, getopt, hasOption } from "../src/shell/getopt.js";
import { type Block, type Command, err, fail, out } from "../src/shell/types.js";
import { anyChange, type ChangesView, compareText, markedText } from "../src/views/changes.js";
import { errnoMessage, machineOf } from "./lib/args/operands.js";
import { readWhole } from "./lib/files/machine-files.js";
import { sessionState } from "./lib/session/state.js";

/** Texts larger than this are not remembered (nor compared). */
const MAX_REMEMBERED = 1024 * 1024;

/** GNU getopt over cat's options: -u is accepted and ignored, as coreutils does. */
const SPEC: GetoptSpec = {
  name: "cat",
  options: [
    { key: "changes", long: "changes" },
    { key: "u", short: "u" },
  ],
};

const isProc = (path: string): boolean => /^\/+proc(\/|$)/.test(path);

export const cat: Command = {
  name: "cat",
  summary: "print files (/proc files are generated when read, changes marked)",
  prints: "the files' bytes (with --changes, what changed since cat last printed them)",
  usage: [
    "cat [-u] [--changes] [FILE...]",
    "",
    "A /proc file cat printed before in this session shows what changed since:",
    "in colour on a terminal; with --changes, in plain text, a changed line ends",
    "with `  <- was OLD` (the old values), a new line with `  <- new`, and a line",
    "that is gone shows as `<- gone: LINE`. Without --changes the bytes printed",
    "are always the file's.",
  ],
  run(ctx, argv) {
    const parsed = getopt(SPEC, argv);
    // coreutils' usage errors are status 1.
    if (!parsed.ok) return fail(1, err(parsed.message));
    const marks = hasOption(parsed.options, "changes");
    const files = parsed.operands;
    if (files.length === 0) return { status: 0, blocks: ctx.stdin ? [out(ctx.stdin)] : [] };
    const m = machineOf(ctx);
    const shown = sessionState(ctx.session, "cat.shown", () => new Map<string, string>());
    const blocks: Block[] = [];
    let status = 0;
    for (const path of files) {
      if (path === "-") {
        if (ctx.stdin) blocks.push(out(ctx.stdin));
        continue;
      }
      const r = readWhole(m, path);
      if (!r.ok) {
        blocks.push(err(errnoMessage("cat", path, r)));
        status = 1;
        continue;
      }
      const text = r.value.text;
      if (text === "") continue;
      blocks.push(printed(path, text, shown.get(path), marks));
      if (isProc(path) && text.length <= MAX_REMEMBERED && !text.includes("\0"))
        shown.set(path, text);
    }
    return { status, blocks };
  },
};

/** The block for a file's text: plain, marked (--changes), or a changes view. */
function printed(path: string, text: string, last: string | undefined, marks: boolean): Block {
  if (last === undefined || last === text || !text.endsWith("\n")) return out(text);
  const lines = compareText(last, text);
  if (!anyChange(lines)) return out(text);
  if (marks) return out(markedText(lines));
  const view: ChangesView = { kind: "changes", path, lines };
  return { kind: "view", text, view };
}
