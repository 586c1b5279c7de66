import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { renderApp } from "./render-app.js";

afterEach(cleanup);

const LEFT = "\u001b[D";
const RIGHT = "\u001b[C";
const HOME = "\u001b[H";
const END = "\u001b[F";
const DELETE = "\u001b[3~";
const BACKSPACE = "\u007f";
const ALT_B = "\u001bb";
const ALT_F = "\u001bf";
const CTRL = (c: string) => String.fromCharCode(c.charCodeAt(0) - 96);

describe("line editing at the prompt", () => {
  it("shows the prompt and inserts typed text at the cursor (←, →)", async () => {
    const app = await renderApp();
    expect(app.promptLine()).toBe("cowsh$");
    await app.type("ac");
    await app.type(LEFT);
    await app.type("b");
    expect(app.promptLine()).toBe("cowsh$ abc");
    await app.type(`${LEFT}${LEFT}${RIGHT}X`);
    expect(app.promptLine()).toBe("cowsh$ aXbc");
  });

  it("moves to the ends with Home/End and Ctrl-A/Ctrl-E", async () => {
    const app = await renderApp();
    await app.type("mid");
    await app.type(HOME);
    await app.type("<");
    await app.type(END);
    await app.type(">");
    expect(app.promptLine()).toBe("cowsh$ <mid>");
    await app.type(CTRL("a"));
    await app.type("[");
    await app.type(CTRL("e"));
    await app.type("]");
    expect(app.promptLine()).toBe("cowsh$ [<mid>]");
  });

  it("moves by words with Alt-B and Alt-F", async () => {
    const app = await renderApp();
    await app.type("cat /proc/1/maps");
    await app.type(ALT_B);
    await app.type("s");
    expect(app.promptLine()).toBe("cowsh$ cat /proc/1/smaps");
    await app.type(CTRL("a"));
    await app.type(ALT_F);
    await app.type("!");
    expect(app.promptLine()).toBe("cowsh$ cat! /proc/1/smaps");
  });

  it("deletes before the cursor with Backspace and under it with Delete", async () => {
    const app = await renderApp();
    await app.type("abcd");
    await app.type(BACKSPACE);
    expect(app.promptLine()).toBe("cowsh$ abc");
    await app.type(HOME);
    await app.type(DELETE);
    expect(app.promptLine()).toBe("cowsh$ bc");
  });

  it("kills to the start (Ctrl-U), to the end (Ctrl-K), the previous word (Ctrl-W), and yanks (Ctrl-Y)", async () => {
    const app = await renderApp();
    await app.type("grep Pss /proc/1/smaps");
    await app.type(CTRL("w"));
    expect(app.promptLine()).toBe("cowsh$ grep Pss");
    await app.type(CTRL("y"));
    expect(app.promptLine()).toBe("cowsh$ grep Pss /proc/1/smaps");
    await app.type(`${ALT_B}${ALT_B}`);
    await app.type(CTRL("k"));
    expect(app.promptLine()).toBe("cowsh$ grep Pss /proc/");
    await app.type(ALT_B);
    await app.type(CTRL("u"));
    expect(app.promptLine()).toBe("cowsh$ proc/");
  });

  it("handles a paste of several keys in one read", async () => {
    const app = await renderApp();
    await app.type(`ab${LEFT}${LEFT}x${END}y`);
    expect(app.promptLine()).toBe("cowsh$ xaby");
  });
});
