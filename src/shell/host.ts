/**
 * The real file system behind `Session.host`, with node:fs: the shell's only
 * module that touches the host (test/layers.test.ts keeps it so). The
 * runtime gives it to the sessions it creates (createSession) and main.ts
 * reads `--load` images through it; commands see only the HostFs interface,
 * and the kernel and fs layers never touch the host at all.
 */
import {
  closeSync,
  constants,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setProgramImageSource } from "../kernel/rootfs-image.js";
import type { HostChunk, HostFileType, HostFs, HostResult } from "./session.js";

/** Runs a host call, turning a thrown system error into its errno. */
function attempt<T>(call: () => T): HostResult<T> {
  try {
    return { ok: true, value: call() };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== "string") throw e;
    return { ok: false, errno: code };
  }
}

function fileType(s: Stats): HostFileType {
  if (s.isSymbolicLink()) return "symlink";
  if (s.isDirectory()) return "dir";
  return s.isFile() ? "file" : "other";
}

/** O_CREAT|O_EXCL|O_NOFOLLOW: a new file, never one reached through a link. */
const CREATE_NEW =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

function createFile(
  path: string,
  mode: number,
  size: number,
  chunks: Iterable<HostChunk>,
): HostResult<void> {
  return attempt(() => {
    const fd = openSync(path, CREATE_NEW, mode);
    try {
      ftruncateSync(fd, size);
      for (const { offset, bytes } of chunks) {
        let done = 0;
        while (done < bytes.length)
          done += writeSync(fd, bytes, done, bytes.length - done, offset + done);
      }
    } finally {
      closeSync(fd);
    }
  });
}

/** A regular file's bytes; a device or a FIFO is refused (EINVAL), as it might never end. */
function readFile(path: string): HostResult<Uint8Array> {
  return attempt(() => {
    const st = statSync(path);
    if (!st.isFile() && !st.isDirectory())
      throw Object.assign(new Error(`${path}: not a regular file`), { code: "EINVAL" });
    return new Uint8Array(readFileSync(path)); // a directory: EISDIR
  });
}

/** The host's file system, through node:fs. */
export const nodeHost: HostFs = {
  resolve: (path) => resolve(path),
  stat: (path, follow) => attempt(() => fileType(follow ? statSync(path) : lstatSync(path))),
  readdir: (path) => attempt(() => readdirSync(path).sort()),
  mkdir: (path, mode) => attempt(() => void mkdirSync(path, { mode })),
  unlink: (path) => attempt(() => unlinkSync(path)),
  rmdir: (path) => attempt(() => rmdirSync(path)),
  createFile,
  readFile,
};

/**
 * src/kernel/programs/: the images of the programs read at their first exec
 * (python3, perl, redis-server, nginx; see rootfs-image.ts), found above
 * this module wherever it runs from (src/shell/ under the tests,
 * dist/bin/ or dist/bin/chunks/ in the binary).
 */
function programImageDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++, dir = dirname(dir)) {
    const candidate = join(dir, "src", "kernel", "programs");
    const found = attempt(() => statSync(candidate).isDirectory());
    if (found.ok && found.value) return candidate;
  }
  return undefined;
}

let imageDir: string | undefined | null = null;
setProgramImageSource((name) => {
  if (imageDir === null) imageDir = programImageDir();
  if (imageDir === undefined) return undefined;
  const text = attempt(() => readFileSync(join(imageDir!, `${name}.json`), "utf8"));
  return text.ok ? (JSON.parse(text.value) as unknown) : undefined;
});
