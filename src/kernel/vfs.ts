/**
 * Inodes, the directory tree and the page cache.
 *
 * Files hold no bytes: a file page is one content word, like a frame. A
 * page's word lives in the page cache while cached and in `disk` (sparse,
 * written back) otherwise; pages never written read as `initialWord`.
 * Small text files made by the shell (`echo … > f`) also keep their text so
 * `cat` can print it.
 */

import { PAGE_SIZE, PTRS_PER_PTE } from "./constants.js";
import type { HugetlbFile } from "./hugetlb.js";
import { failure, type Result, success } from "./result.js";
import type { ElfSpec } from "./rootfs-image.js";

export interface Dev {
  readonly major: number;
  readonly minor: number;
}

export type InodeType = "reg" | "dir" | "lnk";

/** Page index -> PFN, in 512-entry chunks (0 = not cached; PFN 0 is never a cache page). */
export class PageCache {
  private readonly chunks = new Map<number, Uint32Array>();
  /** Number of cached pages. */
  size = 0;

  get(index: number): number {
    return this.chunks.get(Math.floor(index / PTRS_PER_PTE))?.[index % PTRS_PER_PTE] ?? 0;
  }

  set(index: number, pfn: number): void {
    const key = Math.floor(index / PTRS_PER_PTE);
    let chunk = this.chunks.get(key);
    if (chunk === undefined) {
      chunk = new Uint32Array(PTRS_PER_PTE);
      this.chunks.set(key, chunk);
    }
    const i = index % PTRS_PER_PTE;
    if (chunk[i] === 0 && pfn !== 0) this.size++;
    else if (chunk[i] !== 0 && pfn === 0) this.size--;
    chunk[i] = pfn;
  }

  /** Every cached (index, pfn), in index order. */
  *entries(): Generator<[number, number]> {
    const keys = [...this.chunks.keys()].sort((a, b) => a - b);
    for (const key of keys) {
      const chunk = this.chunks.get(key)!;
      for (let i = 0; i < PTRS_PER_PTE; i++) {
        const pfn = chunk[i]!;
        if (pfn !== 0) yield [key * PTRS_PER_PTE + i, pfn];
      }
    }
  }
}

export interface Inode {
  readonly ino: number;
  readonly dev: Dev;
  readonly type: InodeType;
  mode: number;
  /** i_size in bytes. */
  size: number;
  /** Directory entries naming this inode; 0 once unlinked ("(deleted)"). */
  nlink: number;
  /** Swap-backed pages (tmpfs, shared anonymous memory, memfd). */
  readonly shmem: boolean;
  /** The path d_path() prints, without " (deleted)". */
  path: string;
  readonly cache: PageCache;
  /** Content words of pages written back (absent: never written). */
  readonly disk: Map<number, number>;
  /**
   * A shmem object's pages out on swap: page index -> swap entry (the swap
   * entry shmem_writeout leaves in the page cache's xarray). Empty for
   * every other file.
   */
  readonly swapped: Map<number, number>;
  /** Content word of a page never written. */
  readonly initialWord: (index: number) => number;
  /** Directory entries. */
  readonly entries?: Map<string, Inode>;
  /** Symlink target. */
  readonly target?: string;
  /** Text of small files written by the shell. */
  text?: string;
  /** The ELF headers of a binary of the root image (rootfs-image.ts). */
  elf?: ElfSpec;
  /** Modification time, simulated seconds since the epoch. */
  mtime: number;
  /**
   * Bytes allocated on disk from the start of the file, when fewer than its
   * size (st_blocks * 512 < st_size: a file grown by truncate has holes
   * until fallocate fills them); absent: no holes. swapon.ts reads it.
   */
  allocated?: number;
  /** A hugetlbfs file's pages and reservations (hugetlb.ts); absent for every other file. */
  hugetlb?: HugetlbFile;
}

export const pagesOf = (bytes: number): number => Math.ceil(bytes / PAGE_SIZE);

/** The UTF-8 length of a string: the bytes it takes in a file or on a stack. */
export function utf8Bytes(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/**
 * initialWord of every file not from the root image: its pages read as zeros
 * until written. One shared function, so a snapshot can tell the two kinds
 * of file apart (snapshot.ts).
 */
export const zeroWords = (): number => 0;

/** A deterministic content word for page `index` of file `ino`. */
export const fileWord = (ino: number, index: number): number =>
  (Math.imul(ino ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;

export interface Mount {
  readonly path: string;
  readonly dev: Dev;
  readonly shmem: boolean;
}

/** What a Vfs holds besides its tree, as a snapshot records it (snapshot.ts). */
export interface VfsState {
  readonly mounts: readonly Mount[];
  readonly nextIno: number;
  readonly nextShmemIno: number;
  /** The inodes that may have cached pages, in order (reclaim walks them in this order). */
  readonly cached: readonly Inode[];
  readonly now: number;
}

const MAX_SYMLINKS = 40;

/**
 * The directory tree. Paths are absolute; "." and ".." are resolved;
 * symlinks are followed (the last component only when asked).
 */
export class Vfs {
  readonly root: Inode;
  private readonly mounts: Mount[];
  private nextIno: number;
  private nextShmemIno = 1024;
  /** Inodes that may have pages in the page cache (for reclaim and orphan collection). */
  private readonly cached = new Set<Inode>();
  /** Simulated wall-clock seconds, for mtimes. */
  now = 0;

  /** A tree holding only "/" (or `root`, a tree built elsewhere: see restore). */
  constructor(rootDev: Dev, mounts: readonly Mount[], firstIno: number, root?: Inode) {
    this.nextIno = firstIno;
    this.mounts = [...mounts].sort((a, b) => b.path.length - a.path.length);
    this.root = root ?? this.newInode("dir", rootDev, false, "/", 0o755, 2);
  }

  /** Snapshot support: the state beside the tree, copied. Changes nothing (not even `cached`). */
  snapshotState(): VfsState {
    return {
      mounts: [...this.mounts],
      nextIno: this.nextIno,
      nextShmemIno: this.nextShmemIno,
      cached: [...this.cached],
      now: this.now,
    };
  }

  /** Snapshot support: a Vfs over `root`, a tree snapshot.ts rebuilt, with the state it saved. */
  static restore(root: Inode, state: VfsState): Vfs {
    const vfs = new Vfs(root.dev, state.mounts, state.nextIno, root);
    vfs.nextShmemIno = state.nextShmemIno;
    for (const inode of state.cached) vfs.cached.add(inode);
    vfs.now = state.now;
    return vfs;
  }

  private newInode(
    type: InodeType,
    dev: Dev,
    shmem: boolean,
    path: string,
    mode: number,
    ino?: number,
  ): Inode {
    const base = {
      ino: ino ?? this.nextIno++,
      dev,
      type,
      mode,
      size: 0,
      nlink: 1,
      shmem,
      path,
      cache: new PageCache(),
      disk: new Map<number, number>(),
      swapped: new Map<number, number>(),
      initialWord: zeroWords,
      mtime: this.now,
    };
    if (type === "dir") return { ...base, entries: new Map() };
    return base;
  }

  /** Records that `inode` has (or may have) cached pages. */
  noteCached(inode: Inode): void {
    this.cached.add(inode);
  }

  /** The inodes with cached (or, for shmem, swapped) pages; forgets those that have none left. */
  cachedInodes(): Inode[] {
    for (const inode of this.cached)
      if (inode.cache.size === 0 && inode.swapped.size === 0) this.cached.delete(inode);
    return [...this.cached];
  }

  /**
   * An unlinked inode of the kernel's internal shmem mount (00:01): shared
   * anonymous memory ("/dev/zero", shmem_zero_setup) or a memfd ("/memfd:NAME").
   */
  newShmemObject(size: number, path = "/dev/zero"): Inode {
    const inode = this.newInode(
      "reg",
      { major: 0, minor: 1 },
      true,
      path,
      0o600,
      this.nextShmemIno++,
    );
    inode.size = size;
    inode.nlink = 0;
    return inode;
  }

  /**
   * An unlinked inode of the kernel's internal hugetlbfs mount (00:11),
   * as hugetlb_file_setup makes for mmap(MAP_HUGETLB): "/anon_hugepage".
   * The caller attaches its HugetlbFile.
   */
  newHugetlbObject(size: number): Inode {
    const inode = this.newInode(
      "reg",
      { major: 0, minor: 0x11 },
      false,
      "/anon_hugepage",
      0o600,
      this.nextShmemIno++,
    );
    inode.size = size;
    inode.nlink = 0;
    return inode;
  }

  /** Resolves `path` to an inode; follows a final symlink unless `nofollow`. */
  lookup(path: string, nofollow = false): Result<Inode> {
    if (!path.startsWith("/")) return failure("ENOENT");
    let budget = MAX_SYMLINKS;
    let parts = path.split("/").filter((p) => p !== "" && p !== ".");
    const stack: Inode[] = [this.root];
    while (parts.length > 0) {
      const name = parts.shift()!;
      const dir = stack[stack.length - 1]!;
      if (dir.type !== "dir") return failure("ENOTDIR");
      if (name === "..") {
        if (stack.length > 1) stack.pop();
        continue;
      }
      if (name.length > 255) return failure("ENAMETOOLONG");
      const child = dir.entries!.get(name);
      if (child === undefined) return failure("ENOENT");
      if (child.type === "lnk" && (parts.length > 0 || !nofollow)) {
        if (--budget < 0) return failure("ELOOP");
        const target = child.target!.split("/").filter((p) => p !== "" && p !== ".");
        if (child.target!.startsWith("/")) stack.length = 1;
        parts = [...target, ...parts];
        continue;
      }
      stack.push(child);
    }
    return success(stack[stack.length - 1]!);
  }

  /** The directory that would hold `path`, and the final name. */
  private parentOf(path: string): Result<{ dir: Inode; name: string }> {
    const slash = path.lastIndexOf("/");
    const name = path.slice(slash + 1);
    if (name === "" || name === "." || name === "..") return failure("EISDIR");
    const dir = this.lookup(path.slice(0, slash) || "/");
    if (!dir.ok) return dir;
    if (dir.value.type !== "dir") return failure("ENOTDIR");
    return success({ dir: dir.value, name });
  }

  private mountOf(path: string): Mount | undefined {
    return this.mounts.find((m) => path === m.path || path.startsWith(`${m.path}/`));
  }

  /** Creates (or returns the existing) regular file at `path`. */
  create(path: string, mode = 0o644): Result<Inode> {
    const existing = this.lookup(path);
    if (existing.ok) return existing.value.type === "dir" ? failure("EISDIR") : existing;
    const parent = this.parentOf(path);
    if (!parent.ok) return parent;
    const mount = this.mountOf(path);
    const dev = mount?.dev ?? this.root.dev;
    const canonical = joinPath(parent.value.dir.path, parent.value.name);
    const inode = this.newInode("reg", dev, mount?.shmem ?? false, canonical, mode);
    parent.value.dir.entries!.set(parent.value.name, inode);
    return success(inode);
  }

  /** Adds a file of the root image with its own inode number. */
  install(path: string, ino: number, dev: Dev, mode: number, size: number): Inode {
    const parent = this.mkdirs(path.slice(0, path.lastIndexOf("/")) || "/");
    const inode = this.newInode("reg", dev, false, path, mode, ino);
    inode.size = size;
    Object.assign(inode, { initialWord: (index: number) => fileWord(ino, index) });
    parent.entries!.set(path.slice(path.lastIndexOf("/") + 1), inode);
    return inode;
  }

  symlink(path: string, target: string): void {
    const parent = this.mkdirs(path.slice(0, path.lastIndexOf("/")) || "/");
    const link: Inode = { ...this.newInode("lnk", this.root.dev, false, path, 0o777), target };
    parent.entries!.set(path.slice(path.lastIndexOf("/") + 1), link);
  }

  /** mkdir -p. Panics on a non-directory in the way (boot-time only). */
  mkdirs(path: string): Inode {
    let dir = this.root;
    for (const name of path.split("/").filter((p) => p !== "")) {
      const at = joinPath(dir.path, name);
      let child = dir.entries!.get(name);
      if (child === undefined) {
        child = this.newInode("dir", this.mountOf(at)?.dev ?? this.root.dev, false, at, 0o755);
        dir.entries!.set(name, child);
      }
      const resolved = child.type === "lnk" ? this.lookup(at) : success(child);
      if (!resolved.ok || resolved.value.type !== "dir")
        throw new Error(`mkdirs: ${at} is not a directory`);
      dir = resolved.value;
    }
    return dir;
  }

  /** Removes the name; the inode lives on while mapped ("(deleted)"). */
  unlink(path: string): Result<Inode> {
    const parent = this.parentOf(path);
    if (!parent.ok) return parent;
    const inode = parent.value.dir.entries!.get(parent.value.name);
    if (inode === undefined) return failure("ENOENT");
    if (inode.type === "dir") return failure("EISDIR");
    parent.value.dir.entries!.delete(parent.value.name);
    inode.nlink--;
    return success(inode);
  }
}

const joinPath = (dir: string, name: string): string =>
  dir === "/" ? `/${name}` : `${dir}/${name}`;
