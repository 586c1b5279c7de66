/**
 * The root image: the files of the simulated root filesystem and, for each
 * program it can exec, what Linux built when it exec'd the real Debian 12
 * binary without address randomisation (captured on the real machine; see
 * test/rootfs/README.md). This module owns the image's types and is the one
 * reader of `rootfs-image.json`, which test/rootfs/gen.py generates from the
 * captures; what only the tests compare lives in test/rootfs/captured.json.
 *
 * The JSON is imported as a module (the kernel does no I/O): Node parses it
 * when the kernel's modules load, which the binary does only on the paths
 * that boot or load a machine (src/main.ts imports the kernel dynamically).
 */
import json from "./rootfs-image.json" with { type: "json" };

/** Permissions of an ELF segment (p_flags), in the order r, w, x. */
export type ElfSegmentFlags = "" | "r" | "w" | "x" | "rw" | "rx" | "wx" | "rwx";

/** One PT_LOAD program header. */
export interface ElfLoad {
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
  readonly memsz: number;
  readonly flags: ElfSegmentFlags;
  readonly align: number;
}

/** The parts of an ELF file that execve and ld.so use to map it. */
export interface ElfSpec {
  /** e_type: ET_DYN (PIE executables and shared objects) or ET_EXEC. */
  readonly type: "DYN" | "EXEC";
  /** e_entry, relative to the load bias for DYN. */
  readonly entry: number;
  /** e_phoff and e_phnum (AT_PHDR is load bias + vaddr of the headers; AT_PHNUM). */
  readonly phoff: number;
  readonly phnum: number;
  /** PT_INTERP, as written in the file (a path through symlinks). */
  readonly interp?: string;
  readonly loads: readonly ElfLoad[];
  /** PT_GNU_RELRO: ld.so mprotects [vaddr, vaddr + memsz) rounded down to pages to PROT_READ. */
  readonly relro?: { readonly vaddr: number; readonly memsz: number };
  /** PT_TLS, if any. */
  readonly tls?: {
    readonly vaddr: number;
    readonly filesz: number;
    readonly memsz: number;
    readonly align: number;
  };
  /** PT_GNU_STACK flags ("rw": no executable stack). */
  readonly stack: ElfSegmentFlags;
  /** DT_NEEDED, in order. */
  readonly needed: readonly string[];
  /** DT_SONAME, if any. */
  readonly soname?: string;
}

/** A file or directory the captured programs exec, map, open or stat. */
export interface RootfsFile {
  /** Canonical path (no symlinks), as /proc/PID/maps prints it. */
  readonly path: string;
  readonly kind: "file" | "dir";
  readonly inode: number;
  readonly size: number;
  /** st_mode, including the file type bits (0o100644, 0o40755...). */
  readonly mode: number;
  /** st_dev as [major, minor]; maps prints it in hex ("fe:00" is [254, 0]). */
  readonly dev: readonly [number, number];
  readonly elf?: ElfSpec;
}

/** mmap/mprotect protection as a maps-style triple. */
export type Prot = "---" | "r--" | "-w-" | "--x" | "rw-" | "r-x" | "-wx" | "rwx";

export type MapFlag =
  | "MAP_SHARED"
  | "MAP_PRIVATE"
  | "MAP_FIXED"
  | "MAP_ANONYMOUS"
  | "MAP_DENYWRITE"
  | "MAP_NORESERVE"
  | "MAP_STACK"
  | "MAP_POPULATE"
  | "MAP_GROWSDOWN"
  | "MAP_FIXED_NOREPLACE";

/**
 * One system call of the program after execve returned, in order, as strace
 * showed it: every memory call, plus openat and close so that mmap's fd can be
 * followed. `file` is the canonical path of the fd (or of the opened file).
 * A failed call has result -1 and an errno name.
 */
export type StartupEvent =
  | {
      readonly op: "mmap";
      /** null for NULL (the kernel chooses). */
      readonly addr: number | null;
      readonly length: number;
      readonly prot: Prot;
      readonly flags: readonly MapFlag[];
      /** -1 for anonymous mappings. */
      readonly fd: number;
      readonly file?: string;
      readonly offset: number;
      readonly result: number;
      readonly errno?: string;
    }
  | {
      readonly op: "mprotect";
      readonly addr: number;
      readonly length: number;
      readonly prot: Prot;
      readonly result: number;
      readonly errno?: string;
    }
  | {
      readonly op: "munmap";
      readonly addr: number;
      readonly length: number;
      readonly result: number;
      readonly errno?: string;
    }
  | { readonly op: "brk"; readonly addr: number | null; readonly result: number }
  | {
      readonly op: "madvise";
      readonly addr: number;
      readonly length: number;
      readonly advice: string;
      readonly result: number;
      readonly errno?: string;
    }
  | {
      readonly op: "mremap";
      readonly addr: number;
      readonly oldLength: number;
      readonly newLength: number;
      readonly flags: readonly string[];
      readonly result: number;
      readonly errno?: string;
    }
  | {
      readonly op: "openat";
      /** The path as the program passed it. */
      readonly path: string;
      readonly flags: readonly string[];
      readonly file?: string;
      /** The new fd, or -1. */
      readonly result: number;
      readonly errno?: string;
    }
  | {
      readonly op: "close";
      readonly fd: number;
      readonly file?: string;
      readonly result: number;
      readonly errno?: string;
    };

/**
 * One VMA and which of its pages were mapped at capture time, from
 * /proc/PID/pagemap + /proc/kpageflags. `pages` is run-length encoded, one
 * letter per page in address order: f = file page (page cache, or the vDSO's
 * kernel page), a = anonymous page, z = the shared zero page, p = present PFN
 * mapping without a struct page ([vvar]; Rss 0), m = shmem, s = swapped,
 * - = not mapped. "f12 -4 a3" is 12 file pages, 4 holes, 3 anonymous pages.
 * [vsyscall] is outside the range pagemap reports and is shown as all "-".
 */
export interface ResidentVma {
  readonly start: number;
  readonly end: number;
  /** The name column of /proc/PID/maps: a file path, or [heap], [stack], [vdso]...; absent if blank. */
  readonly path?: string;
  readonly pages: string;
}

/** One captured program: how it was started and what its address space became. */
export interface ProgramSpec {
  /** Name of the capture (fixture folder under test/rootfs/fixtures). */
  readonly name: string;
  /** Canonical path of the executable (/proc/PID/exe). */
  readonly path: string;
  readonly argv: readonly string[];
  readonly env: readonly string[];
  /** Set for a process that a captured program forked and that then exec'd (tini's child). */
  readonly parent?: string;
  /** Entries of the auxiliary vector execve wrote, AT_NULL included (absent for a child). */
  readonly auxvCount?: number;
  readonly startup: readonly StartupEvent[];
  /** The address space at the return of execve, before any user instruction ran (absent for a child). */
  readonly execImage?: readonly ResidentVma[];
  readonly resident: readonly ResidentVma[];
  /**
   * Page faults counted from the entry of execve to the capture (stat fields
   * 10 and 12 minus their value at execve entry). For a forked child (parent
   * set) these are the raw counters, which include the faults its parent's
   * copy took between fork and execve.
   */
  readonly minflt: number;
  readonly majflt: number;
  /**
   * The threads the program's start-up made (clone3 with CLONE_THREAD), in
   * order: their stacks are mappings of `startup` (glibc's mmap and mprotect
   * by the main thread), and their own fault counts are part of `minflt`.
   */
  readonly threads?: readonly StartupThread[];
  /**
   * The processes the start-up forks, in order (nginx's workers). Then
   * `resident` holds only what the program had at its first fork, and
   * the rest comes in this order: before each fork the pages the parent
   * wrote since the last, the fork, the child's own start-up; after the
   * last, `parentWritesAfterForks`.
   */
  readonly forks?: readonly StartupFork[];
  readonly parentWritesAfterForks?: readonly ResidentVma[];
}

/**
 * One process a captured program forked during its start-up. Page letters
 * in `parentWrites` and `resident`: a = an anonymous page of this process's
 * own (its write breaks the fork's sharing, or makes a new page), m = a
 * shared page it wrote, f and z = mapped for reading; - = as fork left it.
 */
export interface StartupFork {
  /** What the parent wrote since the previous fork (or its start), before this one. */
  readonly parentWrites: readonly ResidentVma[];
  /** The child's own system calls after the fork, as `startup`. */
  readonly startup: readonly StartupEvent[];
  /** The child's VMAs at capture, with the pages it touched itself. */
  readonly resident: readonly ResidentVma[];
  /** Its own faults from the fork to the capture. */
  readonly minflt: number;
  readonly majflt: number;
}

/** One thread a captured program started: its name and stack, and the faults it took itself. */
export interface StartupThread {
  /** The name it gave itself (PR_SET_NAME, at most 15 characters). */
  readonly comm: string;
  /** Start of its stack mapping (clone3's stack: the guard page's address) and the mapping's size. */
  readonly stack: number;
  readonly stackBytes: number;
  /** Its own faults at capture (/proc/PID/task/TID/stat). */
  readonly minflt: number;
  readonly majflt: number;
}

/** The address-space layout rules the captures follow (checked by gen.py against each). */
export interface RootLayout {
  /** Top of the user address space: end of [stack] (STACK_TOP = TASK_SIZE; no randomisation). */
  readonly stackTop: number;
  /** RLIMIT_STACK the programs ran with (soft; hard was unlimited). */
  readonly stackRlimit: number;
  /** Where the kernel loads an ET_DYN executable that has an interpreter (ELF_ET_DYN_BASE). */
  readonly elfEtDynBase: number;
  /**
   * The vDSO block (map_vdso): [vvar] (4 pages, PFN map), [vvar_vclock] (2
   * pages), [vdso] (2 pages of code), placed top-down right below the
   * interpreter.
   */
  readonly vvarBytes: number;
  readonly vvarVclockBytes: number;
  readonly vdsoBytes: number;
}

/**
 * A program whose image is data of its own (src/kernel/programs/NAME.json, the
 * same ProgramSpec), read when it is first exec'd rather than with the
 * kernel: what every start-up loads stays small. The root image names it.
 */
export interface LazyProgram {
  readonly name: string;
  /** Canonical path of the executable. */
  readonly path: string;
  readonly argv: readonly string[];
}

/** rootfs-image.json as gen.py writes it. */
export interface RootImage {
  readonly generated: string;
  /** uname -r of the capture machine. */
  readonly capturedOn: string;
  readonly layout: RootLayout;
  /** Symlinks met on the way to the files: [link path, target as stored]. */
  readonly symlinks: readonly (readonly [string, string])[];
  readonly files: readonly RootfsFile[];
  readonly programs: readonly ProgramSpec[];
  readonly lazyPrograms: readonly LazyProgram[];
}

/**
 * The JSON, typed. Its shape is RootImage by construction (gen.py writes
 * both); the check catches a stale or hand-edited file at start-up.
 */
function load(data: unknown): RootImage {
  const image = data as RootImage;
  if (
    typeof image.layout?.stackTop !== "number" ||
    !Array.isArray(image.files) ||
    !Array.isArray(image.programs) ||
    !Array.isArray(image.lazyPrograms) ||
    !Array.isArray(image.symlinks)
  )
    throw new Error(
      "rootfs-image.json: not a root image (regenerate it: test/rootfs/capture.sh gen)",
    );
  return image;
}

const IMAGE = load(json);

export const ROOTFS_FILES: readonly RootfsFile[] = IMAGE.files;
export const SYMLINKS = IMAGE.symlinks;
export const PROGRAMS: readonly ProgramSpec[] = IMAGE.programs;
export const STACK_TOP = IMAGE.layout.stackTop;
export const STACK_RLIMIT = IMAGE.layout.stackRlimit;
export const ELF_ET_DYN_BASE = IMAGE.layout.elfEtDynBase;
export const VVAR_BYTES = IMAGE.layout.vvarBytes;
export const VVAR_VCLOCK_BYTES = IMAGE.layout.vvarVclockBytes;
export const VDSO_BYTES = IMAGE.layout.vdsoBytes;

/** The programs whose image is read at their first exec (programImage). */
export const LAZY_PROGRAMS: readonly LazyProgram[] = IMAGE.lazyPrograms;

/**
 * Where a lazy program's data comes from: the host's reader (the binary
 * reads src/kernel/programs/NAME.json, src/shell/host.ts; the page imports it as
 * a chunk of its own, web/main.ts), returning the parsed JSON or undefined.
 * The kernel does no I/O itself: without a source, only the images already
 * registered can be exec'd.
 */
export type ProgramImageSource = (name: string) => unknown;

let imageSource: ProgramImageSource | undefined;
const loadedImages = new Map<string, ProgramSpec>();

/** Installs the host's reader of lazy program images (the last one installed wins). */
export function setProgramImageSource(source: ProgramImageSource | undefined): void {
  imageSource = source;
}

/** Adds a lazy program's image (src/kernel/programs/NAME.json, parsed); a wrong shape throws. */
export function registerProgramImage(data: unknown): ProgramSpec {
  const spec = data as ProgramSpec;
  const known = LAZY_PROGRAMS.find((p) => p.name === spec?.name);
  if (
    known === undefined ||
    spec.path !== known.path ||
    !Array.isArray(spec.startup) ||
    !Array.isArray(spec.resident)
  )
    throw new Error(
      "src/kernel/programs: not a program image of the root image (regenerate: test/rootfs/capture.sh gen)",
    );
  loadedImages.set(spec.name, spec);
  return spec;
}

/** A lazy program's image: read through the source the first time, then kept. */
export function programImage(name: string): ProgramSpec | undefined {
  const cached = loadedImages.get(name);
  if (cached !== undefined) return cached;
  const data = imageSource?.(name);
  return data === undefined ? undefined : registerProgramImage(data);
}
