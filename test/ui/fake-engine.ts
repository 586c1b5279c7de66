/**
 * A ShellEngine for UI tests: a handful of commands with predictable output,
 * completion over a fixed word list, and a status the tests can change.
 */
import type { Block } from "../../src/shell/types.js";
import type { EngineStatus, Progress, RunResult, ShellEngine } from "../../src/ui/engine.js";

const GiB = 1024 ** 3;

type Run = (
  args: readonly string[],
  sink: (b: Block) => void,
  signal: AbortSignal,
  onProgress: (p: Progress) => void,
) => RunResult | Promise<RunResult>;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export class FakeEngine implements ShellEngine {
  readonly ran: string[] = [];
  status_: EngineStatus = {
    clockNs: 3e9,
    processes: 4,
    freeBytes: Math.round(7.8 * GiB),
    totalBytes: 8 * GiB,
  };
  words = ["spawn", "sleep", "smaps", "smaps_rollup", "/proc/", "status"];
  /** Resolves the running `wait` command. */
  release: (() => void) | undefined;
  /** The signal the last command was given. */
  lastSignal: AbortSignal | undefined;

  readonly commands: Record<string, Run> = {
    echo: (args, sink) => {
      sink({ kind: "out", text: `${args.join(" ")}\n` });
      return { status: 0 };
    },
    fail: (_args, sink) => {
      sink({ kind: "err", text: "fail: something broke\n" });
      return { status: 1 };
    },
    seq: (args, sink) => {
      const n = Number(args[0]);
      const lines: string[] = [];
      for (let i = 1; i <= n; i++) lines.push(`line ${i}`);
      sink({ kind: "out", text: `${lines.join("\n")}\n` });
      return { status: 0 };
    },
    clear: () => ({ status: 0, effect: { kind: "clear" } }),
    exit: (args) => ({ status: 0, effect: { kind: "exit", status: Number(args[0] ?? 0) } }),
    view: (_args, sink) => {
      sink({ kind: "view", text: "[##..] plain", view: { kind: "bars", filled: 2, empty: 2 } });
      return { status: 0 };
    },
    sleep: (args) => {
      this.status_ = { ...this.status_, clockNs: this.status_.clockNs + Number(args[0]) * 1e9 };
      return { status: 0 };
    },
    /** Adds words to complete: state that exists only once the line has run. */
    learn: (args) => {
      this.words = [...this.words, ...args];
      return { status: 0 };
    },
    crash: () => {
      throw new Error("engine bug");
    },
    wait: async (_args, sink, signal, onProgress) => {
      sink({ kind: "out", text: "waiting\n" });
      onProgress({ done: 1, total: 4, label: "writing buf" });
      await new Promise<void>((resolve) => {
        this.release = resolve;
        signal.addEventListener("abort", () => resolve());
      });
      await tick();
      if (signal.aborted) return { status: 130 };
      sink({ kind: "out", text: "done\n" });
      return { status: 0 };
    },
  };

  async run(
    line: string,
    sink: (block: Block) => void,
    signal: AbortSignal,
    onProgress?: (p: Progress) => void,
  ): Promise<RunResult> {
    this.ran.push(line);
    this.lastSignal = signal;
    await tick();
    const [name = "", ...args] = line.trim().split(/\s+/);
    const command = this.commands[name];
    if (!command) {
      sink({ kind: "err", text: `cowsh: ${name}: command not found\n` });
      return { status: 127 };
    }
    return command(args, sink, signal, onProgress ?? (() => {}));
  }

  complete(line: string, cursor: number): { from: number; candidates: readonly string[] } {
    const from = line.lastIndexOf(" ", cursor - 1) + 1;
    const word = line.slice(from, cursor);
    return { from, candidates: this.words.filter((w) => w.startsWith(word)) };
  }

  status(): EngineStatus {
    return this.status_;
  }

  prompt(): string {
    return "cowsh$ ";
  }
}
