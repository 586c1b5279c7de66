/**
 * The page's shell (web/terminal-shell.ts) on a screen that only records
 * what is written: the same prompt machine, runner and pictures as the Ink
 * app, drawn with escape sequences. The tests read the screen through a
 * small model of a terminal (the sequences the shell writes), the history
 * store, and the lines reported for the share link.
 */
import { describe, expect, test } from "vitest";
import { attachHistory, sharedHistory } from "../../commands/history.js";
import { Machine } from "../../src/kernel/machine.js";
import { createSession } from "../../src/shell/runtime.js";
import { createMemoryHistoryStore } from "../../src/ui/history.js";
import { createShellEngine } from "../../src/ui/shell-engine.js";
import { browserHost } from "../../web/browser-host.js";
import { TerminalShell } from "../../web/terminal-shell.js";

/**
 * The rows a terminal shows after `writes`: text, CR, LF, cursor up (CSI A),
 * right (CSI C), erase below (CSI J), clear (CSI 2J, H); colours dropped.
 */
function screenOf(writes: readonly string[], cols: number): string {
  let rows: string[][] = [[]];
  let x = 0;
  let y = 0;
  const row = () => {
    while (rows.length <= y) rows.push([]);
    return rows[y]!;
  };
  const text = writes.join("");
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\u001b") {
      const m = /^\u001b\[([0-9;]*)([A-Za-z])/.exec(text.slice(i))!;
      i += m[0].length - 1;
      const n = Number(m[1] || "1");
      if (m[2] === "A") y = Math.max(0, y - n);
      else if (m[2] === "C") x += n;
      else if (m[2] === "H") [x, y] = [0, 0];
      else if (m[2] === "J" && m[1] === "") {
        row().length = x;
        rows.length = y + 1;
      } else if (m[2] === "J") rows = [[]];
    } else if (c === "\r") x = 0;
    else if (c === "\n") y++;
    else {
      if (x >= cols) [x, y] = [0, y + 1];
      const r = row();
      while (r.length < x) r.push(" ");
      r[x++] = c;
    }
  }
  return rows.map((r) => r.join("").trimEnd()).join("\n");
}

function setup(history = createMemoryHistoryStore()) {
  const written: string[] = [];
  const session = createSession(Machine.boot({}), browserHost);
  const shared = sharedHistory(history);
  attachHistory(session, shared);
  const submitted: string[] = [];
  const finished: string[] = [];
  const shell = new TerminalShell(createShellEngine(session), {
    screen: { write: (t) => void written.push(t), cols: 80 },
    history: shared,
    schedule: (turn) => setImmediate(turn),
    onSubmit: (line) => void submitted.push(line),
    onFinished: (line) => void finished.push(line),
  });
  const all = () => written.join("");
  const screen = () => screenOf(written, 80);
  return { shell, session, history, submitted, finished, all, screen, written };
}

/** Types `text` (keys as the terminal sends them) and waits for what it started to finish. */
async function type(shell: TerminalShell, text: string): Promise<void> {
  shell.input(text);
  await shell.idle();
}

describe("the page's shell", () => {
  test("runs a typed line and prints its echo and output, the prompt in bold green", async () => {
    const t = setup();
    await type(t.shell, "echo hello\r");
    expect(t.screen()).toContain("cowsh$ echo hello\nhello\n");
    expect(t.all()).toContain("\u001b[1m\u001b[32mcowsh$ \u001b[39m\u001b[22m");
    expect(t.submitted).toEqual(["echo hello"]);
    expect(t.finished).toEqual(["echo hello"]);
  });

  test("Tab completes a mapping name as the Ink app does", async () => {
    const t = setup();
    await type(t.shell, "P=$(spawn /bin/sh)\r");
    await type(t.shell, "mmap $P 1M --name buf\r");
    await type(t.shell, "smaps $P bu\t| grep Rss\r");
    expect(t.screen()).toContain("cowsh$ smaps $P buf | grep Rss\nRss:");
  });

  test("a Tab typed ahead waits for the lines before it, so it completes what they made", async () => {
    const t = setup();
    t.shell.input("P=$(spawn /bin/sh)\rmmap $P 1M --name buf\rsmaps $P bu\t| grep Rss\r");
    await t.shell.idle();
    expect(t.screen()).toContain("cowsh$ smaps $P buf | grep Rss\nRss:");
  });

  test("an unfinished construct continues at bash's PS2, and !! expands as in the Ink app", async () => {
    const t = setup();
    await type(t.shell, "for i in 1 2\r");
    expect(t.screen().split("\n").at(-1)).toBe(">");
    await type(t.shell, "do echo n$i; done\r");
    expect(t.screen()).toContain("cowsh$ for i in 1 2\n> do echo n$i; done\nn1\nn2\n");
    await type(t.shell, "echo again\r");
    await type(t.shell, "!!\r");
    expect(t.screen()).toContain("cowsh$ !!\necho again\nagain\n");
  });

  test("keeps the history in its store; ↑ and Ctrl-R find earlier lines", async () => {
    const t = setup();
    await type(t.shell, "echo one\r");
    await type(t.shell, "echo two\r");
    expect(t.history.load()).toEqual(["echo one", "echo two"]);
    await type(t.shell, "\u001b[A\u001b[A\r");
    await type(t.shell, "\u0012two\r");
    expect(t.screen().match(/cowsh\$ echo one\n/g)).toHaveLength(2);
    expect(t.screen().match(/cowsh\$ echo two\n/g)).toHaveLength(2);
  });

  test("draws vmmap in colour with the shared picture renderer", async () => {
    const t = setup();
    await type(t.shell, "P=$(spawn /bin/sh)\r");
    await type(t.shell, "mmap $P 1M --name buf\r");
    await type(t.shell, "write $P buf\r");
    await type(t.shell, "vmmap $P buf\r");
    expect(t.all()).toContain("\u001b[30m\u001b[43mPPPP");
    expect(t.screen()).toContain("private dirty");
  });

  test("Ctrl-C cancels the line with ^C; run() runs a line without adding it to the history", async () => {
    const t = setup();
    t.shell.input("echo nev");
    await type(t.shell, "\u0003");
    expect(t.screen()).toContain("cowsh$ echo nev^C\n");
    t.shell.run("echo replayed");
    await t.shell.idle();
    expect(t.screen()).toContain("cowsh$ echo replayed\nreplayed\n");
    expect(t.history.load()).toEqual([]);
    expect(t.submitted).toEqual(["echo replayed"]);
  });

  test("reset goes on over a new machine, clearing the screen and keeping the history", async () => {
    const t = setup();
    await type(t.shell, "P=$(spawn /bin/sh)\r");
    const other = createSession(Machine.boot({}), browserHost);
    t.shell.reset(createShellEngine(other));
    t.written.length = 0;
    await type(t.shell, "echo $P.\r");
    expect(t.screen()).toContain("cowsh$ echo $P.\n.\n");
    expect(t.history.load()).toEqual(["P=$(spawn /bin/sh)", "echo $P."]);
  });

  test("the live region is erased before output and drawn again below it", async () => {
    const t = setup();
    t.written.length = 0;
    await type(t.shell, "echo x\r");
    const erase = "\r\u001b[J";
    const writes = t.written.filter((w) => w.includes("x\r\n"));
    expect(writes.length).toBeGreaterThan(0);
    const i = t.written.indexOf(writes[0]!);
    expect(t.written[i - 1]).toContain(erase);
  });
});
