/**
 * The `cowsh` command (package.json "bin": dist/bin/cowsh.sh, the launcher that
 * scripts/launcher.mjs writes) in a real terminal. It paints the greeting and
 * the first prompt before Node starts, in raw mode, and execs Node, which
 * takes the terminal over (src/cli/launcher-tty.ts):
 * - the prompt is on the screen within 100 ms of the start (best of five);
 * - the screen does not change when the app takes over (polled as fast as
 *   tmux answers, from the launcher's paint to the app's first frame);
 * - keys typed before Node runs are neither echoed nor lost: they appear
 *   once, in the app's line; Ctrl-C is a key there, as in the app;
 * - the terminal's settings are as before when cowsh ends, by `exit` or by
 *   SIGTERM, with the status bash would report.
 * Node is held before it runs cowsh's code by a `--require` module that
 * waits for a file (NODE_OPTIONS), so that "before Node is up" is not a race.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { paneWithHome, promptLine, ROOT, ready, TMUX_OR_CI, TmuxPane } from "./tmux-pane.js";

const LAUNCHER = join(ROOT, "dist/bin/cowsh.sh");

/** Holds Node before the binary runs, until the file COWSH_TEST_GATE exists. */
const HOLD = `const fs = require("node:fs");
const wait = new Int32Array(new SharedArrayBuffer(4));
while (!fs.existsSync(process.env.COWSH_TEST_GATE)) Atomics.wait(wait, 0, 0, 5);
`;

const GREETING_ROWS = [
  "cowsh: a shell over a simulated Linux machine. `help` lists the commands;",
  "try `P=$(spawn /bin/sh)` then `cat /proc/$P/smaps`. Ctrl-D leaves.",
  "",
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!TMUX_OR_CI || (!existsSync(LAUNCHER) && !process.env.CI))(
  "the cowsh command in a real terminal (tmux)",
  () => {
    const { pane: first, home, env } = paneWithHome("launcher");
    // A new tmux server (socket) per start: a server still exiting can take
    // the next one on the same socket with it.
    let pane = first;
    let panes = 0;
    afterAll(() => pane.stop());
    const freshPane = (): TmuxPane => {
      pane.stop();
      pane = new TmuxPane(`launcher${++panes}`);
      return pane;
    };
    const file = (name: string) => join(home, name);

    /**
     * Starts the command in a fresh pane from sh, which saves the terminal's
     * settings before and after it and prints its status; `held`: Node waits
     * at the gate.
     */
    function start(held: boolean): void {
      freshPane();
      for (const name of ["gate", "before", "after", "pid"]) writeFileSync(file(name), "");
      rmSync(file("gate.closed"), { force: true });
      const gate = file(held ? "gate.closed" : "gate");
      writeFileSync(file("hold.cjs"), HOLD);
      const vars = { ...env, NODE_OPTIONS: `--require ${file("hold.cjs")}`, COWSH_TEST_GATE: gate };
      const script = [
        'stty -g > "$1/before"',
        `sh -c 'echo $$ > "$1/pid"; exec "$0"' "$0" "$1"`,
        'echo "[exited $?]"',
        'stty -g > "$1/after"',
        "exec sleep 600",
      ].join("; ");
      pane.start(80, 24, vars, ["sh", "-c", script, LAUNCHER, home]);
    }
    const open = () => writeFileSync(file("gate.closed"), "");
    const settings = (name: string) => readFileSync(file(name), "utf8").trim();

    test("paints the first prompt within 100 ms", async () => {
      const times: number[] = [];
      for (let run = 0; run < 5; run++) {
        freshPane();
        writeFileSync(file("t0"), "");
        pane.start(80, 24, env, ["sh", "-c", 'date +%s%N > "$1/t0"; exec "$0"', LAUNCHER, home]);
        let seen = 0;
        for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
          if (pane.screen().includes("cowsh$")) {
            seen = Date.now();
            break;
          }
        }
        const t0 = Number(readFileSync(file("t0"), "utf8").trim()) / 1e6;
        expect(seen).toBeGreaterThan(0);
        times.push(seen - t0);
        await pane.waitFor(ready, "the app");
      }
      console.log(`first prompt (ms, five starts): ${times.map((t) => t.toFixed(0)).join(" ")}`);
      expect(Math.min(...times)).toBeLessThan(100);
    }, 120_000);

    test("the screen stays as painted when the app takes over; keys typed before arrive once", async () => {
      start(true);
      const painted = await pane.waitFor((s) => s.includes("cowsh$"), "the launcher's prompt");
      expect(painted.split("\n")).toEqual([...GREETING_ROWS, "cowsh$"]);
      pane.type("echo one");
      await sleep(300);
      expect(pane.screen()).toBe(painted); // not echoed by the terminal
      open();
      // Every screen from here to the app's first frame: the greeting's rows
      // as painted, the prompt row with the typed keys or not yet, then the
      // status line or nothing.
      const screens = new Set<string>();
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
        const s = pane.screen();
        screens.add(s);
        if (ready(s) || promptLine(s) === "cowsh$ echo one") break;
      }
      for (const s of screens) {
        const rows = s.split("\n");
        expect(rows.slice(0, 3)).toEqual(GREETING_ROWS);
        expect(["cowsh$", "cowsh$ echo one"]).toContain(rows[3]);
        expect(rows.length).toBeLessThanOrEqual(5);
      }
      const taken = await pane.waitFor(
        (s) => promptLine(s) === "cowsh$ echo one",
        "the typed keys in the app's line",
      );
      expect(taken.split("\n").slice(0, 4)).toEqual([...GREETING_ROWS, "cowsh$ echo one"]);
      pane.keys("Enter");
      const after = await pane.waitFor(
        (s) => s.includes("\none\n") && ready(s),
        "the command's output",
      );
      expect(after.split("\n").filter((row) => row.includes("one"))).toEqual([
        "cowsh$ echo one",
        "one",
      ]);
      pane.keys("C-d");
      await pane.waitFor((s) => s.includes("[exited 0]"), "cowsh to exit");
      expect(settings("after")).toBe(settings("before"));
    }, 60_000);

    test("Ctrl-C typed before Node runs is the app's key, not a signal", async () => {
      start(true);
      await pane.waitFor((s) => s.includes("cowsh$"), "the launcher's prompt");
      pane.type("abc");
      pane.keys("C-c");
      await sleep(200);
      open();
      const s = await pane.waitFor(
        (t) => ready(t) && t.includes("cowsh$ abc^C"),
        "the app's answer to Ctrl-C",
      );
      expect(s.split("\n").slice(3, 5)).toEqual(["cowsh$ abc^C", "cowsh$"]);
      pane.type("exit 3");
      pane.keys("Enter");
      await pane.waitFor((t) => t.includes("[exited 3]"), "cowsh to exit");
      expect(settings("after")).toBe(settings("before"));
    }, 60_000);

    test("SIGTERM ends it with the signal's status and the terminal as it was", async () => {
      start(false);
      await pane.waitFor(ready, "the app");
      process.kill(Number(settings("pid")), "SIGTERM");
      await pane.waitFor((t) => t.includes("[exited 143]"), "cowsh to die of SIGTERM");
      expect(settings("after")).toBe(settings("before"));
    }, 60_000);

    test("standard input a terminal other than the controlling one: the settings put back at exit", async () => {
      // Window 0's terminal, where only `sleep` runs, is cowsh's standard
      // input and output; it runs in window 1 under `script`, whose own
      // pseudo-terminal is its controlling terminal: /dev/tty is not stdin.
      const p = freshPane();
      p.start(80, 24, env, ["sleep", "600"]);
      const tty = p.tmux("display", "-p", "-t", "t:0", "#{pane_tty}").trim();
      for (const name of ["before", "after", "status"]) rmSync(file(name), { force: true });
      const inner = `stty -g < ${tty} > ${file("before")}; ${LAUNCHER} < ${tty} > ${tty} 2>&1; echo $? > ${file("status")}; stty -g < ${tty} > ${file("after")}`;
      const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
      p.tmux(
        "new-window",
        "-d",
        "-t",
        "t:", // the session: the next free index ("t" alone may name window 0, "index 0 in use")
        "env",
        ...vars,
        "script",
        "-q",
        "-c",
        inner,
        "/dev/null",
      );
      const screen = () => p.tmux("capture-pane", "-p", "-t", "t:0").trimEnd();
      for (const deadline = Date.now() + 20_000; !ready(screen()) && Date.now() < deadline; )
        await sleep(50);
      expect(ready(screen())).toBe(true);
      p.tmux("send-keys", "-t", "t:0", "exit 4", "Enter");
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
        if (existsSync(file("after")) && settings("after") !== "") break;
        await sleep(50);
      }
      expect(settings("status")).toBe("4");
      expect(settings("after")).toBe(settings("before"));
    }, 60_000);

    test("SIGWINCH before Node runs: the app draws for the new width", async () => {
      start(true);
      await pane.waitFor((s) => s.includes("cowsh$"), "the launcher's prompt");
      pane.resize(60, 24);
      await sleep(200);
      open();
      // The greeting as the terminal reflowed it (tmux keeps the cursor's row,
      // so its first rows went up into the scrollback), the app's prompt and
      // status line below.
      await pane.waitFor(ready, "the app");
      const text = (s: string) => s.replace(/\s+/g, ""); // rows cut at the new width
      expect(text(pane.history())).toContain(text(`${GREETING_ROWS.join("")}cowsh$t=0.000s`));
      pane.keys("C-d");
      await pane.waitFor((t) => t.includes("[exited 0]"), "cowsh to exit");
      expect(settings("after")).toBe(settings("before"));
    }, 60_000);
  },
);
