/**
 * What every part of the kernel shares: physical memory, the file tree, the
 * boot options, the tracer and the allocator that may call the OOM killer.
 */
import type { CommitState } from "./commit.js";
import type { KernelEvent } from "./events.js";
import type { ShmemEnabled, ThpEnabled, ThpState } from "./huge-memory.js";
import type { HugetlbPool } from "./hugetlb.js";
import type { Mm } from "./mm.js";
import type { PhysMem } from "./phys.js";
import type { SwapState } from "./swap.js";
import type { Vfs } from "./vfs.js";

/**
 * The kernel versions whose /proc formats cowsh can print (`--kernel`): the
 * long-term and distribution kernels people run, and the capture machine's
 * 6.18, the default. What differs between them is mostly fs/proc's
 * knowledge (fs/proc/kernel-formats.ts, docs/KERNEL-FORMATS.md); the kernel's
 * own part is exec's: the vDSO block (vdso.ts) and, before 5.15,
 * VM_DENYWRITE on the executable and interpreter (exec.ts).
 */
export const KERNEL_VERSIONS = [
  "4.19",
  "5.4",
  "5.10",
  "5.15",
  "6.1",
  "6.6",
  "6.8",
  "6.12",
  "6.18",
] as const;
export type KernelVersion = (typeof KERNEL_VERSIONS)[number];

/** Boot options: the behaviours that differ between kernel builds. */
export interface KernelConfig {
  /** Simulated RAM in bytes. */
  readonly memBytes: number;
  /** Read faults on untouched private anonymous memory map the shared zero page (mainline). */
  readonly zeroPage: boolean;
  /** CONFIG_MEM_SOFT_DIRTY: VMAs carry VM_SOFTDIRTY ("sd") and pagemap bit 55. */
  readonly softDirty: boolean;
  /** CONFIG_ANON_VMA_NAME: mappings can be named ([anon:NAME]). */
  readonly anonNames: boolean;
  /** fault_around_bytes (64 KiB by default; 4096 turns fault-around off). */
  readonly faultAroundBytes: number;
  /** read_ahead_kb of the root device (128 by default). */
  readonly readaheadKb: number;
  /**
   * Memory protection keys are enabled (arch_pkeys_enabled: an x86 CPU with
   * PKU and a kernel built with them): smaps prints `ProtectionKey:`.
   */
  readonly protectionKeys: boolean;
  /** Bytes of the swap file /swapfile swapped on at boot (`--swap SIZE`); 0: no swap. */
  readonly swapBytes: number;
  /** Huge pages in the hugetlb pool at boot (`--hugepages N`, vm.nr_hugepages); 0: none. */
  readonly hugepages: number;
  /** transparent_hugepage/enabled at boot (`--thp`): "madvise", as on the capture machine. */
  readonly thp: ThpEnabled;
  /** transparent_hugepage/shmem_enabled at boot (`--thp-shmem`): "never", the kernel's default. */
  readonly thpShmem: ShmemEnabled;
  /** The kernel version whose /proc formats fs/proc prints (`--kernel`): 6.18, the capture machine's. */
  readonly kernelVersion: KernelVersion;
}

export const DEFAULT_CONFIG: KernelConfig = {
  memBytes: 8 * 1024 * 1024 * 1024,
  zeroPage: true,
  softDirty: false,
  anonNames: true,
  faultAroundBytes: 64 * 1024,
  readaheadKb: 128,
  protectionKeys: false,
  swapBytes: 0,
  hugepages: 0,
  thp: "madvise",
  thpShmem: "never",
  kernelVersion: "6.18",
};

export interface Kernel {
  readonly phys: PhysMem;
  readonly vfs: Vfs;
  /** Swap areas and the swap cache. */
  readonly swap: SwapState;
  /** Overcommit accounting: the committed address space and the vm.overcommit_* sysctls. */
  readonly commit: CommitState;
  /** The hugetlb pool (hugetlb.ts). */
  readonly hugetlb: HugetlbPool;
  /** Transparent huge pages: the sysfs settings and the folios' entire mapcounts (huge-memory.ts). */
  readonly thp: ThpState;
  readonly config: KernelConfig;
  /** The attached tracer, or null. */
  trace: ((event: KernelEvent) => void) | null;
  /**
   * Allocates a frame; when none is free, runs the OOM killer (which may
   * kill `requesterPid` itself) and retries. Returns -1 if memory stays exhausted.
   */
  allocFrame(kind: number, word: number, requesterPid: number): number;
  /** Every live mm, for what reaches across processes (writeback, munlock). */
  mms(): Iterable<Mm>;
  /** The pid of a task whose mm is `mm` (for the tracer), or 0. */
  pidOf(mm: Mm): number;
}
