import type { Machine } from "../kernel/machine.js";

/**
 * Shell state shared by the commands of one session: variables and the
 * simulated machine.
 */
export interface Session {
  /** The simulated machine (absent only in text-tool tests). */
  readonly machine?: Machine;
  /** Shell variables, including the specials "!", "?" and "$". */
  readonly vars: Map<string, string>;
  /**
   * Reads a whole file of the simulated machine (a regular file or a /proc
   * file), for text tools given file operands. Paths are as typed (relative to
   * the shell's working directory). Absent: every file read fails with ENOSYS.
   */
  readFile?(path: string): ReadFileResult;
}

export type ReadFileResult =
  | {
      readonly ok: true;
      /** The contents, one UTF-16 code unit per character of text. */
      readonly text: string;
      /** st_size as stat(2) reports it (0 for /proc files). Default: the UTF-8 length of `text`. */
      readonly size?: number;
      /** st_mtime in milliseconds since the epoch (diff -u headers). Default: 0. */
      readonly mtimeMs?: number;
    }
  /** `errno` is the symbolic name: "ENOENT", "EISDIR", "EACCES", "ENOTDIR", "ESRCH", … */
  | { readonly ok: false; readonly errno: string };
