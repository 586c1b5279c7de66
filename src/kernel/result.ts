/**
 * Expected failures are values: a system call returns either its result or
 * an errno, never throws. A thrown Error means a broken invariant (a bug).
 */

export type Errno =
  | "EPERM"
  | "EBADF"
  | "ENODEV"
  | "ENOENT"
  | "ENXIO"
  | "ESRCH"
  | "EINTR"
  | "EIO"
  | "ECHILD"
  | "EAGAIN"
  | "ENOMEM"
  | "EACCES"
  | "EFAULT"
  | "EBUSY"
  | "ETXTBSY"
  | "EEXIST"
  | "ENOTDIR"
  | "EISDIR"
  | "EINVAL"
  | "EFBIG"
  | "ERANGE"
  | "ENOSPC"
  | "ENOEXEC"
  | "E2BIG"
  | "ENAMETOOLONG"
  | "ENOTEMPTY"
  | "ENOSYS"
  | "ELOOP";

/** strerror(3) texts, as glibc prints them. */
export const STRERROR: Readonly<Record<Errno, string>> = {
  EPERM: "Operation not permitted",
  EBADF: "Bad file descriptor",
  ENODEV: "No such device",
  ENOENT: "No such file or directory",
  ENXIO: "No such device or address",
  ESRCH: "No such process",
  EINTR: "Interrupted system call",
  EIO: "Input/output error",
  ECHILD: "No child processes",
  EAGAIN: "Resource temporarily unavailable",
  ENOMEM: "Cannot allocate memory",
  EACCES: "Permission denied",
  EFAULT: "Bad address",
  EBUSY: "Device or resource busy",
  ETXTBSY: "Text file busy",
  EEXIST: "File exists",
  ENOTDIR: "Not a directory",
  EISDIR: "Is a directory",
  EINVAL: "Invalid argument",
  EFBIG: "File too large",
  ERANGE: "Numerical result out of range",
  ENOSPC: "No space left on device",
  ENOEXEC: "Exec format error",
  E2BIG: "Argument list too long",
  ENAMETOOLONG: "File name too long",
  ENOTEMPTY: "Directory not empty",
  ENOSYS: "Function not implemented",
  ELOOP: "Too many levels of symbolic links",
};

/** The strerror(3) text of an errno name (a host error's `code`); unknown names as they are. */
export function strerror(errno: string): string {
  return Object.hasOwn(STRERROR, errno) ? STRERROR[errno as Errno] : errno;
}

export interface Failure {
  readonly ok: false;
  readonly errno: Errno;
  /** Optional precision for the message, e.g. "no mapping" in "Bad address (no mapping)". */
  readonly detail?: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | Failure;

export const success = <T>(value: T): Result<T> => ({ ok: true, value });

export function failure(errno: Errno, detail?: string): Failure {
  return detail === undefined ? { ok: false, errno } : { ok: false, errno, detail };
}

/** A kernel bug: an invariant does not hold. Like xv6's panic(). */
export function panic(message: string): never {
  throw new Error(`kernel panic: ${message}`);
}
