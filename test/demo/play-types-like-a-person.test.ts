/**
 * --play: the script read as a presenter reads it, typed with a steady,
 * deterministic rhythm; `# pause` waits for a key of the real keyboard,
 * Ctrl-C reaches the shell, Ctrl-D ends the playback.
 */
import { EventEmitter } from "node:events";
import stripAnsi from "strip-ansi";
import { describe, expect, test } from "vitest";
import { Machine } from "../../src/kernel/machine.js";
import { createSession } from "../../src/shell/runtime.js";
import { mulberry32, playScript, typingChunks } from "../../src/ui/play.js";
import { scriptLines } from "../../src/ui/script-lines.js";
import { createShellEngine } from "../../src/ui/shell-engine.js";

/** A terminal's stdout as Ink uses it, keeping each write. */
class FakeTerminal extends EventEmitter {
  readonly isTTY = false;
  readonly columns = 80;
  readonly rows = 24;
  readonly chunks: string[] = [];
  write(text: string | Uint8Array, ...rest: unknown[]): boolean {
    this.chunks.push(String(text));
    (rest.find((r) => typeof r === "function") as (() => void) | undefined)?.();
    return true;
  }
  /** The scrollback: Ink writes it in chunks of its own, without the cursor moves of its redraws. */
  scrollback(): string {
    return stripAnsi(this.chunks.filter((c) => !/\u001b\[(\?25|[0-9]*[ABGK])/.test(c)).join(""));
  }
}

class FakeKeyboard extends EventEmitter {
  raw: boolean[] = [];
  setRawMode(raw: boolean) {
    this.raw.push(raw);
  }
  press(text: string) {
    this.emit("data", Buffer.from(text));
  }
}

function play(source: string, options: { keys?: FakeKeyboard; typingSpeed?: number } = {}) {
  const terminal = new FakeTerminal();
  const engine = createShellEngine(createSession(Machine.boot()));
  const done = playScript(
    engine,
    source,
    {
      typingSpeed: options.typingSpeed ?? 0,
      pauseMs: 0,
      ...(options.keys ? { keys: options.keys } : {}),
    },
    {
      stdout: terminal as unknown as NodeJS.WriteStream,
      stderr: new FakeTerminal() as unknown as NodeJS.WriteStream,
      patchConsole: false,
      color: false,
    },
  );
  return { terminal, done, screen: () => terminal.scrollback() };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("reading the script", () => {
  test("commands, comments, blank lines and directives; continued commands are joined", () => {
    const source = [
      "#!/usr/bin/env -S cowsh --mem 64M",
      "# cowsh: --no-zero-page",
      "# A lesson.",
      "",
      "echo 'two",
      "lines'",
      "# pause",
      "# quiz: Pss, Rss",
      "cat /proc/meminfo |",
      "  head -1",
    ].join("\n");
    expect(scriptLines(source)).toEqual([
      { kind: "comment", text: "# A lesson." },
      { kind: "blank" },
      { kind: "command", text: "echo 'two\nlines'" },
      { kind: "pause" },
      { kind: "quiz", fields: ["Pss", "Rss"] },
      { kind: "command", text: "cat /proc/meminfo |\n  head -1" },
    ]);
  });
});

describe("typing", () => {
  test("the same text is typed with the same rhythm every time, at about the speed asked", () => {
    const text = 'smaps $P buf | grep -E "$FIELDS"';
    const a = typingChunks(text, 30, mulberry32(1));
    const b = typingChunks(text, 30, mulberry32(1));
    expect(a).toEqual(b);
    expect(a.map((c) => c.text).join("")).toBe(text);
    const total = a.reduce((t, c) => t + c.delayMs, 0);
    expect(total).toBeGreaterThan((text.length / 30) * 1000 * 0.8);
    expect(total).toBeLessThan((text.length / 30) * 1000 * 1.2);
    const delays = new Set(a.map((c) => c.delayMs));
    expect(delays.size).toBeGreaterThan(3);
  });

  test("fast typing sends keys in bursts of at least 15 ms", () => {
    const chunks = typingChunks("x".repeat(200), 10_000, mulberry32(7));
    expect(chunks.length).toBeLessThan(20);
    for (const c of chunks.slice(0, -1)) expect(c.delayMs).toBeGreaterThanOrEqual(15);
  });
});

describe("playing", () => {
  test("each line is typed at the prompt and run; comments too; the shell exits at the end", async () => {
    const p = play("# say hello\necho hello\n\nsleep 2\ncat /proc/uptime\n", { typingSpeed: 2000 });
    expect(await p.done).toBe(0);
    const screen = p.screen();
    expect(screen).toContain("cowsh$ # say hello\n");
    expect(screen).toContain("cowsh$ echo hello\nhello\n");
    expect(screen).toContain("cowsh$ cat /proc/uptime\n2.00 ");
    expect(screen).toMatch(/\nexit\n/);
  });

  test("`# pause` waits for a key press, and the terminal is raw meanwhile", async () => {
    const keys = new FakeKeyboard();
    const p = play("echo one\n# pause\necho two\n", { keys });
    await wait(150);
    expect(p.screen()).toContain("one\n");
    expect(p.screen()).not.toContain("two");
    expect(keys.raw).toEqual([true]);
    // A key that comes before the player has reached the pause is not kept
    // for it (a presenter's early key must not skip a pause), so on a busy
    // machine the first press may land before the pause: press until it ends.
    let ended = false;
    void p.done.then(() => {
      ended = true;
    });
    while (!ended) {
      keys.press(" ");
      await wait(100);
    }
    expect(await p.done).toBe(0);
    expect(p.screen()).toContain("cowsh$ echo two\ntwo\n");
    expect(keys.raw).toEqual([true, false]);
  });

  test("Ctrl-D on the keyboard ends the playback and the shell", async () => {
    const keys = new FakeKeyboard();
    const p = play("echo one\n# pause\necho two\n", { keys });
    await wait(150);
    keys.press("\u0004");
    expect(await p.done).toBe(0);
    expect(p.screen()).not.toContain("two");
  });

  test("Ctrl-C on the keyboard interrupts the running command, and the playback goes on", async () => {
    const keys = new FakeKeyboard();
    const terminal = new FakeTerminal();
    const engine = createShellEngine(createSession(Machine.boot()), { timeScale: 1 });
    const done = playScript(
      engine,
      "sleep 60\necho after\n",
      { typingSpeed: 0, pauseMs: 0, keys },
      {
        stdout: terminal as unknown as NodeJS.WriteStream,
        stderr: new FakeTerminal() as unknown as NodeJS.WriteStream,
        patchConsole: false,
        color: false,
      },
    );
    await wait(200);
    keys.press("\u0003");
    expect(await done).toBe(0);
    const screen = terminal.scrollback();
    expect(screen).toContain("cowsh$ sleep 60\n^C\n");
    expect(screen).toContain("cowsh$ echo after\nafter\n");
  });
});
