import { cleanup } from "ink-testing-library";
import stripAnsi from "strip-ansi";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CLEAR_SCREEN, CLEAR_VISIBLE } from "../../src/ui/use-scrollback.js";
import { renderApp } from "./render-app.js";

afterEach(cleanup);

const TAB = "\t";
const CTRL_C = "\u0003";
const CTRL_D = "\u0004";
const CTRL_L = "\u000c";
const CLEAR = CLEAR_SCREEN;

describe("Tab completion", () => {
  it("completes a single candidate and adds a space", async () => {
    const app = await renderApp();
    await app.type(`spa${TAB}`);
    expect(app.promptLine()).toBe("cowsh$ spawn");
    await app.type("x");
    expect(app.promptLine()).toBe("cowsh$ spawn x");
  });

  it("adds no space after a directory", async () => {
    const app = await renderApp();
    await app.type(`cat /p${TAB}1`);
    expect(app.promptLine()).toBe("cowsh$ cat /proc/1");
  });

  it("extends to the common prefix, and a second Tab lists the candidates above the prompt", async () => {
    const app = await renderApp();
    await app.type(`cat sm${TAB}`);
    expect(app.promptLine()).toBe("cowsh$ cat smaps");
    expect(app.frame()).not.toContain("smaps_rollup");
    await app.type(TAB);
    const lines = app.frame().split("\n");
    expect(lines.slice(-4)).toEqual([
      "cowsh$ cat smaps",
      "smaps         smaps_rollup",
      "cowsh$ cat smaps",
      "t=3.000s  4 processes  free 7.8 GiB / 8.0 GiB",
    ]);
  });
});

describe("Tab typed ahead while lines run", () => {
  it("completes against what the lines before it leave, as bash reads type-ahead", async () => {
    const app = await renderApp();
    await app.type("wait\r");
    await app.waitFor("waiting");
    await app.type(`learn zebra\rcat ze${TAB}x`);
    expect(app.engine.ran).toEqual(["wait"]);
    app.engine.release?.();
    await app.waitForPrompt("cat zebra x");
    expect(app.engine.ran).toEqual(["wait", "learn zebra"]);
  });

  it("is dropped with the type-ahead by Ctrl-C", async () => {
    const app = await renderApp();
    await app.type("wait\r");
    await app.waitFor("waiting");
    await app.type(`cat ze${TAB}x`);
    await app.type(CTRL_C);
    await app.waitForPrompt();
    expect(app.frame()).toContain("waiting\n^C\n");
    await app.type(`cat sp${TAB}`);
    expect(app.promptLine()).toBe("cowsh$ cat spawn");
  });
});

describe("Ctrl-C", () => {
  it("cancels the line: prints it with ^C and gives a fresh prompt, running nothing", async () => {
    const app = await renderApp();
    await app.type("spawn /bin/sleep");
    await app.type(CTRL_C);
    expect(app.frame()).toContain("cowsh$ spawn /bin/sleep^C\n");
    expect(app.promptLine()).toBe("cowsh$");
    expect(app.engine.ran).toEqual([]);
  });

  it("interrupts a running command through its AbortSignal", async () => {
    const app = await renderApp();
    await app.type("wait\r");
    await app.waitFor("waiting");
    await app.type("ls");
    expect(app.engine.lastSignal?.aborted).toBe(false);
    await app.type(CTRL_C);
    expect(app.engine.lastSignal?.aborted).toBe(true);
    await app.waitForPrompt();
    expect(app.frame()).toContain("waiting\n^C\n");
    expect(app.frame()).not.toContain("done");
    await app.type("echo after\r");
    await app.waitFor("after\n");
  });
});

describe("Ctrl-D", () => {
  it("exits on an empty line, printing exit, with the last status", async () => {
    const onExit = vi.fn();
    const app = await renderApp({ onExit });
    await app.type("fail\r");
    await app.waitForPrompt();
    await app.type(CTRL_D);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(1));
    expect(app.frame().trimEnd().split("\n").at(-1)).toBe("exit");
    expect(app.frame()).not.toContain("processes");
  });

  it("deletes the character under the cursor on a non-empty line", async () => {
    const onExit = vi.fn();
    const app = await renderApp({ onExit });
    await app.type("abc\u0001");
    await app.type(CTRL_D);
    expect(app.promptLine()).toBe("cowsh$ bc");
    expect(onExit).not.toHaveBeenCalled();
  });
});

describe("clearing the screen", () => {
  it("Ctrl-L clears the screen and keeps the line being typed", async () => {
    const app = await renderApp();
    await app.type("echo before\r");
    await app.waitForPrompt();
    await app.type("ls -l");
    await app.type(CTRL_L);
    // As bash: the screen is cleared, the terminal's scrollback is kept.
    expect(app.scrollback().endsWith(CLEAR_VISIBLE)).toBe(true);
    expect(app.scrollback()).not.toContain("\u001b[3J");
    expect(app.lines()).toEqual(["cowsh$ ls -l", "t=3.000s  4 processes  free 7.8 GiB / 8.0 GiB"]);
  });

  it("the clear effect clears the screen after the command's output", async () => {
    const app = await renderApp();
    await app.type("echo before\r");
    await app.waitForPrompt();
    await app.type("clear\r");
    await app.waitForPrompt();
    expect(app.scrollback().endsWith(CLEAR)).toBe(true);
    expect(app.lines()).toEqual(["cowsh$", "t=3.000s  4 processes  free 7.8 GiB / 8.0 GiB"]);
  });

  it("writes above Ink's live region by default (no print option)", async () => {
    const app = await renderApp({}, { inkWrite: true });
    await app.type("echo hi\r");
    await vi.waitFor(() => expect(app.frames.map((f) => stripAnsi(f))).toContain("hi\n"));
    expect(app.frames.map((f) => stripAnsi(f))).toContain("cowsh$ echo hi\n");
  });

  it("the exit effect exits with its status", async () => {
    const onExit = vi.fn();
    const app = await renderApp({ onExit });
    await app.type("exit 3\r");
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(3));
  });
});
