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
 * The rest of the header (last_page, the UUID, the label) does not fit in
 * a word: it lives in SwapHeaders, keyed by the seed, so that a copy of the
 * file carries the same header as a copy of the bytes would. mkswap picks
 * a seed no header holds yet. A word with a seed SwapHeaders does not know
 * (the boot file, an older image) reads as a header over the whole file,
 * with the UUID derived from the inode and the seed and no label.
 * swapon takes the area's size from last_page, as read_swap_header does: a
 * file grown after mkswap keeps the old area; one shrunk below it is
 * refused ("Swap area shorter than signature indicates", EINVAL).
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

/** What mkswap wrote into a header besides the signature (union swap_header's info). */
export interface SwapHeader {
  /** The area's last page (its size in pages, less one). */
  readonly lastPage: number;
  readonly uuid: string;
  /** volume_name: at most SWAP_LABEL_MAX characters, "" for none. */
  readonly label: string;
}

/** sizeof(volume_name) less its NUL. */
export const SWAP_LABEL_MAX = 15;

/** The headers mkswap wrote, by seed (see the file comment). */
export class SwapHeaders {
  readonly bySeed = new Map<number, SwapHeader>();

  /** A seed no header holds, starting from `hint` (wrapping round; `hint` itself when all are taken). */
  freeSeed(hint: number): number {
    for (let i = 0; i < 0x10000; i++) {
      const seed = (hint + i) & 0xffff;
      if (!this.bySeed.has(seed)) return seed;
    }
    return hint & 0xffff;
  }
}

/** The image of SwapHeaders: [seed, lastPage, uuid, label] rows. */
export type SwapHeadersImage = readonly (readonly [number, number, string, string])[];

export const saveSwapHeaders = (h: SwapHeaders): SwapHeadersImage =>
  [...h.bySeed].map(([seed, x]) => [seed, x.lastPage, x.uuid, x.label] as const);

/** SwapHeaders from rows already checked for their types; a problem message for a bad row. */
export function restoreSwapHeaders(rows: SwapHeadersImage): Result<SwapHeaders> {
  const h = new SwapHeaders();
  for (const [seed, lastPage, uuid, label] of rows) {
    if (seed < 0 || seed > 0xffff || h.bySeed.has(seed) || lastPage < MIN_SWAP_PAGES - 1)
      return failure("EINVAL");
    if (parseUuid(uuid) === null || label.length > SWAP_LABEL_MAX) return failure("EINVAL");
    h.bySeed.set(seed, { lastPage, uuid, label });
  }
  return success(h);
}

/** uuid_parse: 36 characters, hex digits with dashes at 8, 13, 18, 23; lower-cased, or null. */
export function parseUuid(text: string): string | null {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)
    ? text.toLowerCase()
    : null;
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

/**
 * The header of `inode`, or null when page 0 holds no swap signature. An
 * unknown seed reads as a header over the whole file (see the file comment).
 */
export function swapHeaderOf(
  k: { readonly phys: { readonly content: Uint32Array }; readonly swapHeaders: SwapHeaders },
  inode: Inode,
): SwapHeader | null {
  if (inode.type !== "reg") return null;
  const seed = swapSignatureSeed(headerWord(k, inode));
  if (seed < 0) return null;
  return (
    k.swapHeaders.bySeed.get(seed) ?? {
      lastPage: swapPages(inode.size) - 1,
      uuid: swapUuid(inode.ino, seed),
      label: "",
    }
  );
}

/** What mkswap found and wrote. */
export interface MkswapReport {
  /** Pages of the area, the header included. */
  readonly pages: number;
  readonly uuid: string;
  readonly label: string;
  /** The file held a swap signature already ("wiping old swap signature"). */
  readonly wiped: boolean;
}

/** What the mkswap command asks for beyond the file. */
export interface MkswapOptions {
  /** Pages of the area, the header included; 0 for the whole file. */
  readonly pages: number;
  /** A UUID as parseUuid returns it, or null to generate one. */
  readonly uuid: string | null;
  /** Already cut to SWAP_LABEL_MAX characters; "" for none. */
  readonly label: string;
}

/**
 * mkswap's write of the header into page 0 of a regular file: through the
 * page cache if the page is cached, else straight to its disk word; the
 * header (last_page, UUID, label) goes to SwapHeaders under a fresh seed.
 * A generated UUID is deterministic: swapUuid of the inode and the seed,
 * which the simulated clock chose. EINVAL: an area of fewer than
 * MIN_SWAP_PAGES pages or more than the file holds (the caller words it);
 * ETXTBSY: the file is a swap area in use; EISDIR: a directory.
 */
export function mkswap(
  k: {
    readonly phys: { readonly content: Uint32Array };
    readonly swap: SwapState;
    readonly swapHeaders: SwapHeaders;
    readonly vfs: Vfs;
  },
  inode: Inode,
  now: number,
  o: MkswapOptions = { pages: 0, uuid: null, label: "" },
): Result<MkswapReport> {
  if (inode.type === "dir") return failure("EISDIR");
  if (swapAreaOf(k.swap, inode) !== undefined) return failure("ETXTBSY");
  const filePages = swapPages(inode.size);
  const pages = o.pages === 0 ? filePages : o.pages;
  if (pages < MIN_SWAP_PAGES || pages > filePages) return failure("EINVAL");
  const wiped = swapSignatureSeed(headerWord(k, inode)) >= 0;
  const seed = k.swapHeaders.freeSeed(swapHeaderWord(inode.ino, now) & 0xffff);
  const word = ((SWAP_SIGNATURE << 16) | seed) >>> 0;
  const uuid = o.uuid ?? swapUuid(inode.ino, seed);
  k.swapHeaders.bySeed.set(seed, { lastPage: pages - 1, uuid, label: o.label });
  const pfn = inode.cache.get(0);
  if (pfn !== 0) k.phys.content[pfn] = word;
  inode.disk.set(0, word);
  inode.mtime = k.vfs.now;
  return success({ pages, uuid, label: o.label, wiped });
}

/**
 * sys_swapon of a regular file: EBUSY if it is a swap area already, EINVAL
 * without a swap signature, with holes, or too small, EPERM when all
 * MAX_SWAPFILES types are taken. `priority` is -1 for none (the next
 * automatic one: -2, -3, …) or 0..MAX_SWAP_PRIORITY. Returns the area,
 * whose line the caller logs (swapLogLine).
 */
export function sysSwapon(
  k: {
    readonly phys: { readonly content: Uint32Array };
    readonly swap: SwapState;
    readonly swapHeaders: SwapHeaders;
  },
  inode: Inode,
  priority: number,
  warn: (record: string) => void = () => {},
): Result<SwapArea> {
  if (inode.type !== "reg") return failure("EINVAL");
  if (swapAreaOf(k.swap, inode) !== undefined) return failure("EBUSY");
  const header = swapHeaderOf(k, inode);
  if (header === null) return failure("EINVAL");
  if (hasHoles(inode)) return failure("EINVAL");
  const pages = header.lastPage + 1;
  if (pages > swapPages(inode.size)) {
    warn(`${KERN_WARNING}Swap area shorter than signature indicates`);
    return failure("EINVAL");
  }
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
/** pr_warn's (KERN_SOH "4"): below the console's level here too. */
export const KERN_WARNING = "\x014";

/**
 * The kernel's record for a swapon (pr_info in swapon): "Adding 16380k swap
 * on /x.  Priority:5 extents:1 across:16380k ". `across` is the span of the
 * file's extents past the header page, the whole file however small the
 * area (measured: an 8 MiB file with a 4 MiB area says across:8188k).
 */
export function swapLogLine(area: SwapArea, fileBytes: number): string {
  const kb = area.slots * (PAGE_SIZE / 1024);
  const across = (swapPages(fileBytes) - 1) * (PAGE_SIZE / 1024);
  return `${KERN_INFO}Adding ${kb}k swap on ${area.path}.  Priority:${area.priority} extents:1 across:${across}k `;
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
