/**
 * A Session for command tests: variables plus an in-memory set of files
 * (`null` content is a directory). Missing paths read as ENOENT.
 */
import type { ReadFileResult, Session } from "../../src/shell/session.js";
import type { Command, CommandResult } from "../../src/shell/types.js";

export function fakeSession(files: Readonly<Record<string, string | null>> = {}): Session {
  return {
    vars: new Map(),
    readFile(path): ReadFileResult {
      const content = files[path];
      if (content === undefined) return { ok: false, errno: "ENOENT" };
      if (content === null) return { ok: false, errno: "EISDIR" };
      return { ok: true, text: content, mtimeMs: 0 };
    },
  };
}

export interface Ran {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
}

/** Splits a result's blocks into stdout and stderr text. */
export function streams(r: CommandResult): Ran {
  let stdout = "";
  let stderr = "";
  for (const b of r.blocks) {
    if (b.kind === "err") stderr += b.text;
    else stdout += b.text;
  }
  return { stdout, stderr, status: r.status };
}

/** Runs `command` with `argv`, optional piped stdin and files. */
export function run(
  command: Command,
  argv: readonly string[],
  options: { stdin?: string; files?: Readonly<Record<string, string | null>> } = {},
): Ran {
  const session = fakeSession(options.files);
  return streams(command.run({ stdin: options.stdin, session }, argv));
}
