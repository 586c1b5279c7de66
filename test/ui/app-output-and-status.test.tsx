import chalk from "chalk";
import { cleanup } from "ink-testing-library";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { styled } from "../../src/ui/sgr.js";
import { type ViewProps, type ViewRegistry, viewKind } from "../../src/ui/views.js";
import { renderApp } from "./render-app.js";

afterEach(cleanup);

// Ink colours through chalk, which turns colours off when stdout is not a terminal.
const savedLevel = chalk.level;
beforeAll(() => {
  chalk.level = 1;
});
afterAll(() => {
  chalk.level = savedLevel;
});

describe("output", () => {
  it("prints the echoed line and the command's output above the prompt", async () => {
    const app = await renderApp();
    await app.type("echo hello\r");
    await app.waitForPrompt();
    expect(app.lines().slice(-4)).toEqual([
      "cowsh$ echo hello",
      "hello",
      "cowsh$",
      "t=3.000s  4 processes  free 7.8 GiB / 8.0 GiB",
    ]);
  });

  it("prints stderr in red", async () => {
    const app = await renderApp({ color: true });
    await app.type("fail\r");
    await app.waitForPrompt();
    expect(app.scrollback()).toContain("\u001b[31mfail: something broke\u001b[39m\n");
    expect(app.scrollback()).toContain("\u001b[1m\u001b[32mcowsh$ \u001b[39m\u001b[22mfail\n");
  });

  it("prints an empty line of output", async () => {
    const app = await renderApp();
    await app.type("echo\r");
    await app.waitForPrompt();
    expect(app.lines().slice(-4, -2)).toEqual(["cowsh$ echo", ""]);
  });

  it("runs lines typed while a command runs after it, in order, echoed as the tty does", async () => {
    const app = await renderApp();
    await app.type("echo one\recho two\recho three\r");
    await app.waitFor("three\n");
    await app.waitForPrompt();
    // The tty echoes the lines typed ahead where they were typed; each is shown again as it runs.
    expect(app.frame()).toContain(
      "cowsh$ echo one\necho two\necho three\none\ncowsh$ echo two\ntwo\ncowsh$ echo three\nthree\n",
    );
  });

  it("reports an engine failure as an error and goes on", async () => {
    const app = await renderApp();
    await app.type("crash\r");
    await app.waitForPrompt();
    expect(app.frame()).toContain("cowsh: engine bug");
    await app.type("echo still here\r");
    await app.waitFor("still here\n");
  });
});

/** A test view: `filled` cells drawn as bars. */
const Bars = ({ view, text }: ViewProps): string => {
  if (
    typeof view !== "object" ||
    view === null ||
    !("filled" in view) ||
    typeof view.filled !== "number"
  ) {
    return text;
  }
  return styled({ color: "green" }, "▇".repeat(view.filled));
};

describe("views", () => {
  it("draws a view block with its registered renderer", async () => {
    const views: ViewRegistry = new Map([["bars", Bars]]);
    const app = await renderApp({ views });
    await app.type("view\r");
    await app.waitForPrompt();
    expect(app.frame()).toContain("cowsh$ view\n▇▇\n");
    expect(app.frame()).not.toContain("plain");
  });

  it("falls back to the block's text without a renderer, or when the renderer throws", async () => {
    const app = await renderApp();
    await app.type("view\r");
    await app.waitForPrompt();
    expect(app.frame()).toContain("cowsh$ view\n[##..] plain\n");
    const broken: ViewRegistry = new Map([
      [
        "bars",
        () => {
          throw new Error("bad view");
        },
      ],
    ]);
    const other = await renderApp({ views: broken });
    await other.type("view\r");
    await other.waitForPrompt();
    expect(other.frame()).toContain("cowsh$ view\n[##..] plain\n");
    expect(viewKind({ kind: "bars" })).toBe("bars");
    expect(viewKind("bars")).toBeUndefined();
  });
});

describe("status line and progress", () => {
  it("shows the clock, processes and free memory, dim, and updates after a command", async () => {
    const app = await renderApp();
    expect(app.status()).toBe("t=3.000s  4 processes  free 7.8 GiB / 8.0 GiB");
    expect(app.lastFrame()).toContain("\u001b[2mt=3.000s");
    await app.type("sleep 2\r");
    await app.waitForPrompt();
    expect(app.status()).toBe("t=5.000s  4 processes  free 7.8 GiB / 8.0 GiB");
  });

  it("shows a progress bar with its label while the engine reports progress", async () => {
    const app = await renderApp();
    await app.type("wait\r");
    await app.waitFor("writing buf [");
    const bar = app
      .frame()
      .split("\n")
      .find((l) => l.startsWith("writing buf"));
    expect(bar).toMatch(/^writing buf \[█+░+\] {2}25%$/);
    app.engine.release?.();
    await app.waitForPrompt();
    expect(app.frame()).not.toContain("writing buf");
    expect(app.frame()).toContain("waiting\ndone\n");
  });
});

describe("long output", () => {
  it("prints 100,000 lines in chunks while keys typed meanwhile are handled", async () => {
    const app = await renderApp({ linesPerTick: 5000 });
    await app.type("seq 100000\r");
    await app.waitFor("line 5000\n");
    await app.type("echo typed ahead");
    expect(app.frame()).not.toContain("line 100000");
    expect(app.promptLine()).toBe("echo typed ahead");
    await app.waitFor("line 100000\n");
    await app.waitForPrompt("echo typed ahead");
    const frame = app.frame();
    expect(frame.match(/^line \d+$/gm)).toHaveLength(100_000);
  });

  it("drops the rest of a long output on Ctrl-C", async () => {
    const app = await renderApp({ linesPerTick: 1000 });
    await app.type("seq 100000\r");
    await app.waitFor("line 1000\n");
    await app.type("\u0003");
    await app.waitForPrompt();
    expect(app.frame()).not.toContain("line 100000");
    expect(app.frame()).toMatch(/line \d+\n\^C\n/);
  });
});
