/**
 * The interactive shell. Ink draws only the live region: the progress bar of
 * a running command, the prompt line and the status line. Everything else
 * (echoed lines, output) is written once above it and never redrawn (see
 * `transcript.ts`). `runInteractive` runs it on a terminal until the user exits.
 */
import { Box, render, renderToString, Text, useStdout } from "ink";
import { useEffect, useRef, useState } from "react";
import type { ShellEngine } from "./engine.js";
import { type DrawnFrame, eraseReflowedFrame, formatStatus } from "./format.js";
import { createMemoryHistoryStore, type HistoryStore } from "./history.js";
import { createFileHistoryStore, defaultHistoryPath } from "./history-file.js";
import { visibleLine } from "./prompt.js";
import { PromptLine, promptLayout } from "./prompt-line.js";
import { ProgressBar, progressText, StatusLine } from "./status-line.js";
import { AUTOWRAP_OFF, AUTOWRAP_ON } from "./use-scrollback.js";
import { PS2, useShell } from "./use-shell.js";
import { COWSH_VIEWS, NO_VIEWS, type ViewRegistry } from "./views.js";

export interface AppProps {
  readonly engine: ShellEngine;
  /** Where history is loaded from and saved to (default: in memory only). */
  readonly history?: HistoryStore;
  /** Renderers for `view` blocks (default: none, their text is shown). */
  readonly views?: ViewRegistry;
  /** Called once with the exit status when the shell exits (Ctrl-D, `exit`). */
  readonly onExit?: (status: number) => void;
  /** Output lines printed per turn of the event loop (default 2,000). */
  readonly linesPerTick?: number;
  /** Where scrollback text goes (default: Ink's stdout write, above the live region). */
  readonly print?: (text: string) => void;
  /** Colour the scrollback: stderr red, prompts green (default: no colour). */
  readonly color?: boolean;
  /** Printed once above the first prompt, e.g. a hint for newcomers (default: nothing, as bash). */
  readonly greeting?: string;
  /** The terminal's autowrap is off (see `runInteractive`): scrollback text turns it on for itself. */
  readonly autowrapOff?: boolean;
}

export function App(props: AppProps) {
  const { engine, views = NO_VIEWS, onExit, linesPerTick, greeting } = props;
  const [ownHistory] = useState(createMemoryHistoryStore);
  const history = props.history ?? ownHistory;
  const columns = useColumns();
  const shell = useShell({
    engine,
    history,
    views,
    write: props.print,
    color: props.color ?? false,
    columns,
    ...(props.autowrapOff === true ? { autowrapOff: true } : {}),
    ...(onExit ? { onExit } : {}),
    ...(linesPerTick === undefined ? {} : { linesPerTick }),
    ...(greeting === undefined ? {} : { greeting }),
  });
  const line = visibleLine(shell.prompt);
  const prompt = line.ps2 ? PS2 : engine.prompt();
  const layout = promptLayout({ prompt, line, busy: shell.busy, columns });
  const top = shell.progress ? [progressText(shell.progress, columns)] : [];
  useReflowGuard({
    lines: [...top, ...layout.rows, formatStatus(shell.status, columns)],
    cursor: { x: layout.x, y: top.length + layout.y },
  });
  if (shell.exiting) return null;
  return (
    <Box flexDirection="column">
      {shell.progress && <ProgressBar progress={shell.progress} columns={columns} />}
      <PromptLine
        prompt={prompt}
        line={line}
        busy={shell.busy}
        columns={columns}
        row={shell.progress ? 1 : 0}
      />
      <StatusLine status={shell.status} columns={columns} />
    </Box>
  );
}

/** Whether Ink (through chalk's detection) draws colours, so the scrollback matches the live region. */
function inkUsesColor(): boolean {
  return renderToString(<Text color="red">x</Text>) !== "x";
}

/**
 * When the terminal gets narrower, erases the live region as the terminal
 * has reflowed it, before Ink erases it by its own count of lines (see
 * `eraseReflowedFrame`): otherwise the rows Ink misses stay in the
 * scrollback. Registered ahead of Ink's own resize handler.
 */
function useReflowGuard(frame: DrawnFrame): void {
  const { stdout } = useStdout();
  const drawn = useRef(frame);
  drawn.current = frame;
  useEffect(() => {
    let width = stdout.columns || 80;
    const onResize = () => {
      const now = stdout.columns || 80;
      if (now < width) stdout.write(eraseReflowedFrame(drawn.current, now));
      width = now;
    };
    stdout.prependListener("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout]);
}

/** The terminal's width, kept current across resizes (80 when unknown). */
function useColumns(): number {
  const { stdout } = useStdout();
  const [columns, setColumns] = useState(stdout.columns || 80);
  useEffect(() => {
    const onResize = () => setColumns(stdout.columns || 80);
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout]);
  return columns;
}

export interface InteractiveOptions {
  /** Where history is kept (default: the file at `historyFile`). */
  readonly history?: HistoryStore;
  /** The history file (default: `$COWSH_HISTORY`, else `~/.cowsh_history`). */
  readonly historyFile?: string;
  /** Renderers for `view` blocks (default: cowsh's pictures, COWSH_VIEWS). */
  readonly views?: ViewRegistry;
  /** Colour the scrollback (default: when Ink colours its own output, by chalk's detection). */
  readonly color?: boolean;
  /** Streams (default: the process's). */
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
  readonly stderr?: NodeJS.WriteStream;
  /** Printed once above the first prompt. */
  readonly greeting?: string;
  /** Route stray console.log/error above the live region, as Ink does by default (default true). */
  readonly patchConsole?: boolean;
  /**
   * The cursor is on a line that shows the first prompt already (painted
   * before the app loaded): the first frame is drawn over that line, the
   * cursor taken back to its start just before, so that the screen does
   * not change (default false).
   */
  readonly overPaintedPrompt?: boolean;
}

/** Writes `prefix` just before the next write to `stream` (Ink always writes a first frame). */
function prefixFirstWrite(stream: NodeJS.WriteStream, prefix: string): void {
  if (prefix === "") return;
  const write = stream.write;
  stream.write = function (this: NodeJS.WriteStream, ...args: unknown[]) {
    stream.write = write;
    write.call(this, prefix);
    return (write as (...args: unknown[]) => boolean).apply(this, args);
  } as typeof stream.write;
}

/**
 * Runs the interactive shell until the user exits (Ctrl-D, `exit`, or the
 * end of a non-terminal stdin) and resolves with the exit status. Ctrl-C
 * belongs to the shell (it never exits Ink).
 */
export async function runInteractive(
  engine: ShellEngine,
  options: InteractiveOptions = {},
): Promise<number> {
  const history =
    options.history ?? createFileHistoryStore(options.historyFile ?? defaultHistoryPath());
  let status = 0;
  // The live region is drawn with the terminal's autowrap off, so that each
  // of its lines takes one row even in a frame drawn for a wider terminal
  // than the one that reads it: when a narrowing resize reaches the terminal
  // before a frame written for the old width (a race on a busy machine),
  // that frame then erases and draws as many rows as the guard
  // (`useReflowGuard`) counts, instead of leaving a broken copy of the bar
  // above the live region. Scrollback text turns autowrap on for itself.
  const stdout = options.stdout ?? process.stdout;
  const autowrapOff = stdout.isTTY === true;
  const restoreAutowrap = () => {
    stdout.write(AUTOWRAP_ON);
  };
  // Back to the start of the painted prompt's line for Ink's first frame,
  // just before it (Ink's set-up takes a while): the prompt is written over
  // itself and the rest of the row cleared, so that the row never shows
  // anything but the prompt, however the writes reach the terminal.
  const takeLine = options.overPaintedPrompt === true ? `\r${engine.prompt()}\x1b[K\r` : "";
  if (autowrapOff) process.once("exit", restoreAutowrap);
  prefixFirstWrite(stdout, takeLine + (autowrapOff ? AUTOWRAP_OFF : ""));
  const instance = render(
    <App
      engine={engine}
      history={history}
      views={options.views ?? COWSH_VIEWS}
      color={options.color ?? inkUsesColor()}
      {...(options.greeting === undefined ? {} : { greeting: options.greeting })}
      {...(autowrapOff ? { autowrapOff } : {})}
      onExit={(s) => {
        status = s;
      }}
    />,
    {
      exitOnCtrlC: false,
      patchConsole: options.patchConsole ?? true,
      ...(options.stdin ? { stdin: options.stdin } : {}),
      ...(options.stdout ? { stdout: options.stdout } : {}),
      ...(options.stderr ? { stderr: options.stderr } : {}),
    },
  );
  try {
    await instance.waitUntilExit();
  } finally {
    if (autowrapOff) {
      process.off("exit", restoreAutowrap);
      restoreAutowrap();
    }
  }
  return status;
}
