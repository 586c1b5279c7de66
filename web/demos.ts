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

export const DEMOS: readonly Demo[] = demoFiles.map(({ name, text }) => ({
  name,
  title: demoTitle(text, name),
  text,
  hostOnly: scriptLines(text).some((l) => l.kind === "command" && HOST_COMMANDS.test(l.text)),
}));

/**
 * The machine a script asks for (its `#!` and `# cowsh:` options over the
 * command line's defaults; "" gives the machine `cowsh` boots), or why it
 * cannot be had.
 */
export function machineFor(text: string): Partial<KernelConfig> | string {
  const args = directiveArgs(text);
  if (typeof args === "string") return args;
  const parsed = quickParse(args);
  if (parsed === undefined) return `cannot read the options ${args.join(" ")}`;
  return kernelConfig(parsed);
}
