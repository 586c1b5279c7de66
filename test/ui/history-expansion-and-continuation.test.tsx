import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { createMemoryHistoryStore } from "../../src/ui/history.js";
import { decodeKeys } from "../../src/ui/keys.js";
import { initialPrompt, joinForHistory, type PromptState, pressKey } from "../../src/ui/prompt.js";
import { renderApp } from "./render-app.js";

afterEach(cleanup);

const CTRL_C = "\u0003";
const ALT_DOT = "\u001b.";

describe("history expansion at the prompt", () => {
  it("runs the expanded line, prints it under the typed one and remembers it expanded", async () => {
    const history = createMemoryHistoryStore(["echo one two"]);
    const app = await renderApp({ history });
    await app.type("ls !$\r");
    await app.waitForPrompt();
    expect(app.frame()).toContain("cowsh$ ls !$\nls two\n");
    await app.type("!!\r");
    await app.waitForPrompt();
    expect(app.frame()).toContain("cowsh$ !!\nls two\n");
    expect(app.engine.ran).toEqual(["ls two", "ls two"]);
    expect(history.load()).toEqual(["echo one two", "ls two"]);
  });

  it("says 'event not found' as bash does, runs nothing and remembers nothing", async () => {
    const history = createMemoryHistoryStore(["echo one"]);
    const app = await renderApp({ history });
    await app.type("echo !99\r");
    await app.waitForPrompt();
    expect(app.frame()).toContain("cowsh$ echo !99\ncowsh: !99: event not found\n");
    expect(app.engine.ran).toEqual([]);
    expect(history.load()).toEqual(["echo one"]);
  });
});

describe("multi-line constructs at the prompt", () => {
  it("shows PS2 until the construct is complete, then runs it once and remembers one entry", async () => {
    const history = createMemoryHistoryStore();
    const app = await renderApp({ history });
    await app.type("for i in 1 2; do\r");
    expect(app.promptLine()).toBe(">");
    await app.type("echo $i\r");
    expect(app.promptLine()).toBe(">");
    expect(app.engine.ran).toEqual([]);
    await app.type("done\r");
    await app.waitForPrompt();
    expect(app.engine.ran).toEqual(["for i in 1 2; do\necho $i\ndone"]);
    expect(app.frame()).toContain("cowsh$ for i in 1 2; do\n> echo $i\n> done\n");
    expect(history.load()).toEqual(["for i in 1 2; do echo $i; done"]);
  });

  it("continues after an open quote and a trailing |, and Ctrl-C at PS2 abandons the construct", async () => {
    const app = await renderApp();
    await app.type("echo 'a\r");
    expect(app.promptLine()).toBe(">");
    await app.type("b'\r");
    await app.waitForPrompt();
    await app.type("ls |\r");
    expect(app.promptLine()).toBe(">");
    await app.type("wc" + CTRL_C);
    await app.waitForPrompt();
    expect(app.frame()).toContain("cowsh$ ls |\n> wc^C\n");
    expect(app.engine.ran).toEqual(["echo 'a\nb'"]);
  });

  it("reads a here-document to its end line, and a line ending in a backslash on", async () => {
    const history = createMemoryHistoryStore();
    const app = await renderApp({ history });
    for (const line of ["cat <<EOF", "one", "EOF"]) {
      expect(app.promptLine()).toBe(line === "cat <<EOF" ? "cowsh$" : ">");
      await app.type(`${line}\r`);
    }
    await app.waitForPrompt();
    await app.type("echo a \\\r");
    expect(app.promptLine()).toBe(">");
    await app.type("b\r");
    await app.waitForPrompt();
    expect(app.engine.ran).toEqual(["cat <<EOF\none\nEOF", "echo a \\\nb"]);
    expect(history.load()).toEqual(["echo a b"]);
  });

  it("Ctrl-D on an empty line at PS2 ends the construct there (the shell then reports the early end)", async () => {
    const app = await renderApp();
    await app.type("for i in 1; do\r");
    expect(app.promptLine()).toBe(">");
    await app.type("\u0004");
    await app.waitForPrompt();
    expect(app.engine.ran).toEqual(["for i in 1; do"]);
    expect(app.frame()).toContain("cowsh$ for i in 1; do\n> \n");
  });

  it("joins lines for history as bash's cmdhist does", () => {
    expect(joinForHistory(["if true", "then echo y", "fi"])).toBe("if true; then echo y; fi");
    expect(joinForHistory(["ls |", "wc"])).toBe("ls | wc");
    expect(joinForHistory(["f() {", "echo x", "}"])).toBe("f() { echo x; }");
    expect(joinForHistory(["echo 'a", "b'"])).toBe("echo 'a\nb'");
  });
});

describe("Alt-. (yank-last-arg)", () => {
  const press = (s: PromptState, input: string) => {
    let state = s;
    for (const key of decodeKeys(input)) {
      state = pressKey(state, key, {
        busy: false,
        complete: () => ({ from: 0, candidates: [] }),
      }).state;
    }
    return state;
  };

  it("inserts the last word of the previous line; again, of the line before it", () => {
    const start = initialPrompt(["cat /proc/1/maps", 'echo "a b" > out.txt']);
    const once = press(start, `less ${ALT_DOT}`);
    expect(once.line.text).toBe("less out.txt");
    const twice = press(once, ALT_DOT);
    expect(twice.line.text).toBe("less /proc/1/maps");
    expect(twice.line.cursor).toBe(twice.line.text.length);
    const stays = press(twice, ALT_DOT);
    expect(stays.line.text).toBe("less /proc/1/maps");
    const fresh = press(press(twice, "x"), ALT_DOT);
    expect(fresh.line.text).toBe("less /proc/1/mapsxout.txt");
  });
});
