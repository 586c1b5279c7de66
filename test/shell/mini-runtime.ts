/**
 * Just enough of a runtime to test expansion: variables from a record, and
 * command substitution that runs `echo` (cowsh's) and a one-argument
 * `printf FORMAT` (escapes only) from the substituted list.
 */
import { echo } from "../../commands/echo.js";
import type { Command as AstCommand, List, SimpleCommand } from "../../src/shell/ast.js";
import { decodeEscapes } from "../../src/shell/escapes.js";
import { type ExpandEnv, expandWords } from "../../src/shell/expand.js";
import { parse } from "../../src/shell/parser.js";

/** The simple command a test parsed (anything else is a test failure). */
const simple = (c: AstCommand): SimpleCommand => {
  if (c.kind !== "simple") throw new Error(`not a simple command: ${c.kind}`);
  return c;
};

export function miniEnv(vars: Readonly<Record<string, string>>): ExpandEnv {
  const env: ExpandEnv = {
    getVar: (name) => vars[name],
    substitute: (list) => runList(list, env),
  };
  return env;
}

function runList(list: List, env: ExpandEnv): string {
  let out = "";
  for (const item of list.items) {
    for (const cmd of item.first.commands.map(simple)) {
      const argv = expandWords(cmd.words, env);
      if (!argv.ok) throw new Error(argv.message);
      const [name, ...args] = argv.value;
      if (name === "echo") {
        const r = echo.run({ stdin: undefined, session: { vars: new Map() } }, args);
        for (const b of r.blocks) out += b.text;
      } else if (name === "printf") out += decodeEscapes(args[0] ?? "", "ansi-c").text;
      else if (name !== undefined) throw new Error(`mini runtime: no command ${name}`);
    }
  }
  return out;
}

/** Parses `line` (one simple command) and expands its words into fields. */
export function fieldsOf(line: string, vars: Readonly<Record<string, string>> = {}): string[] {
  const r = parse(line);
  if (!r.ok) throw new Error(r.error.message);
  const cmd = r.list.items[0]?.first.commands.map(simple)[0];
  if (cmd === undefined) return [];
  const fields = expandWords(cmd.words, miniEnv(vars));
  if (!fields.ok) throw new Error(fields.message);
  return fields.value;
}
