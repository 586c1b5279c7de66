/**
 * A cowsh script as a presenter sees it: commands, comments, blank lines,
 * and the directive comments that steer `--play` and `--quiz`:
 *
 *   # pause           --play waits for a key here
 *   # quiz: FIELD...  --quiz asks for FIELD's value before the next command
 *   # cowsh: OPTS     the script's machine options (see cli-options.ts)
 *   #!... cowsh OPTS  the same, on the first line
 *
 * A command is read as the shell reads it: lines are joined while the
 * command is incomplete (an open quote, a trailing `|` or `&&`). Pure.
 */
import { parse } from "../shell/parser.js";

export type ScriptLine =
  | { readonly kind: "blank" }
  | { readonly kind: "comment"; readonly text: string }
  | { readonly kind: "pause" }
  | { readonly kind: "quiz"; readonly fields: readonly string[] }
  /** A command as written (several lines if it continues), without its final newline. */
  | { readonly kind: "command"; readonly text: string };

/** The script's lines in order; `# cowsh:` and `#!` directives are left out. */
export function scriptLines(source: string): ScriptLine[] {
  const lines = source.replace(/\n$/, "").split("\n");
  const out: ScriptLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (trimmed === "") out.push({ kind: "blank" });
    else if (trimmed.startsWith("#")) {
      const d = directive(trimmed, i);
      if (d !== null) {
        if (d.kind !== "options") out.push(d);
      } else out.push({ kind: "comment", text: line });
    } else {
      let text = line;
      while (i + 1 < lines.length && incomplete(text)) text += `\n${lines[++i]!}`;
      out.push({ kind: "command", text });
    }
  }
  return out;
}

type Directive = Extract<ScriptLine, { kind: "pause" | "quiz" }> | { readonly kind: "options" };

function directive(comment: string, index: number): Directive | null {
  if (index === 0 && comment.startsWith("#!")) return { kind: "options" };
  if (/^#\s*pause\s*$/i.test(comment)) return { kind: "pause" };
  if (/^#\s*cowsh:/.test(comment)) return { kind: "options" };
  const quiz = /^#\s*quiz:\s*(.*)$/i.exec(comment);
  if (quiz === null) return null;
  const fields = quiz[1]!.split(/[\s,]+/).filter((f) => f !== "");
  return fields.length === 0 ? null : { kind: "quiz", fields };
}

/** More lines could complete `text` (the shell would print its PS2 prompt). */
function incomplete(text: string): boolean {
  const r = parse(text);
  return !r.ok && r.error.incomplete;
}
