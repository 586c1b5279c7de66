import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { createMemoryHistoryStore } from "../../src/ui/history.js";
import { renderApp } from "./render-app.js";

afterEach(cleanup);

const UP = "\u001b[A";
const DOWN = "\u001b[B";
const CTRL_R = "\u0012";
const CTRL_G = "\u0007";

describe("history at the prompt", () => {
  it("↑/↓ walk the lines run in this session and keep the unsent draft", async () => {
    const app = await renderApp();
    await app.type("echo one\r");
    await app.waitForPrompt();
    await app.type("echo two\r");
    await app.waitForPrompt();
    await app.type("cat /pr");
    await app.type(UP);
    expect(app.promptLine()).toBe("cowsh$ echo two");
    await app.type(UP);
    expect(app.promptLine()).toBe("cowsh$ echo one");
    await app.type(DOWN);
    await app.type(DOWN);
    expect(app.promptLine()).toBe("cowsh$ cat /pr");
  });

  it("loads the saved history and saves each accepted line, except those starting with a space", async () => {
    const history = createMemoryHistoryStore(["echo saved"]);
    const app = await renderApp({ history });
    await app.type(UP);
    expect(app.promptLine()).toBe("cowsh$ echo saved");
    await app.type("\r");
    await app.waitForPrompt();
    await app.type("echo new\r");
    await app.waitForPrompt();
    await app.type(" echo secret\r");
    await app.waitForPrompt();
    expect(history.load()).toEqual(["echo saved", "echo new"]);
    expect(app.engine.ran).toEqual(["echo saved", "echo new", " echo secret"]);
  });

  it("reports a history that cannot be saved once, and goes on", async () => {
    const history = {
      load: () => [],
      save: () => {
        throw new Error("EROFS: read-only file system");
      },
    };
    const app = await renderApp({ history });
    await app.type("echo a\r");
    await app.waitForPrompt();
    await app.type("echo b\r");
    await app.waitFor("b\n");
    const frame = app.frame();
    expect(frame.match(/cannot save history: EROFS/g)).toHaveLength(1);
  });
});

describe("Ctrl-R reverse search", () => {
  const saved = ["cat /proc/1/smaps", "echo tree", "cat /proc/2/maps", "echo last"];

  it("shows (reverse-i-search)`query': match and runs it on Enter", async () => {
    const app = await renderApp({ history: createMemoryHistoryStore(saved) });
    await app.type(CTRL_R);
    expect(app.promptLine()).toBe("(reverse-i-search)`':");
    await app.type("cat");
    expect(app.promptLine()).toBe("(reverse-i-search)`cat': cat /proc/2/maps");
    await app.type(CTRL_R);
    expect(app.promptLine()).toBe("(reverse-i-search)`cat': cat /proc/1/smaps");
    await app.type("\r");
    await app.waitForPrompt();
    expect(app.engine.ran).toEqual(["cat /proc/1/smaps"]);
    expect(app.frame()).toContain("cowsh$ cat /proc/1/smaps\n");
  });

  it("Ctrl-G cancels back to the line being typed; Esc keeps the match for editing", async () => {
    const app = await renderApp({ history: createMemoryHistoryStore(saved) });
    await app.type("draft");
    await app.type(`${CTRL_R}tree`);
    expect(app.promptLine()).toBe("(reverse-i-search)`tree': echo tree");
    await app.type(CTRL_G);
    expect(app.promptLine()).toBe("cowsh$ draft");
    await app.type(`${CTRL_R}last`);
    await app.type("\u001b");
    expect(app.promptLine()).toBe("cowsh$ echo last");
  });

  it("says when nothing matches", async () => {
    const app = await renderApp({ history: createMemoryHistoryStore(saved) });
    await app.type(`${CTRL_R}nothing`);
    expect(app.promptLine()).toBe("(failed reverse-i-search)`nothing':");
  });
});
