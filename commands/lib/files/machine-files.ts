/**
 * Reading the simulated machine's files for commands: /proc files are
 * generated, regular files give their text (or zero bytes for a file made
 * by truncate). Binary data is returned one character per byte (latin1).
 */
import { absolute, resolve } from "../../../fs/vfs.js";
import { textBusy } from "../../../src/kernel/exec.js";
import type { Machine } from "../../../src/kernel/machine.js";
import { failure, type Result, success } from "../../../src/kernel/result.js";
import { getopt, hasOption } from "../../../src/shell/getopt.js";
import { type Block, type Command, err, fail, out } from "../../../src/shell/types.js";
import { errnoMessage } from "../args/operands.js";

/** Largest binary file `cat` will print (kpagecount of 16 GiB of RAM is 32 MiB). */
const MAX_BINARY_BYTES = 64 * 1024 * 1024;

export interface FileContent {
  readonly text: string;
  /** st_size: 0 for /proc files. */
  readonly size: number;
  readonly mtimeMs: number;
}

/** Reads a whole file as text; a relative `path` is taken from the working directory `cwd`. */
export function readWhole(m: Machine, path: string, cwd = "/"): Result<FileContent> {
  const node = resolve(m, path, cwd);
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
    return r.ok ? success({ text: latin1(r.value), size: 0, mtimeMs: 0 }) : r;
  }
  const inode = n.inode;
  const mtimeMs = inode.mtime * 1000;
  if (inode.text !== undefined) return success({ text: inode.text, size: inode.size, mtimeMs });
  if (inode.elf !== undefined) return failure("EFBIG", "cowsh keeps no bytes of binaries");
  if (inode.size > MAX_BINARY_BYTES) return failure("EFBIG");
  return success({ text: "\0".repeat(inode.size), size: inode.size, mtimeMs });
}

/** Bytes as text, one character per byte (ISO-8859-1), without Node's Buffer (the web page has none). */
function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192)
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return text;
}

/** A path as the shell means it: absolute, relative paths taken from the session's working directory. */
export const absPath = (path: string, session: { readonly cwd?: string }): string =>
  absolute(path, session.cwd);

/** A path under /proc or /sys: generated files, written through their own write(), never created. */
export const isProcPath = (abs: string): boolean =>
  abs === "/proc" || abs.startsWith("/proc/") || abs === "/sys" || abs.startsWith("/sys/");

/**
 * Whether a regular file may be created or written at `path`, checked
 * before anything changes: /proc takes no new files (its existing files
 * open, but refuse writes: see procWriteError), the parent must be a
 * directory, the path must not be one, nor a file a program runs from
 * (ETXTBSY: exec.ts's textBusy). A relative `path` is taken from the
 * working directory `cwd`. Returns the absolute path.
 */
export function checkWritable(m: Machine, path: string, cwd = "/"): Result<string> {
  const abs = absolute(path, cwd);
  if (isProcPath(abs)) {
    const node = resolve(m, abs);
    if (!node.ok) return node;
    return node.value.kind === "dir" ? failure("EISDIR") : success(abs);
  }
  const parent = m.vfs.lookup(abs.slice(0, abs.lastIndexOf("/")) || "/");
  if (!parent.ok) return parent;
  if (parent.value.type !== "dir") return failure("ENOTDIR");
  const target = m.vfs.lookup(abs);
  if (target.ok && target.value.type === "dir") return failure("EISDIR");
  // a program runs from it (get_write_access at open): ETXTBSY, before any operand changes
  if (target.ok && textBusy(m, m.tasks.values(), target.value)) return failure("ETXTBSY");
  return success(abs);
}

/**
 * What write(2) to an existing /proc file without a write handler fails
 * with: EIO for system files (proc_reg_write with no proc_write), EINVAL
 * for a process's (no write op: vfs_write refuses).
 */
export const procWriteError = (abs: string): "EIO" | "EINVAL" =>
  /^\/proc\/([0-9]+|self|thread-self)\//.test(abs) ? "EINVAL" : "EIO";

/**
 * One write(2) of `text` to the /proc file at `abs` (checkWritable found
 * it): through the file's write handler (clear_refs, comm), or refused.
 */
export function writeProcFile(m: Machine, abs: string, text: string): Result<number> {
  const node = resolve(m, abs);
  if (!node.ok) return node;
  const n = node.value;
  if (n.kind === "file" && n.file.kind === "text" && n.file.write !== undefined)
    return n.file.write(text);
  return failure(n.kind === "dir" ? "EISDIR" : procWriteError(abs));
}

/**
 * The body of a page-cache command over existing files (fsync, evict):
 * `[-v] FILE...`, every file looked up before any is acted on, so a
 * missing one changes nothing; -v reports each file's page count.
 */
export function pageCacheCommand(
  name: string,
  summary: string,
  act: (m: Machine, path: string) => Result<number>,
  verb: string,
): Command {
  return {
    name,
    summary,
    prints: `nothing on success (with -v, each file's page count ${verb})`,
    usage: [`${name} [-v] FILE...`],
    run(ctx, argv) {
      const parsed = getopt({ name, options: [{ key: "v", short: "v", long: "verbose" }] }, argv);
      if (!parsed.ok) return fail(2, err(parsed.message));
      const m = ctx.session.machine;
      if (m === undefined) throw new Error(`${name} needs a machine`);
      for (const path of parsed.operands) {
        const found = m.vfs.lookup(absPath(path, ctx.session));
        if (!found.ok) return fail(1, err(errnoMessage(name, path, found)));
      }
      const blocks: Block[] = [];
      for (const path of parsed.operands) {
        const r = act(m, absPath(path, ctx.session));
        if (!r.ok) return fail(1, ...blocks, err(errnoMessage(name, path, r)));
        if (hasOption(parsed.options, "v")) blocks.push(out(`${path}: ${r.value} pages ${verb}\n`));
      }
      return { status: 0, blocks };
    },
  };
}
