/**
 * What the kernel reports to a tracer (`trace on`). Events are produced only
 * while a tracer is attached, so tracing costs nothing when it is off.
 */

/** How a page fault was resolved, named after the kernel path that resolves it. */
export type FaultKind =
  /** do_anonymous_page, read, mainline: the shared zero page is mapped. */
  | "zero-page"
  /** do_anonymous_page: a new zeroed anonymous page. */
  | "new-page"
  /** do_wp_page -> wp_page_copy: the page is shared, so it is copied. */
  | "cow-copy"
  /** do_wp_page -> wp_page_reuse: the page is exclusively ours, so it is reused. */
  | "reuse"
  /** do_wp_page on the zero page: a new zeroed page replaces it. */
  | "zero-copy"
  /** do_read_fault: page-cache pages mapped (fault-around maps up to 16). */
  | "file-read"
  /** do_cow_fault: a private copy of a file page. */
  | "file-cow"
  /** do_shared_fault: a shared file/shmem page mapped writable. */
  | "shared-write"
  /** do_wp_page -> wp_page_shared: write-notify on a shared file page. */
  | "write-notify"
  /** do_swap_page: a swapped-out page comes back, from the swap cache or the swap device. */
  | "swap-in";

/**
 * What reclaiming a page did to it (shrink_folio_list's outcomes), as
 * MADV_PAGEOUT or reclaim under memory pressure did it.
 */
export type PageoutKind =
  /** An anonymous page went to swap: written to a slot (or its slot still held it), each PTE now a swap entry. */
  | "swap-out"
  /** A shmem page went to swap (shmem_writeout): its PTEs cleared, the object keeps the swap entry. */
  | "shmem-swap-out"
  /** A clean shmem page, which held only zeros, freed: a later read gets a new zeroed page. */
  | "shmem-drop"
  /** A clean lazy-free (MADV_FREE) page discarded: its PTEs cleared, a later touch reads zeros. */
  | "lazy-discard"
  /** A clean page-cache page freed: its PTEs cleared, a later touch reads the file again. */
  | "file-drop"
  /** A dirty page-cache page written back to its file, then freed. */
  | "file-writeback"
  /** A swap-cache page nobody maps freed: its slot keeps the data. */
  | "swap-cache-drop";

export type KernelEvent =
  | {
      readonly kind: "fault";
      readonly pid: number;
      readonly addr: number;
      readonly fault: FaultKind;
      readonly major: boolean;
      readonly pfn: number;
      /** Pages this fault mapped (more than 1 with fault-around). */
      readonly mapped: number;
    }
  | {
      readonly kind: "segv";
      readonly pid: number;
      readonly addr: number;
      readonly write: boolean;
      readonly reason: string;
    }
  | {
      readonly kind: "teardown";
      readonly pid: number;
      readonly why: "exec" | "exit";
      readonly unmapped: number;
      readonly freed: number;
    }
  | {
      readonly kind: "fork";
      readonly parent: number;
      readonly child: number;
      readonly copied: number;
    }
  | {
      readonly kind: "oom-kill";
      readonly pid: number;
      readonly comm: string;
      readonly message: string;
    }
  | {
      /** A page left memory. One event per PTE it was mapped by, or one with pid 0 if unmapped. */
      readonly kind: "pageout";
      readonly by: "madvise" | "reclaim";
      readonly out: PageoutKind;
      /** The process that mapped it, or 0 when no process did. */
      readonly pid: number;
      /** Where that process mapped it, or -1. */
      readonly addr: number;
    }
  | { readonly kind: "exit"; readonly pid: number; readonly status: number }
  | { readonly kind: "exec"; readonly pid: number; readonly path: string };
