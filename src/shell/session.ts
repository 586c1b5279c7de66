import type { Machine } from "../kernel/machine.js";
import { STRERROR } from "../kernel/result.js";

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
   * The shell's working directory on the simulated machine: absolute and
   * normalised, changed by `cd`. Relative paths are taken from it (see
   * `absolute` in fs/vfs.ts). Absent: `/`.
   */
  cwd?: string;
  /**
   * Reads a whole file of the simulated machine (a regular file or a /proc
   * file), for text tools given file operands. Paths are as typed (relative to
   * the shell's working directory). Absent: every file read fails with ENOSYS.
   */
  readFile?(path: string): ReadFileResult;
  /**
   * The real machine's file system, for the few commands that read or write
   * real files (export-proc, save, load). Absent: those commands fail with ENOSYS.
   */
  readonly host?: HostFs;
  /**
   * Puts `next` in place of the session's machine (`load`): from then on
   * `machine`, `readFile` and everything reading the session see it.
   * Absent: the session's machine cannot be replaced.
   */
  replaceMachine?(next: Machine): void;
}

/** A host file system call's result: the value, or the symbolic errno ("ENOENT", "EEXIST", …). */
export type HostResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errno: string };

/** strerror(3) for the errnos host calls give beyond the kernel model's. */
const HOST_STRERROR: Readonly<Record<string, string>> = {
  ...STRERROR,
  EROFS: "Read-only file system",
  EDQUOT: "Disk quota exceeded",
  EMFILE: "Too many open files",
  ENFILE: "Too many open files in system",
  EIO: "Input/output error",
  ENOSYS: "Function not implemented",
  EOPNOTSUPP: "Operation not supported",
  ENOTSUP: "Operation not supported",
  EXDEV: "Invalid cross-device link",
};

export const hostStrerror = (errno: string): string => HOST_STRERROR[errno] ?? errno;

/** What a host path names. */
export type HostFileType = "dir" | "file" | "symlink" | "other";

/** Bytes to place at an offset of a new file; the rest of the file is a hole (reads as zeros). */
export interface HostChunk {
  readonly offset: number;
  readonly bytes: Uint8Array;
}

/**
 * The host's file system, reduced to what exporting and machine images need. Paths are host
 * paths; every call is synchronous, as commands are.
 */
export interface HostFs {
  /** `path` as the user typed it, made absolute (relative to cowsh's own working directory) and normalised. */
  resolve(path: string): string;
  /** What `path` names; with `follow` false a final symlink is reported as "symlink" (lstat). */
  stat(path: string, follow: boolean): HostResult<HostFileType>;
  /** The names in directory `path`, sorted. */
  readdir(path: string): HostResult<string[]>;
  /** Creates directory `path` (its parent must exist). */
  mkdir(path: string, mode: number): HostResult<void>;
  /** Removes the non-directory `path` (a symlink itself, never its target). */
  unlink(path: string): HostResult<void>;
  /** Removes the empty directory `path`. */
  rmdir(path: string): HostResult<void>;
  /**
   * Creates the regular file `path`, `size` bytes long, holding `chunks`
   * and holes elsewhere. Fails with EEXIST if anything is at `path`, so it
   * never follows a symlink nor writes through a hard link.
   */
  createFile(
    path: string,
    mode: number,
    size: number,
    chunks: Iterable<HostChunk>,
  ): HostResult<void>;
  /** The bytes of the regular file `path` (following symlinks, as open(2) does). Absent: ENOSYS. */
  readFile?(path: string): HostResult<Uint8Array>;
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
