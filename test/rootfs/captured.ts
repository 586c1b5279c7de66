/**
 * What only the tests compare with cowsh, from the same captures as the
 * kernel's root image (src/kernel/rootfs-image.json): per program, how it
 * was started and run, and the maps, smaps, stat, statm and status figures
 * of its address space. test/rootfs/gen.py writes captured.json beside this
 * file; `capturedPrograms` pairs it with the kernel's record of each program.
 */
import {
  LAZY_PROGRAMS,
  PROGRAMS,
  type ProgramSpec,
  programImage,
} from "../../src/kernel/rootfs-image.js";
import json from "./captured.json" with { type: "json" };
import "./program-images.js";

/** The maps and smaps figures of one captured VMA (its pages are in the kernel's record). */
export interface CapturedVma {
  readonly start: number;
  readonly end: number;
  /** As in maps: "r-xp". */
  readonly perms: string;
  /** File offset of `start` (vm_pgoff << 12), 0 for anonymous and special mappings. */
  readonly offset: number;
  readonly dev: readonly [number, number];
  readonly inode: number;
  /** The name column of /proc/PID/maps; absent if blank. */
  readonly path?: string;
  /** The smaps VmFlags line, e.g. "rd ex mr mw me". */
  readonly vmFlags: string;
  /** smaps Rss, Private_Dirty and Anonymous of this VMA at capture time, for cross-checking. */
  readonly rssKb: number;
  readonly privateDirtyKb: number;
  readonly anonymousKb: number;
}

/** The address fields of /proc/PID/stat (and the current brk), at capture time. */
export interface ProgramStat {
  readonly startcode: number;
  readonly endcode: number;
  readonly startstack: number;
  readonly startData: number;
  readonly endData: number;
  readonly startBrk: number;
  /** mm->brk: the last brk() result, or startBrk if the program never moved it. */
  readonly brk: number;
  readonly argStart: number;
  readonly argEnd: number;
  readonly envStart: number;
  readonly envEnd: number;
  /** stat field 23, bytes (= VmSize). */
  readonly vsize: number;
  /** stat field 24, pages (per-CPU-batched, may lag statm). */
  readonly rss: number;
}

/** The initial user stack as execve left it (before ld.so ran). */
export interface InitialStack {
  /** %rsp at the PTRACE_EVENT_EXEC stop: points at argc. */
  readonly sp: number;
  /** %rip there: the interpreter's entry point (AT_BASE + its e_entry). */
  readonly ip: number;
  /** The auxiliary vector in order, AT_NULL last. AT_HWCAP*, AT_MINSIGSTKSZ depend on the CPU. */
  readonly auxv: readonly (readonly [string, number])[];
}

/** What the tests alone read of one captured program. */
export interface ProgramCapture {
  readonly name: string;
  /** The filename passed to execve (AT_EXECFN; comm is its last component). */
  readonly execPath: string;
  readonly cwd: string;
  /** "pty": fds 0-2 are a 24x80 pty (the controlling tty); "pipe": fd 0 is an idle pipe. */
  readonly stdin: "pty" | "pipe";
  /** Where it was captured: blocked in a system call (untraced), or at the entry of exit_group. */
  readonly capturedAt: "idle" | "exit_group";
  /** The system call it was in at capture time. */
  readonly syscall: string;
  /** uname -r, for a program captured after the others (on its own kernel build); else machine.kernel. */
  readonly kernel?: string;
  readonly execImage?: readonly CapturedVma[];
  readonly initialStack?: InitialStack;
  readonly resident: readonly CapturedVma[];
  /** Of minflt, those counted during the execve system call itself (null if unknown). */
  readonly minfltInExec: number | null;
  /** minflt in each of the runs (the first is the one the kernel replays). */
  readonly minfltRuns: readonly number[];
  readonly stat: ProgramStat;
  /** /proc/PID/statm: size resident shared text lib data dt (pages). */
  readonly statm: readonly number[];
  /** The memory lines of /proc/PID/status, in kB (VmPeak, VmSize, … VmSwap). */
  readonly status: Readonly<Record<string, number>>;
}

/** captured.json as gen.py writes it. */
export interface Captures {
  readonly generated: string;
  /** The machine the data was captured on. */
  readonly machine: {
    readonly kernel: string;
    readonly debian: string;
    readonly cpu: string;
    /** Read faults on untouched private anonymous memory map the shared zero page. */
    readonly zeroPage: boolean;
    /** /sys/kernel/mm/transparent_hugepage/enabled */
    readonly thp: string;
  };
  /** The environment every captured program got (cwd /). */
  readonly env: readonly string[];
  readonly layout: {
    /** Size of the [stack] VMA right after execve and in every capture. */
    readonly stackVmaBytes: number;
    /** mmap_base: the interpreter's image ends here and every NULL-hint mmap goes below. */
    readonly mmapBase: number;
    /** The legacy vsyscall page, printed after the last VMA (not part of the mm). */
    readonly vsyscallStart: number;
    /** start_brk is the page after the executable's .bss. */
    readonly brkGapBytes: number;
  };
  /** Absolute paths the programs looked up that do not exist (ENOENT). */
  readonly absentPaths: readonly string[];
  /** Per file of the root image, the other paths the programs used to reach it. */
  readonly openedAs: Readonly<Record<string, readonly string[]>>;
  readonly programs: readonly ProgramCapture[];
}

/** The JSON, typed: its shape is Captures by construction (gen.py writes both). */
const typed = (data: unknown): Captures => data as Captures;
export const CAPTURES = typed(json);

/**
 * Each captured program: the kernel's record (`spec`, from the root image or,
 * for a lazy program, its src/kernel/programs file) and the tests' own figures
 * (`capture`).
 */
export const capturedPrograms: readonly {
  readonly spec: ProgramSpec;
  readonly capture: ProgramCapture;
}[] = [...PROGRAMS, ...LAZY_PROGRAMS.map((p) => programImage(p.name)!)].map((spec) => {
  const capture = CAPTURES.programs.find((c) => c.name === spec.name);
  if (capture === undefined) throw new Error(`captured.json: no program ${spec.name}`);
  return { spec, capture };
});
