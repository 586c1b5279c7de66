import stripAnsi from "strip-ansi";
import { describe, expect, it } from "vitest";
import { runInteractive } from "../../src/ui/app.js";
import { createMemoryHistoryStore } from "../../src/ui/history.js";
import { FakeEngine } from "./fake-engine.js";
import { CapturedStdout, PipeStdin } from "./fake-streams.js";

const streams = () => {
  const stdin = new PipeStdin();
  const stdout = new CapturedStdout();
  const stderr = new CapturedStdout();
  // The fakes implement what Ink uses of the real streams.
  return {
    stdin,
    stdout,
    options: {
      stdin: stdin as unknown as NodeJS.ReadStream,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stderr as unknown as NodeJS.WriteStream,
      // vitest's console cannot be re-created by Ink's console patch.
      patchConsole: false,
    },
  };
};

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("runInteractive when stdin is not a terminal", () => {
  it("reads keys from the pipe without raw mode, and resolves with the status when it ends", async () => {
    const { stdin, stdout, options } = streams();
    const history = createMemoryHistoryStore();
    const done = runInteractive(new FakeEngine(), { ...options, history, color: false });
    await tick();
    stdin.emit("data", "echo hi\r");
    await new Promise((resolve) => setTimeout(resolve, 50));
    stdin.emit("data", "fail\r");
    await new Promise((resolve) => setTimeout(resolve, 50));
    stdin.emit("end");
    expect(await done).toBe(1);
    // Scrollback is written in its own chunks, between Ink's redraws of the live region.
    const chunks = stdout.chunks.map((c) => stripAnsi(c));
    expect(chunks).toContain("cowsh$ echo hi\n");
    expect(chunks).toContain("hi\n");
    expect(chunks).toContain("fail: something broke\n");
    expect(history.load()).toEqual(["echo hi", "fail"]);
  });

  it("exits on Ctrl-D with status 0 and on `exit N` with N", async () => {
    const a = streams();
    const first = runInteractive(new FakeEngine(), {
      ...a.options,
      history: createMemoryHistoryStore(),
    });
    await tick();
    a.stdin.emit("data", "\u0004");
    expect(await first).toBe(0);
    const b = streams();
    const second = runInteractive(new FakeEngine(), {
      ...b.options,
      history: createMemoryHistoryStore(),
    });
    await tick();
    b.stdin.emit("data", "exit 7\r");
    expect(await second).toBe(7);
  });
});
