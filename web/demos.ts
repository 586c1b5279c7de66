/**
 * The demos the page lists: demo/*.cowsh, bundled as text, each with the
 * title its first comment gives and the machine options its directives ask
 * for. A demo that needs the host's files (save, load, export-proc) is
 * listed as the command line's only.
 */
import demoFiles from "virtual:cowsh-demos";
import { directiveArgs, kernelConfig, quickParse } from "../src/cli/cli-args.js";
import type { KernelConfig } from "../src/kernel/kernel.js";
import { scriptLines } from "../src/ui/script-lines.js";

export interface Demo {
  readonly name: string;
  readonly title: string;
  readonly text: string;
  /** Runs only in the command-line cowsh (it reads or writes host files). */
  readonly hostOnly: boolean;
}

const HOST_COMMANDS = /^\s*(?:save|load|export-proc)\b/m;

/** The title: the first comment's first sentence, without its `#`. */
export function demoTitle(text: string, name: string): string {
  for (const line of scriptLines(text)) {
    if (line.kind === "comment") return line.text.replace(/^#\s*/, "").replace(/\.$/, "");
    if (line.kind === "command") break;
  }
  return name;
}

/** The demo to start with: the experiment the project reproduces. */
const FIRST = "fork-exec.cowsh";

export const DEMOS: readonly Demo[] = [...demoFiles]
  .sort((a, b) => Number(b.name === FIRST) - Number(a.name === FIRST))
  .map(({ name, text }) => ({
    name,
    title: demoTitle(text, name),
    text,
    hostOnly: scriptLines(text).some((l) => l.kind === "command" && HOST_COMMANDS.test(l.text)),
  }));

/** The machine options a script asks for (its `#!` and `# cowsh:` lines), or why they are refused. */
export const scriptOptions = (text: string): string[] | string => directiveArgs(text);

/**
 * The machine booted with `options` (as `cowsh OPTIONS` would boot it; []
 * gives the machine `cowsh` boots), or why it cannot be had.
 */
export function machineFor(options: readonly string[]): Partial<KernelConfig> | string {
  const parsed = quickParse(options);
  if (parsed === undefined) return `cannot read the options ${options.join(" ")}`;
  return kernelConfig(parsed);
}
