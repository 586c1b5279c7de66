/**
 * `cowsh --play demo/fork-exec.cowsh --record FILE.cast`, in-process: the
 * player types the demo into the interactive shell, the recorder writes
 * what the terminal is sent, and Debian's `asciinema cat` accepts the file
 * and prints the session (run under `script`: asciinema opens /dev/tty).
 */
import { execFileSync } from "node:child_process";
import { EventEmitter } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import stripAnsi from "strip-ansi";
import { afterAll, describe, expect, test } from "vitest";
import { Machine } from "../../src/kernel/machine.js";
import { createSession } from "../../src/shell/runtime.js";
import { playScript } from "../../src/ui/play.js";
import { recordCast, wantsSvg } from "../../src/ui/record.js";
import { createShellEngine } from "../../src/ui/shell-engine.js";
import { missingTool, testWithTools } from "../helpers/host-tools.js";

/** What Ink needs of a terminal's stdout, keeping what it is sent. */
class FakeTerminal extends EventEmitter {
  readonly isTTY = false;
  readonly columns = 100;
  readonly rows = 30;
  readonly chunks: string[] = [];
  write(text: string | Uint8Array, ...rest: unknown[]): boolean {
    this.chunks.push(String(text));
    const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    callback?.();
    return true;
  }
}

const dir = mkdtempSync(join(tmpdir(), "cowsh-cast-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TOOLS = [
  missingTool("asciinema", "asciinema", ["--version"]),
  missingTool("script (util-linux)", "script", ["--version"]),
];

async function playAndRecord(script: string, castName: string, toSvg?: (cast: string) => string) {
  const source = readFileSync(new URL(`../../demo/${script}`, import.meta.url), "utf8");
  const engine = createShellEngine(createSession(Machine.boot()));
  const terminal = new FakeTerminal();
  const cast = join(dir, castName);
  const recorder = recordCast(terminal, cast, {
    title: `cowsh --play demo/${script}`,
    ...(toSvg === undefined ? {} : { toSvg }),
  });
  let status: number;
  try {
    status = await playScript(
      engine,
      source,
      { typingSpeed: 3000, pauseMs: 0 },
      {
        stdout: terminal as unknown as NodeJS.WriteStream,
        stderr: new FakeTerminal() as unknown as NodeJS.WriteStream,
        patchConsole: false,
        color: true,
      },
    );
  } finally {
    recorder.stop();
  }
  return { status, cast, sent: terminal.chunks.join("") };
}

describe("--play with --record", async () => {
  const { status, cast, sent } = await playAndRecord("fork-exec.cowsh", "fork-exec.cast");
  // What the terminal was sent, without colours: the scrollback, and Ink's redraws of the prompt.
  const screen = stripAnsi(sent);
  const lines = readFileSync(cast, "utf8").trimEnd().split("\n");

  test("the demo is typed and runs to its end, then the shell exits", () => {
    expect(status).toBe(0);
    expect(screen).toContain("cowsh$ C=$(fork $P)\n");
    expect(screen).toContain("cowsh$ write $P buf 1M -v\n");
    expect(screen).toContain("minflt=256 majflt=0 pages=256 cow-copy=256\n");
    expect(screen).toContain("Pss:                8704 kB\n");
    expect(screen).not.toContain("expect:");
    expect(screen).not.toMatch(/^cowsh\$ # quiz:/m);
    expect(screen).toMatch(/\nexit\n/);
  });

  test("the file is asciicast v2: a header, then timed output events", () => {
    const header = JSON.parse(lines[0]!);
    expect(header).toMatchObject({ version: 2, width: 100, height: 30, env: { SHELL: "cowsh" } });
    expect(Number.isInteger(header.timestamp)).toBe(true);
    let last = 0;
    for (const line of lines.slice(1)) {
      const [time, kind, data] = JSON.parse(line) as [number, string, string];
      expect(kind).toBe("o");
      expect(typeof data).toBe("string");
      expect(time).toBeGreaterThanOrEqual(last);
      last = time;
    }
    const recorded = lines
      .slice(1)
      .map((l) => (JSON.parse(l) as [number, string, string])[2])
      .join("");
    expect(recorded).toBe(sent);
  });

  testWithTools("Debian's asciinema accepts it: `asciinema cat` prints the session", TOOLS, () => {
    const printed = execFileSync("script", ["-qec", `asciinema cat '${cast}'`, "/dev/null"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const text = stripAnsi(printed).replaceAll("\r", "");
    expect(text).toContain("cowsh$ write $P buf+2M 1M -v");
    expect(text).toContain("Pss:                8704 kB");
  });
});

describe("recordCast", () => {
  test("records each write with its time, decodes UTF-8 split across writes, and gives write back", () => {
    const terminal = new FakeTerminal();
    const original = terminal.write;
    let now = 1000;
    const cast = join(dir, "unit.cast");
    const recorder = recordCast(terminal, cast, {
      now: () => now,
      wallClock: () => 1_700_000_000_500,
      env: { TERM: "xterm-256color" },
    });
    terminal.write("cowsh$ ");
    now = 1250;
    const bar = Buffer.from("█", "utf8");
    terminal.write(bar.subarray(0, 1));
    terminal.write(bar.subarray(1));
    recorder.stop();
    recorder.stop();
    expect(terminal.write).toBe(original);
    expect(terminal.chunks).toHaveLength(3);
    expect(readFileSync(cast, "utf8")).toBe(
      [
        '{"version":2,"width":100,"height":30,"timestamp":1700000000,"env":{"SHELL":"cowsh","TERM":"xterm-256color"}}',
        '[0,"o","cowsh$ "]',
        '[0.25,"o","█"]',
        "",
      ].join("\n"),
    );
  });

  test("starts the cast's clock at the first frame, not at the start of recording", () => {
    const terminal = new FakeTerminal();
    let now = 1000;
    const cast = join(dir, "late.cast");
    const recorder = recordCast(terminal, cast, { now: () => now });
    now = 1450; // start-up: booting, loading Ink
    terminal.write("cowsh$ ");
    now = 1700;
    terminal.write("ls");
    recorder.stop();
    const events = readFileSync(cast, "utf8").trim().split("\n").slice(1);
    expect(events).toEqual(['[0,"o","cowsh$ "]', '[0.25,"o","ls"]']);
  });
});

/** svg-term with its own React, as `npm run build` bundles it beside the binary. */
const SVG_TERM = new URL("../../dist/bin/svg-term.js", import.meta.url);

describe.skipIf(!existsSync(SVG_TERM) && !process.env.CI)("--record FILE.svg", () => {
  test("renders a demo as an animated SVG through svg-term", async () => {
    expect(wantsSvg("demo.svg")).toBe(true);
    expect(wantsSvg("demo.cast")).toBe(false);
    const svgTerm = ((await import(SVG_TERM.href)) as { default: { render: SvgRender } }).default;
    const { status, cast } = await playAndRecord("pss-three-way.cowsh", "pss.svg", (text) =>
      svgTerm.render(text, { window: true }),
    );
    expect(status).toBe(0);
    const svg = readFileSync(cast, "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    // Animated: CSS keyframes step through the frames.
    expect(svg).toMatch(/@keyframes/);
    // The typed commands and their output are in it, as text.
    expect(svg).toContain("cowsh$");
    expect(svg).toContain("Pss");
  }, 60_000);
});

type SvgRender = (cast: string, options?: { window?: boolean }) => string;
