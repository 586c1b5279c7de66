/**
 * Reading the simulated machine's files for commands: /proc files are
 * generated, regular files give their text (or zero bytes for a file made
 * by truncate). Binary data is returned one character per byte (latin1).
 */
import { resolve } from "../../fs/vfs.js";
import type { Machine } from "../../src/kernel/machine.js";
import { failure, type Result, success } from "../../src/kernel/result.js";

/** Largest binary file `cat` will print (kpagecount of 16 GiB of RAM is 32 MiB). */
export const MAX_BINARY_BYTES = 64 * 1024 * 1024;

export interface FileContent {
  readonly text: string;
  /** st_size: 0 for /proc files. */
  readonly size: number;
  readonly mtimeMs: number;
}

/** Reads a whole file as text. */
export function readWhole(m: Machine, path: string): Result<FileContent> {
  const node = resolve(m, path);
  if (!node.ok) return node;
  const n = node.value;
  if (n.kind === "dir") return failure("EISDIR");
  if (n.kind === "file") {
    if (n.file.kind === "text") {
      const r = n.file.read();
      return r.ok ? success({ text: r.value, size: 0, mtimeMs: 0 }) : r;
    }
    if (n.file.size > MAX_BINARY_BYTES) return failure("EFBIG");
    const r = n.file.read(0, n.file.size);
    return r.ok
      ? success({ text: Buffer.from(r.value).toString("latin1"), size: 0, mtimeMs: 0 })
      : r;
  }
  const inode = n.inode;
  const mtimeMs = inode.mtime * 1000;
  if (inode.text !== undefined) return success({ text: inode.text, size: inode.size, mtimeMs });
  if (inode.elf !== undefined) return failure("EFBIG", "cowsh keeps no bytes of binaries");
  if (inode.size > MAX_BINARY_BYTES) return failure("EFBIG");
  return success({ text: "\0".repeat(inode.size), size: inode.size, mtimeMs });
}
