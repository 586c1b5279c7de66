import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderApp } from "./render-app.js";

afterEach(cleanup);

describe("start-up", () => {
  it("prints the greeting once above the first prompt", async () => {
    const app = await renderApp({ greeting: "cowsh: type help for the commands" });
    expect(app.lines()).toEqual([
      "cowsh: type help for the commands",
      "cowsh$",
      "t=3.000s  4 processes  free 7.8 GiB / 8.0 GiB",
    ]);
  });

  it("starts with an empty history, and says so, when the history cannot be read", async () => {
    const history = {
      load: (): never => {
        throw new Error("EACCES: permission denied");
      },
      save: () => {},
    };
    const app = await renderApp({ history });
    expect(app.frame()).toContain("cowsh: cannot read history: EACCES: permission denied\n");
    await app.type("\u001b[A");
    expect(app.promptLine()).toBe("cowsh$");
  });

  it("keeps each App's default history to itself", async () => {
    const first = await renderApp();
    await first.type("echo one\r");
    await first.waitForPrompt();
    const second = await renderApp();
    await second.type("\u001b[A");
    expect(second.promptLine()).toBe("cowsh$");
  });
});

describe("exit", () => {
  it("prints exit, as bash, and removes the prompt and status line", async () => {
    const onExit = vi.fn();
    const app = await renderApp({ onExit });
    await app.type("exit 2\r");
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(2));
    expect(app.lines().filter((l) => l !== "")).toEqual(["cowsh$ exit 2", "exit"]);
  });
});
