/**
 * The web page: the cowsh shell, kernel and commands in the browser, on an
 * xterm.js terminal, with the demos, a smaps panel, share links and casts
 * around it. Everything runs in the page; nothing is sent anywhere.
 */
import { Terminal } from "@xterm/xterm";
import { attachHistory, sharedHistory } from "../commands/history.js";
import type { KernelConfig } from "../src/kernel/kernel.js";
import { Machine } from "../src/kernel/machine.js";
import { registerProgramImage } from "../src/kernel/rootfs-image.js";
import { createSession, type ShellSession } from "../src/shell/runtime.js";
import { formatStatus } from "../src/ui/format.js";
import { createShellEngine } from "../src/ui/shell-engine.js";
import { typeScript } from "../src/ui/typing.js";
import { browserHost } from "./browser-host.js";
import { playCast } from "./cast-player.js";
import { CastRecorder } from "./cast-recorder.js";
import { DEMOS, type Demo, machineFor, scriptOptions } from "./demos.js";
import { nextTurn, turn } from "./next-turn.js";
import { decodeSession, encodeSession } from "./share-link.js";
import { drawSmaps } from "./smaps-draw.js";
import { smapsBlocks } from "./smaps-panel.js";
import { createStorageHistoryStore } from "./storage-history.js";
import { TerminalShell } from "./terminal-shell.js";

const GREETING =
  "cowsh: a shell over a simulated Linux machine, running in this page. `help` lists the\n" +
  "commands; try `P=$(spawn /bin/sh)` then `cat /proc/$P/smaps`, or play a demo.\n" +
  "save, load, export-proc and --record need the command-line cowsh (npm start).";

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`index.html has no #${id}`);
  return el as T;
};

const params = new URLSearchParams(location.search);
const numberParam = (name: string, fallback: number): number => {
  const v = Number(params.get(name));
  return params.has(name) && Number.isFinite(v) && v >= 0 ? v : fallback;
};

// ---- the terminal and the shell --------------------------------------------------------------

const term = new Terminal({
  cols: 100,
  rows: 34,
  cursorBlink: true,
  fontSize: 14,
  fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace",
  scrollback: 5000,
  theme: { background: "#1e1e1e" },
});
term.open($("terminal"));

let recorder: CastRecorder | undefined;
const screen = {
  write(text: string) {
    term.write(text);
    recorder?.record(text);
  },
  get cols() {
    return term.cols;
  },
};

const history = sharedHistory(createStorageHistoryStore(window.localStorage));

/** The lines run on the current machine, for the share link. */
let sessionLines: string[] = [];
/** The boot options of the current machine, for the share link. */
let sessionOptions: readonly string[] = [];
/** The machine `cowsh` boots without options. */
const DEFAULT_MACHINE = machineFor([]) as Partial<KernelConfig>;
let session: ShellSession = newSession(DEFAULT_MACHINE);

function newSession(config: Partial<KernelConfig>): ShellSession {
  const s = createSession(Machine.boot(config), browserHost);
  attachHistory(s, history);
  return s;
}

const engineOf = (s: ShellSession) =>
  createShellEngine(s, { timeScale: numberParam("time", 0), turn });
let engine = engineOf(session);

const shell = new TerminalShell(engine, {
  screen,
  history,
  schedule: nextTurn,
  onSubmit: (line) => {
    // Comments (a played demo types them) are left out of the link.
    if (line.trim() !== "" && !line.trimStart().startsWith("#")) sessionLines.push(line);
  },
  onFinished: () => refreshPanels(),
  onExit: () => {
    restart(DEFAULT_MACHINE, []);
    shell.note("(the shell exited: this is a new machine)");
  },
});
term.onData((data) => {
  if (playing !== undefined) {
    if (data.includes("\u0003")) playing.stop = true;
    else return;
  }
  shell.input(data);
});

/** A fresh machine (`config`: its boot options) and an empty session, the screen cleared. */
function restart(config: Partial<KernelConfig>, options: readonly string[]): void {
  session = newSession(config);
  sessionLines = [];
  sessionOptions = options;
  bootPids = new Set(session.machine.tasks.keys());
  chosenPid = undefined;
  smapsSeen.clear(); // PIDs start again on the new machine
  engine = engineOf(session);
  shell.reset(engine);
  refreshPanels();
}

// ---- status line and the smaps panel ---------------------------------------------------------

let bootPids = new Set(session.machine.tasks.keys());
/** The PID the user picked, or undefined: the first process made after boot (else the shell). */
let chosenPid: number | undefined;
/** Per PID: the smaps text the panel shows, and the one before it that differed. */
const smapsSeen = new Map<number, { before: string | undefined; after: string }>();
const pidSelect = $<HTMLSelectElement>("pid");
pidSelect.addEventListener("change", () => {
  chosenPid = Number(pidSelect.value);
  refreshPanels();
});

function shownPid(): number {
  const pids = [...session.machine.tasks.keys()];
  if (chosenPid !== undefined && pids.includes(chosenPid)) return chosenPid;
  return pids.find((p) => !bootPids.has(p)) ?? Number(session.vars.get("$"));
}

function refreshPanels(): void {
  $("status").textContent = formatStatus(engine.status());
  const pid = shownPid();
  pidSelect.replaceChildren(
    ...[...session.machine.tasks.values()].map((t) => {
      const option = document.createElement("option");
      option.value = String(t.pid);
      option.textContent = `${t.pid} ${t.comm}`;
      option.selected = t.pid === pid;
      return option;
    }),
  );
  const read = session.readFile?.(`/proc/${pid}/smaps`);
  const pre = $("smaps");
  if (read === undefined || !read.ok) {
    pre.textContent = `/proc/${pid}/smaps: ${read?.ok === false ? read.errno : "unreadable"}`;
    return;
  }
  // The highlights stay until the file changes again: a command that changes
  // nothing (`vmmap`, `cat`) leaves the last change marked.
  const seen = smapsSeen.get(pid);
  const now =
    seen === undefined || seen.after !== read.text
      ? { before: seen?.after, after: read.text }
      : seen;
  smapsSeen.set(pid, now);
  drawSmaps(pre, smapsBlocks(now.before, now.after));
  $("smaps-title").textContent = `/proc/${pid}/smaps`;
}

// ---- demos -----------------------------------------------------------------------------------

let playing: { stop: boolean } | undefined;

async function playDemo(demo: Demo): Promise<void> {
  if (playing) playing.stop = true;
  await programImages; // redis-bgsave and prefork-nginx exec programs read lazily
  const options = scriptOptions(demo.text);
  const config = typeof options === "string" ? options : machineFor(options);
  if (typeof config === "string") {
    shell.note(`${demo.name}: ${config}`);
    return;
  }
  const run = { stop: false };
  playing = run;
  restart(config, options as string[]);
  shell.note(`playing demo/${demo.name} (Ctrl-C stops it)`);
  const speed = Number($<HTMLSelectElement>("speed").value);
  document.body.dataset.playing = demo.name;
  try {
    await typeScript(
      demo.text,
      { type: (text) => shell.input(text), idle: () => shell.idle(), stopped: () => run.stop },
      {
        typingSpeed: numberParam("typing", 30) * speed,
        pauseMs: numberParam("pause", 1200) / speed,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      },
    );
    await shell.idle();
  } finally {
    if (playing === run) {
      playing = undefined;
      delete document.body.dataset.playing;
    }
  }
}

const demoList = $("demos");
for (const demo of DEMOS) {
  const item = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = demo.title;
  button.dataset.demo = demo.name;
  button.title = `demo/${demo.name}`;
  if (demo.hostOnly) {
    button.disabled = true;
    button.title += " (reads and writes host files: command-line cowsh only)";
  }
  button.addEventListener("click", () => {
    void playDemo(demo);
    term.focus();
  });
  item.append(button);
  demoList.append(item);
}

// ---- share links -----------------------------------------------------------------------------

$("share").addEventListener("click", () => {
  const url = `${location.origin}${location.pathname}${encodeSession({ lines: sessionLines, options: sessionOptions })}`;
  window.history.replaceState(null, "", url);
  const field = $<HTMLInputElement>("share-url");
  field.value = url;
  field.hidden = false;
  field.select();
  navigator.clipboard?.writeText(url).then(
    () => ($("share-note").textContent = "copied"),
    () => ($("share-note").textContent = ""),
  );
});

function replayFromLink(): boolean {
  const shared = decodeSession(location.hash);
  if (shared === undefined) return false;
  if (shared.options.length > 0) {
    const config = machineFor(shared.options);
    if (typeof config === "string") {
      shell.note(`the link's machine: ${config}`);
      return true;
    }
    restart(config, shared.options);
  }
  shell.note(
    `replaying ${shared.lines.length} lines from the link${shared.options.length > 0 ? ` on a machine booted with ${shared.options.join(" ")}` : ""}`,
  );
  for (const line of shared.lines) shell.run(line);
  return true;
}

// ---- casts -----------------------------------------------------------------------------------

const recordButton = $<HTMLButtonElement>("record");
recordButton.addEventListener("click", () => {
  if (recorder === undefined) {
    recorder = new CastRecorder(term.cols, term.rows);
    recordButton.textContent = "Stop and save the cast";
    recordButton.classList.add("on");
    shell.note("recording this session (asciicast v2)");
    return;
  }
  const cast = recorder.text();
  recorder = undefined;
  recordButton.textContent = "Record";
  recordButton.classList.remove("on");
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([cast], { type: "application/x-asciicast" }));
  link.download = "cowsh-session.cast";
  link.textContent = "cowsh-session.cast";
  const slot = $("download");
  const old = slot.querySelector("a");
  if (old) URL.revokeObjectURL(old.href);
  slot.replaceChildren(link);
  link.click();
  void playCast($("player"), cast);
});

$<HTMLInputElement>("cast-file").addEventListener("change", async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file !== undefined) await playCast($("player"), await file.text());
});

// ---- programs read at their first exec --------------------------------------------------------

/**
 * python3, perl, redis-server and nginx (src/kernel/programs/NAME.json): each
 * image is a chunk of its own, fetched once the page has started, not part
 * of its first load; the kernel finds them registered when they are exec'd
 * (until they have arrived, exec of one fails with ENOEXEC).
 */
const PROGRAM_IMAGES: readonly (() => Promise<{ default: unknown }>)[] = [
  () => import("../src/kernel/programs/python3.json", { with: { type: "json" } }),
  () => import("../src/kernel/programs/perl.json", { with: { type: "json" } }),
  () => import("../src/kernel/programs/redis-server.json", { with: { type: "json" } }),
  () => import("../src/kernel/programs/nginx.json", { with: { type: "json" } }),
];
let programImages: Promise<unknown> = Promise.resolve();

// ---- start -----------------------------------------------------------------------------------

if (!replayFromLink()) shell.say(GREETING);
refreshPanels();
term.focus();

/** What the browser tests read: the terminal's whole buffer, and whether the shell is idle. */
declare global {
  interface Window {
    cowsh: {
      readonly readyMs: number;
      screen(): string;
      idle(): Promise<void>;
      lines(): readonly string[];
    };
  }
}
programImages = Promise.all(
  PROGRAM_IMAGES.map((load) => load().then((chunk) => registerProgramImage(chunk.default))),
).catch((e: unknown) => shell.note(`program images: ${String(e)}`));
window.cowsh = {
  readyMs: performance.now(),
  screen() {
    const buffer = term.buffer.active;
    const rows: string[] = [];
    for (let i = 0; i < buffer.length; i++) {
      const line = buffer.getLine(i);
      const text = line?.translateToString(true) ?? "";
      if (line?.isWrapped && rows.length > 0) rows[rows.length - 1] += text;
      else rows.push(text);
    }
    return rows.join("\n").trimEnd();
  },
  idle: async () => {
    while (playing !== undefined) await new Promise((r) => setTimeout(r, 20));
    await shell.idle();
  },
  lines: () => sessionLines,
};
document.body.dataset.ready = "";
