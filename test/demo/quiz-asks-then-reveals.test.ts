/**
 * `cowsh --quiz FILE`: before a command marked `# quiz: FIELD`, the learner
 * is asked for the figure; then the output is shown and the guess judged.
 * Driven here with a fake stdin holding the learner's answers.
 */
import { readFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import { describe, expect, test } from "vitest";
import { runQuiz } from "../../src/cli/quiz.js";
import { Machine } from "../../src/kernel/machine.js";
import { createSession } from "../../src/shell/runtime.js";

async function quiz(source: string, answers: string[], { end = true } = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (d) => {
    text += String(d);
  });
  for (const a of answers) input.write(`${a}\n`);
  if (end) input.end();
  const score = await runQuiz(createSession(Machine.boot()), source, {
    input,
    output,
    color: false,
  });
  return { score, text };
}

const LESSON = `# Fork shares every page.
P=$(spawn /bin/sh)
BUF=$(mmap $P 16M --name buf)
write $P buf
C=$(fork $P)
# quiz: Pss
smaps $C buf | grep -E '^(Rss|Pss):'
# quiz: Shared_Dirty, Private_Dirty
smaps $P buf | grep -E '^(Shared|Private)_Dirty:'
`;

describe("--quiz", () => {
  test("asks before the marked command, then shows its output and judges each guess", async () => {
    const { score, text } = await quiz(LESSON, ["8192", "16384 kB", "4"]);
    expect(text).toBe(
      [
        "# Fork shares every page.",
        "cowsh$ P=$(spawn /bin/sh)",
        "cowsh$ BUF=$(mmap $P 16M --name buf)",
        "cowsh$ write $P buf",
        "cowsh$ C=$(fork $P)",
        "cowsh$ smaps $C buf | grep -E '^(Rss|Pss):'",
        "? Pss: your guess? Rss:               16384 kB",
        "Pss:                8192 kB",
        "Pss: 8192 kB right!",
        "cowsh$ smaps $P buf | grep -E '^(Shared|Private)_Dirty:'",
        "? Shared_Dirty: your guess? ? Private_Dirty: your guess? Shared_Dirty:      16384 kB",
        "Private_Dirty:         0 kB",
        "Shared_Dirty: 16384 kB right!",
        "Private_Dirty: 0 kB (you said 4)",
        "",
        "You got 2 of 3 right.",
        "",
      ].join("\n"),
    );
    expect(score).toEqual({ status: 0, asked: 3, right: 2 });
  });

  test("waits for the answer before showing the figure", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = "";
    output.on("data", (d) => {
      text += String(d);
    });
    const done = runQuiz(createSession(Machine.boot()), LESSON, { input, output, color: false });
    await new Promise((r) => setTimeout(r, 50));
    expect(text).toContain("? Pss: your guess? ");
    expect(text).not.toContain("8192");
    input.end("8704\n1\n2\n");
    const { right } = await done;
    expect(right).toBe(0);
    expect(text).toContain("Pss: 8192 kB (you said 8704)");
  });

  test("when stdin ends, the remaining figures are shown without a guess, then the score so far", async () => {
    const { score, text } = await quiz(LESSON, ["8192"]);
    expect(text).toContain("Pss: 8192 kB right!");
    expect(text).toContain("Shared_Dirty: 16384 kB (no guess)");
    expect(text).toContain("Private_Dirty: 0 kB (no guess)");
    expect(text.endsWith("\nYou got 1 of 1 right.\n")).toBe(true);
    expect(score).toEqual({ status: 0, asked: 1, right: 1 });
  });

  test("a guess that is not a number is asked again", async () => {
    const { score, text } = await quiz(LESSON, ["sixteen", "8192", "", "0"]);
    expect(text).toContain(
      "? Pss: your guess?   a number, please (8192 or 8192 kB; Enter skips)\n? Pss: your guess? ",
    );
    expect(text).toContain("Pss: 8192 kB right!");
    expect(text).toContain("Shared_Dirty: 16384 kB (no guess)");
    expect(score).toEqual({ status: 0, asked: 2, right: 2 });
  });

  test("Ctrl-C stops the lesson at once and ends with the score so far", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = "";
    output.on("data", (d) => {
      text += String(d);
    });
    const interrupt = new AbortController();
    const done = runQuiz(createSession(Machine.boot()), LESSON, {
      input,
      output,
      color: false,
      signal: interrupt.signal,
    });
    input.write("8192\n");
    await new Promise((r) => setTimeout(r, 50));
    expect(text).toContain("? Shared_Dirty: your guess? ");
    interrupt.abort();
    const score = await done;
    expect(score).toEqual({ status: 0, asked: 1, right: 1, interrupted: true });
    expect(text.endsWith("? Shared_Dirty: your guess? \n\nYou got 1 of 1 right.\n")).toBe(true);
    expect(text).not.toContain("Shared_Dirty:      16384 kB");
  });

  test("a marked field the output lacks is said so; unmarked commands are not asked about", async () => {
    const { text } = await quiz("# quiz: Nope\necho hello\necho Pss: 1\n", ["1"]);
    expect(text).toBe(
      "cowsh$ echo hello\nhello\nquiz: Nope is not in this output\ncowsh$ echo Pss: 1\nPss: 1\n",
    );
  });

  test("every demo's quiz marks name a figure its command prints", async () => {
    for (const name of [
      "fork-exec",
      "cow-copy-vs-reuse",
      "pss-three-way",
      "prefork-server",
      "zygote",
    ]) {
      const source = readFileSync(new URL(`../../demo/${name}.cowsh`, import.meta.url), "utf8");
      const marks = source.split("\n").filter((l) => l.startsWith("# quiz:")).length;
      expect(marks, name).toBeGreaterThan(0);
      const { score, text } = await quiz(source, Array(20).fill("0"));
      expect(text, name).not.toContain("is not in this output");
      expect(score.asked, name).toBe(marks);
    }
  });
});
