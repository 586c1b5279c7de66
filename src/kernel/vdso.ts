/**
 * The x86-64 vDSO block that exec installs (arch_setup_additional_pages,
 * map_vdso in arch/x86/entry/vdso/vma.c), per kernel version, and where a
 * start-up captured on 6.18 lands under another version's block.
 *
 * map_vdso takes one top-down area for the whole block, right below the
 * interpreter load_elf_binary has just mapped (load_elf_interp comes first),
 * the data pages at its low end and the code above them:
 *  - before 5.6: [vvar] of 3 pages (vdso-layout.lds.S: `vvar_start = . -
 *    3 * PAGE_SIZE`: the vvar, pvclock and hvclock pages), then [vdso];
 *  - 5.6 to 6.12: [vvar] of 4 pages (the time-namespace page joined), then [vdso];
 *  - from 6.13 ("x86/vdso: Split virtual clock pages into dedicated
 *    mapping"): [vvar] (4), [vvar_vclock] (2), [vdso], as captured on 6.18.
 * [vdso] is the 2-page image in every version.
 *
 * Everything mapped top-down after the block (ld.so's mappings of the
 * libraries, its own anonymous memory, the locale files) sits below it: a
 * block smaller than 6.18's moves all of it up by the difference, the same
 * for every address since the gaps between them stay. The stack, the
 * executable, the interpreter and the heap (brk) do not move.
 */
import { PAGE_SIZE } from "./constants.js";
import type { KernelVersion } from "./kernel.js";
import type { Mm } from "./mm.js";
import { VDSO_BYTES, VVAR_BYTES, VVAR_VCLOCK_BYTES } from "./rootfs-image.js";
import { atLeast } from "./version.js";

/** The sizes of the block's mappings, in bytes, low to high; vvarVclock 0: no such mapping. */
export interface VdsoLayout {
  readonly vvar: number;
  readonly vvarVclock: number;
  readonly vdso: number;
}

/** The layout the captures were made under (6.18). */
const CAPTURED: VdsoLayout = { vvar: VVAR_BYTES, vvarVclock: VVAR_VCLOCK_BYTES, vdso: VDSO_BYTES };

/** The block `version` maps. */
export function vdsoLayout(version: KernelVersion): VdsoLayout {
  if (atLeast(version, "6.13")) return CAPTURED;
  return { vvar: (atLeast(version, "5.6") ? 4 : 3) * PAGE_SIZE, vvarVclock: 0, vdso: VDSO_BYTES };
}

export const blockBytes = (l: VdsoLayout): number => l.vvar + l.vvarVclock + l.vdso;

/**
 * Where a 6.18 capture's addresses land in an mm whose vDSO block was laid
 * out for another version (one per exec). A mapping the kernel placed
 * (mmap without MAP_FIXED) is wherever this mm's allocator puts it, which
 * `placed` records: an address inside it (ld.so's MAP_FIXED segments, an
 * mprotect, a munmap) moves as the mapping moved. Most move by `delta`, the
 * bytes the block lost; a large file mapping aligned to 2 MiB
 * (thp_get_unmapped_area) keeps its place, and what ld.so maps below it
 * then does not move either. An address no placed mapping covers moves by
 * `delta` if it lies between the heap and the captured block (found from
 * the mm's [vdso]: the block's top is the interpreter's bottom in every
 * version), else stays (the stack, the executable, the interpreter, brk).
 * The heap is told from the top-down area by the midpoint between
 * start_brk and the block: the captured heaps end a few MiB above
 * start_brk, the top-down mappings a few GiB below the vDSO.
 */
export class CaptureRelocation {
  /** Bytes the captured block is larger than this version's (0 on 6.13+). */
  readonly delta: number;
  private readonly floor: number;
  private readonly capturedStart: number;
  /** Placed mappings, latest last: captured [start, end) and how far it moved. */
  private readonly regions: { start: number; end: number; offset: number }[] = [];

  constructor(mm: Mm, version: KernelVersion) {
    const vdso = mm.vmas.find((v) => v.special === "vdso");
    this.delta = vdso === undefined ? 0 : blockBytes(CAPTURED) - blockBytes(vdsoLayout(version));
    this.capturedStart = vdso === undefined ? 0 : vdso.end - blockBytes(CAPTURED);
    this.floor = mm.startBrk + Math.floor((this.capturedStart - mm.startBrk) / 2);
  }

  /** Where the capture's `addr` is in this mm. */
  at(addr: number): number {
    if (this.delta === 0) return addr;
    for (let i = this.regions.length - 1; i >= 0; i--) {
      const r = this.regions[i]!;
      if (addr >= r.start && addr < r.end) return addr + r.offset;
    }
    return addr >= this.floor && addr < this.capturedStart ? addr + this.delta : addr;
  }

  /** The capture had a kernel-placed mapping of `length` bytes at `captured`; this mm has it at `actual`. */
  placed(captured: number, length: number, actual: number): void {
    if (this.delta === 0) return;
    const end = captured + Math.ceil(length / PAGE_SIZE) * PAGE_SIZE;
    this.regions.push({ start: captured, end, offset: actual - captured });
  }
}
