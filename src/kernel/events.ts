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
  | { readonly kind: "exit"; readonly pid: number; readonly status: number }
  | { readonly kind: "exec"; readonly pid: number; readonly path: string };
