/**
 * Swap files on the simulated file system: the header mkswap writes, and
 * swapon(2)/swapoff(2) of a file (mm/swapfile.c: sys_swapon, sys_swapoff).
 * swap.ts owns the areas, slots and the swap cache; this file owns how a
 * file becomes an area and stops being one.
 *
 * The header. A page is one content word here, so the swap header of page 0
 * (mkswap's union swap_header: "SWAPSPACE2" at offset 4086, the version,
 * last_page, the UUID) is one word too: SWAP_SIGNATURE in its high half,
 * and in its low half a seed from which the UUID follows (deterministic:
 * the seed comes from the inode and the simulated clock). A page whose word
 * happens to have that high half reads as a swap signature, as a real page
 * whose bytes happen to spell SWAPSPACE2 at the right offset would.
 * last_page is the file's size at swapon (mkswap records it; a file grown
 * after mkswap is not modelled).
 *
 * Holes. A file grown by truncate has holes (Inode.allocated < size):
 * util-linux's swapon skips it, and the kernel refuses it (EINVAL), as
 * iomap_swapfile_activate does; fallocate fills them.
 *
 * A swap file in use is S_SWAPFILE: unlink fails with EPERM, truncate and
 * write with ETXTBSY, and a second swapon with EBUSY (claim_swapfile).
 */
import { PAGE_SIZE } from "./constants.js";
import { failure, type Result, success } from "./result.js";
import { BOOT_SWAP_PATH, bootSwap, SwapArea, type SwapState, swapPages } from "./swap.js";
import type { Inode, Vfs } from "./vfs.js";

/** The high half of a swap header's word ("SW"). */
export const SWAP_SIGNATURE = 0x5357;
/** mkswap's minimum: 10 pages (40 KiB with 4 KiB pages), the header included. */
export const MIN_SWAP_PAGES = 10;
/** SWAP_FLAG_PRIO_MASK: the largest priority swapon(2) takes. */
export const MAX_SWAP_PRIORITY = 32767;
/** MAX_SWAPFILES. */
export const MAX_SWAPFILES = 32;

/** The seed of a swap header's word, or -1 if the word is not a swap signature. */
export function swapSignatureSeed(word: number): number {
  return word >>> 16 === SWAP_SIGNATURE ? word & 0xffff : -1;
}

/** A 32-bit mix (murmur3's finaliser). */
function mix(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The header word mkswap writes into page 0 of inode `ino` at simulated time `now` (ns). */
export function swapHeaderWord(ino: number, now: number): number {
  const seed = mix(ino ^ mix(Math.floor(now / 1000) ^ 0x5357)) & 0xffff;
  return ((SWAP_SIGNATURE << 16) | seed) >>> 0;
}

/** The UUID a header records (a random, version 4 UUID on Linux; derived from the seed here). */
export function swapUuid(ino: number, seed: number): string {
  const w = [1, 2, 3, 4].map((i) => mix(ino * 0x10001 + seed * 0x9e37 + i * 0x3c6ef372));
  const hex = w.map((x) => x.toString(16).padStart(8, "0")).join("");
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The word page 0 of `inode` holds now: the cached page's, the written-back one, or the initial one. */
export function headerWord(
  k: { readonly phys: { readonly content: Uint32Array } },
  inode: Inode,
): number {
  const pfn = inode.cache.get(0);
  if (pfn !== 0) return k.phys.content[pfn]!;
  return inode.disk.get(0) ?? inode.initialWord(0);
}

/** Whether the file has holes (st_blocks * 512 < st_size). */
export const hasHoles = (inode: Inode): boolean =>
  inode.allocated !== undefined && inode.allocated < inode.size;

/** The swap area swapped on from `inode`, if any (IS_SWAPFILE). */
export function swapAreaOf(swap: SwapState, inode: Inode): SwapArea | undefined {
  if (inode.type !== "reg") return undefined;
  return swap.areas.find((a): a is SwapArea => a !== null && a.path === inode.path);
}

/** What mkswap found and wrote. */
export interface MkswapReport {
  /** Pages of the area, the header included. */
  readonly pages: number;
  readonly uuid: string;
  /** The file held a swap signature already ("wiping old swap signature"). */
  readonly wiped: boolean;
}

/**
 * mkswap's write of the header into page 0 of a regular file of at least
 * MIN_SWAP_PAGES pages: through the page cache if the page is cached, else
 * straight to its disk word. EINVAL: too small (the caller words it);
 * ETXTBSY: the file is a swap area in use; EISDIR: a directory.
 */
export function mkswap(
  k: {
    readonly phys: { readonly content: Uint32Array };
    readonly swap: SwapState;
    readonly vfs: Vfs;
  },
  inode: Inode,
  now: number,
): Result<MkswapReport> {
  if (inode.type === "dir") return failure("EISDIR");
  if (swapAreaOf(k.swap, inode) !== undefined) return failure("ETXTBSY");
  const pages = swapPages(inode.size);
  if (pages < MIN_SWAP_PAGES) return failure("EINVAL");
  const wiped = swapSignatureSeed(headerWord(k, inode)) >= 0;
  const word = swapHeaderWord(inode.ino, now);
  const pfn = inode.cache.get(0);
  if (pfn !== 0) k.phys.content[pfn] = word;
  inode.disk.set(0, word);
  inode.mtime = k.vfs.now;
  return success({ pages, uuid: swapUuid(inode.ino, word & 0xffff), wiped });
}

/**
 * sys_swapon of a regular file: EBUSY if it is a swap area already, EINVAL
 * without a swap signature, with holes, or too small, EPERM when all
 * MAX_SWAPFILES types are taken. `priority` is -1 for none (the next
 * automatic one: -2, -3, …) or 0..MAX_SWAP_PRIORITY. Returns the area,
 * whose line the caller logs (swapLogLine).
 */
export function sysSwapon(
  k: { readonly phys: { readonly content: Uint32Array }; readonly swap: SwapState },
  inode: Inode,
  priority: number,
): Result<SwapArea> {
  if (inode.type !== "reg") return failure("EINVAL");
  if (swapAreaOf(k.swap, inode) !== undefined) return failure("EBUSY");
  if (swapSignatureSeed(headerWord(k, inode)) < 0) return failure("EINVAL");
  if (hasHoles(inode)) return failure("EINVAL");
  const pages = swapPages(inode.size);
  if (pages < 2) return failure("EINVAL");
  if (k.swap.areas.every((a) => a !== null) && k.swap.areas.length >= MAX_SWAPFILES)
    return failure("EPERM");
  const prio = priority >= 0 ? priority : k.swap.nextPriority--;
  const area = new SwapArea(inode.path, pages, prio);
  k.swap.swapon(area);
  return success(area);
}

/** printk's level prefix of pr_info (KERN_SOH "6"): dmesg shows the record, the console does not. */
export const KERN_INFO = "\x016";

/** The kernel's record for a swapon (pr_info in swapon): "Adding 16380k swap on /x.  Priority:5 …". */
export function swapLogLine(area: SwapArea): string {
  const kb = area.slots * (PAGE_SIZE / 1024);
  return `${KERN_INFO}Adding ${kb}k swap on ${area.path}.  Priority:${area.priority} extents:1 across:${kb}k `;
}

/**
 * What sys_swapoff does once tryToUnuse has emptied area `type`: an area
 * with an automatic (negative) priority gives its place back, as
 * least_priority++ and the prio++ of every area after it do. Call before
 * the area goes, with its priority.
 */
export function giveBackPriority(swap: SwapState, priority: number): void {
  if (priority >= 0) return;
  for (const a of swap.areas) if (a !== null && a.priority < priority) a.priority++;
  swap.nextPriority++;
}

/**
 * The area of `path` for swapoff: the file's inode's (its canonical path),
 * or, for an image saved before swap files were files, an area of that
 * exact path. ENOENT when neither exists, EINVAL when the file is no swap
 * area in use.
 */
export function swapTypeOf(swap: SwapState, vfs: Vfs, path: string): Result<number> {
  const inode = vfs.lookup(path);
  const at = inode.ok ? inode.value.path : path;
  const type = swap.areas.findIndex((a) => a !== null && a.path === at);
  if (type >= 0 && (inode.ok ? inode.value.type === "reg" : true)) return success(type);
  return failure(inode.ok ? "EINVAL" : "ENOENT");
}

/**
 * Boot with /swapfile (BOOT_SWAP_PATH) of `bytes` swapped on: the file exists (mode 0600, no
 * holes, mkswap'd at time 0), as a distribution's fstab line swaps it on.
 */
export function bootSwapFile(swap: SwapState, vfs: Vfs, bytes: number): void {
  const inode = vfs.create(BOOT_SWAP_PATH, 0o600);
  if (!inode.ok) throw new Error(`boot: cannot create ${BOOT_SWAP_PATH}`);
  inode.value.size = bytes;
  inode.value.disk.set(0, swapHeaderWord(inode.value.ino, 0));
  bootSwap(swap, bytes);
}
