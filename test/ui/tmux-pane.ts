/**
 * A private tmux server with one pane, for the terminal tests: its own
 * socket (unique per test file and process), no config file; send keys,
 * read the screen, poll until something shows. See terminal-under-tmux.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The bundled binary Node runs (the `cowsh` command, dist/bin/cowsh.sh, execs Node on it). */
export const BIN = `${ROOT}dist/bin/cowsh.js`;
export const HAVE_TMUX = spawnSync("tmux", ["-V"]).status === 0;
/** Runs under tmux where it is installed, and always under CI (which installs it). */
export const TMUX_OR_CI = HAVE_TMUX || process.env.CI !== undefined;

export class TmuxPane {
  private readonly socket: string;

  constructor(name: string) {
    this.socket = `cowsh-${name}-${process.pid}`;
  }

  /** Runs tmux on this server; its stdout. */
  tmux(...args: string[]): string {
    return execFileSync("tmux", ["-L", this.socket, "-f", "/dev/null", ...args], {
      encoding: "utf8",
    });
  }

  /** Starts `argv` in a pane of `width` × `height`; `env` is added to the pane's environment. */
  start(width: number, height: number, env: Record<string, string>, argv: string[]): void {
    const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    this.tmux(
      "new-session",
      "-d",
      "-s",
      "t",
      "-x",
      String(width),
      "-y",
      String(height),
      "env",
      ...vars,
      ...argv,
    );
  }

  /** Starts the cowsh binary with `args` (see start). */
  startCowsh(width: number, height: number, env: Record<string, string>, ...args: string[]): void {
    this.start(width, height, env, [process.execPath, BIN, ...args]);
  }

  /** The visible screen, trailing blank lines dropped. */
  screen(): string {
    return this.tmux("capture-pane", "-p", "-t", "t").trimEnd();
  }

  /** The screen and the scrollback above it (`-S -`), trailing blank lines dropped. */
  history(): string {
    return this.tmux("capture-pane", "-p", "-S", "-", "-t", "t").trimEnd();
  }

  keys(...names: string[]): void {
    this.tmux("send-keys", "-t", "t", ...names);
  }

  type(text: string): void {
    this.tmux("send-keys", "-t", "t", "-l", text);
  }

  resize(width: number, height: number): void {
    this.tmux("resize-window", "-t", "t", "-x", String(width), "-y", String(height));
  }

  /** Polls the screen every 50 ms until `wanted` holds; fails with the last screen after `ms`. */
  async waitFor(wanted: (text: string) => boolean, what: string, ms = 15_000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const last = this.screen();
      if (wanted(last)) return last;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${last}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  stop(): void {
    spawnSync("tmux", ["-L", this.socket, "kill-server"]);
  }
}

/**
 * For one describe block: a pane named `name`, and a temporary HOME whose
 * file `h` is the history (`env` sets both), all removed after the block.
 */
export function paneWithHome(name: string): {
  pane: TmuxPane;
  home: string;
  env: Record<string, string>;
} {
  const pane = new TmuxPane(name);
  const home = mkdtempSync(join(tmpdir(), `cowsh-${name}-`));
  afterAll(() => {
    pane.stop();
    rmSync(home, { recursive: true, force: true });
  });
  return { pane, home, env: { HOME: home, COWSH_HISTORY: join(home, "h") } };
}

const STATUS = /^t=\d+\.\d{3}s {2}\d+ process/;
/** The prompt line: the line above the status line, which is the last one drawn. */
export const promptLine = (text: string): string => text.split("\n").at(-2) ?? "";
/** The shell waits at an empty prompt: the status line last, the prompt above it. */
export function ready(text: string): boolean {
  return STATUS.test(text.split("\n").at(-1) ?? "") && promptLine(text) === "cowsh$";
}
