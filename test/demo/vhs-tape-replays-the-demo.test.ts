/**
 * demo/fork-exec.tape, the VHS recording of the main demo, types exactly
 * demo/fork-exec.cowsh: every command in order, and the comments that
 * follow the script's opening block (not its `# quiz:` or `# pause` lines).
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";

const read = (name: string) => readFileSync(new URL(`../../demo/${name}`, import.meta.url), "utf8");
const tape = read("fork-exec.tape").split("\n");
const script = read("fork-exec.cowsh").split("\n");

/** The text of each `Type` (or `Type@SPEED`) command after `Show`. */
function typed(lines: readonly string[]): string[] {
  const shown = lines.slice(lines.indexOf("Show"));
  return shown.flatMap((line) => {
    const m = /^Type(?:@\S+)? (?:`(.*)`|"(.*)")$/.exec(line);
    return m === null ? [] : [m[1] ?? m[2]!];
  });
}

/** What the tape should type: the script after its opening comment block. */
function expected(lines: readonly string[]): string[] {
  const first = lines.findIndex((l) => l.trim() !== "" && !l.startsWith("#"));
  return lines
    .slice(first)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/^#\s*(quiz:|pause\s*$)/.test(l));
}

describe("demo/fork-exec.tape", () => {
  test("sets the output, the font and the size", () => {
    expect(tape).toContain("Output demo/fork-exec.gif");
    expect(tape.some((l) => /^Set FontSize [0-9]+$/.test(l))).toBe(true);
    expect(tape.some((l) => /^Set Width [0-9]+$/.test(l))).toBe(true);
    expect(tape.some((l) => /^Set Height [0-9]+$/.test(l))).toBe(true);
  });

  test("types the demo's commands and comments, each followed by Enter and a pause", () => {
    expect(typed(tape)).toEqual(expected(script));
    tape.forEach((line, i) => {
      if (!line.startsWith("Type") || i < tape.indexOf("Show")) return;
      expect(tape[i + 1], line).toBe("Enter");
      expect(tape[i + 2], line).toMatch(/^Sleep [0-9]+m?s$/);
    });
  });

  test("starts the shell hidden and leaves it with Ctrl-D", () => {
    expect(tape.indexOf("Hide")).toBeLessThan(tape.indexOf("Show"));
    expect(tape.slice(tape.indexOf("Hide"), tape.indexOf("Show")).join("\n")).toContain(
      "node dist/src/main.js",
    );
    expect(tape).toContain("Ctrl+D");
  });
});
