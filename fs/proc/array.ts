/**
 * /proc/PID/status, stat and statm, as fs/proc/array.c prints them
 * (proc_pid_status, do_task_stat, proc_pid_statm), with the memory figures
 * of fs/proc/task_mmu.c (task_mem, task_statm).
 *
 * First the figures are collected (taskMem from the mm, taskIdentity from
 * the task and the machine), then formatted. Signal dispositions are the
 * kernel's table per program (signal.ts). What the model does not keep
 * (credentials, capabilities, CPU time, context switches) is fixed at the values the capture machine printed for the same
 * programs, so the output is deterministic; each such value says so below.
 */
import { PAGE_SIZE, pageAlignUp, USER_HZ } from "../../src/kernel/constants.js";
import { INIT_PID } from "../../src/kernel/exit.js";
import { hugetlbUsagePages, pageTablePagesOf } from "../../src/kernel/hugetlb.js";
import { LOGIN_SHELL_PID, type Machine } from "../../src/kernel/machine.js";
import type { Mm } from "../../src/kernel/mm.js";
import { dispositionOf, type SignalDisposition } from "../../src/kernel/signal.js";
import { commOf, STATE_NAMES, type Task } from "../../src/kernel/task.js";
import { groupFaults, threadCount } from "../../src/kernel/thread.js";
import { hexPad } from "../hex.js";
import { procFormat } from "./kernel-formats.js";
import { NR_CPUS, totalramPages } from "./meminfo.js";

/* ---- collect ---- */

/** The memory figures of one mm, in pages unless named otherwise (task_mem, task_statm). */
export interface TaskMem {
  totalVm: number;
  /** max(hiwater_vm, total_vm): VmPeak. */
  peakVm: number;
  lockedVm: number;
  pinnedVm: number;
  /** max(hiwater_rss, current RSS): VmHWM. */
  peakRss: number;
  rssAnon: number;
  rssFile: number;
  rssShmem: number;
  dataVm: number;
  stackVm: number;
  execVm: number;
  /** PAGE_ALIGN(end_code) - (start_code & PAGE_MASK), in bytes (statm's text). */
  codeBytes: number;
  /** mm_pgtables_bytes() >> PAGE_SHIFT: PTE, PMD and PUD pages. */
  ptePages: number;
  /** MM_SWAPENTS: swap entries in the page table (VmSwap). */
  swapents: number;
  /** mm->hugetlb_usage: the hugetlb pages this mm maps, in pages (HugetlbPages). */
  hugetlbPages: number;
}

const pageDown = (n: number): number => Math.floor(n / PAGE_SIZE) * PAGE_SIZE;

/** Collects an mm's figures. RSS counters are exact (get_mm_counter_sum). */
export function taskMem(mm: Mm): TaskMem {
  const totalVm = mm.totalVm();
  const rss = mm.rss;
  return {
    totalVm,
    peakVm: Math.max(mm.hiwaterVm, totalVm),
    lockedVm: mm.lockedVm(),
    pinnedVm: 0, // no FOLL_PIN users (io_uring, RDMA) in the model
    peakRss: Math.max(mm.hiwaterRss, rss),
    rssAnon: mm.rssAnon,
    rssFile: mm.rssFile,
    rssShmem: mm.rssShmem,
    dataVm: mm.dataVm(),
    stackVm: mm.stackVm(),
    execVm: mm.execVm(),
    codeBytes: Math.max(0, pageAlignUp(mm.endCode) - pageDown(mm.startCode)),
    ptePages: pageTablePagesOf(mm),
    swapents: mm.swapents,
    hugetlbPages: hugetlbUsagePages(mm),
  };
}

/** pts/0 (major 136, minor 0) as new_encode_dev() packs it for stat's tty_nr. */
const PTS0_TTY_NR = 136 << 8;

/** What status and stat show about a task besides its memory. */
export interface TaskIdentity {
  /** tty_nr of the controlling terminal (0: none) and its foreground process group (-1: none). */
  ttyNr: number;
  tpgid: number;
  /** task->flags (PF_*): 0 while alive, since cowsh runs without PF_RANDOMIZE (setarch -R). */
  flags: number;
  /** max_fds of the file table (0 once the zombie has dropped it). */
  fdSize: number;
  signals: SignalDisposition;
  /** RLIMIT_SIGPENDING: max_threads / 2, where max_threads = totalram / 32 pages (set_max_threads). */
  sigQueueLimit: number;
}

/* PF_* (include/linux/sched.h) a zombie carries. */
const PF_EXITING = 0x4;
const PF_POSTCOREDUMP = 0x8;
const PF_SIGNALED = 0x400;
const PF_NOFREEZE = 0x8000;
/** Forked and not exec'd since. */
const PF_FORKNOEXEC = 0x40;

/**
 * Collects a task's identity. The controlling terminal is the login shell's
 * pts/0, held by every task but init (orphans keep their terminal when init
 * adopts them); its foreground group is the shell's, since /proc is read
 * while the shell is at its prompt.
 */
export function taskIdentity(m: Machine, task: Task): TaskIdentity {
  const shell = m.tasks.get(LOGIN_SHELL_PID);
  const hasTty = task.pid !== INIT_PID && shell !== undefined;
  const killed = (task.exitStatus & 0x7f) !== 0;
  const program = task.exe === null ? task.comm : commOf(task.exe.path);
  return {
    ttyNr: hasTty ? PTS0_TTY_NR : 0,
    tpgid: hasTty ? shell.pgrp : -1,
    flags:
      (task.forkNoExec ? PF_FORKNOEXEC : 0) |
      (task.isZombie ? PF_EXITING | PF_POSTCOREDUMP | PF_NOFREEZE | (killed ? PF_SIGNALED : 0) : 0),
    fdSize: task.isZombie ? 0 : program === "bash" && task.argv[1] !== "-c" ? 256 : 64, // interactive bash keeps fd 255 open
    signals: dispositionOf(task),
    sigQueueLimit: Math.floor(Math.floor(totalramPages(m.phys) / 32) / 2),
  };
}

/* ---- format ---- */

/** Pages to kB. */
const kb = (pages: number): number => pages * (PAGE_SIZE / 1024);
/** `Label:\t%8lu kB` (SEQ_PUT_DEC / seq_put_decimal_ull_width with width 8). */
const memLine = (label: string, kbValue: number): string =>
  `${label}:\t${String(kbValue).padStart(8)} kB\n`;
/** A 64-bit mask as 16 hex digits (render_sigset_t, render_cap_t). */
const hex16 = (n: number): string => hexPad(n, 16);

/**
 * proc_task_name with escaping: seq_escape_str(ESCAPE_SPACE | ESCAPE_SPECIAL,
 * only "\n\\"), so a newline prints as `\n` and a backslash as `\\`.
 */
export const escapeComm = (comm: string): string =>
  comm.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");

/** The Vm and Rss lines and HugetlbPages (task_mem, hugetlb_report_usage). */
export function showTaskMem(mem: TaskMem): string {
  const text = Math.min(mem.codeBytes, mem.execVm * PAGE_SIZE);
  const lib = mem.execVm * PAGE_SIZE - text;
  return (
    memLine("VmPeak", kb(mem.peakVm)) +
    memLine("VmSize", kb(mem.totalVm)) +
    memLine("VmLck", kb(mem.lockedVm)) +
    memLine("VmPin", kb(mem.pinnedVm)) +
    memLine("VmHWM", kb(mem.peakRss)) +
    memLine("VmRSS", kb(mem.rssAnon + mem.rssFile + mem.rssShmem)) +
    memLine("RssAnon", kb(mem.rssAnon)) +
    memLine("RssFile", kb(mem.rssFile)) +
    memLine("RssShmem", kb(mem.rssShmem)) +
    memLine("VmData", kb(mem.dataVm)) +
    memLine("VmStk", kb(mem.stackVm)) +
    memLine("VmExe", text / 1024) +
    memLine("VmLib", lib / 1024) +
    memLine("VmPTE", kb(mem.ptePages)) +
    memLine("VmSwap", kb(mem.swapents)) +
    memLine("HugetlbPages", kb(mem.hugetlbPages))
  );
}

/** Every NUMA node word of Mems_allowed (MAX_NUMNODES 1024): node 0 only. */
const MEMS_ALLOWED = `${"00000000,".repeat(31)}00000001`;
/** Capabilities 0-40 less CAP_SYS_RESOURCE (24): root's sets on the capture machine. */
const ROOT_CAPS = 0x1fffeffffff;

/**
 * /proc/PID/status (proc_pid_status). A zombie has no mm and no fs or file
 * table: no Umask line, FDSize 0, and none of the lines from VmPeak to
 * untag_mask.
 */
export function showStatus(m: Machine, task: Task): string {
  return procFormat(m.config.kernelVersion).apply("status", showStatusLines(m, task));
}

/** The status text in 6.18's layout, every line it prints (kernel-formats.ts drops what older versions lack). */
function showStatusLines(m: Machine, task: Task): string {
  const id = taskIdentity(m, task);
  const pid = task.pid;
  const tgid = task.tgid;
  let out = `Name:\t${escapeComm(task.comm)}\n`;
  if (!task.isZombie) out += "Umask:\t0022\n";
  out +=
    `State:\t${STATE_NAMES[task.state]}\n` +
    `Tgid:\t${tgid}\nNgid:\t0\nPid:\t${pid}\nPPid:\t${task.ppid}\nTracerPid:\t0\n` +
    "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n" +
    `FDSize:\t${id.fdSize}\nGroups:\t \n` +
    `NStgid:\t${tgid}\nNSpid:\t${pid}\nNSpgid:\t${task.pgrp}\nNSsid:\t${task.session}\n` +
    "Kthread:\t0\n";
  if (task.mm !== null) {
    out += `${showTaskMem(taskMem(task.mm))}CoreDumping:\t0\nTHP_enabled:\t1\nuntag_mask:\t0xffffffffffffffff\n`;
  }
  return (
    out +
    `Threads:\t${threadCount(m.tasks, task)}\nSigQ:\t0/${id.sigQueueLimit}\n` +
    `SigPnd:\t${hex16(0)}\nShdPnd:\t${hex16(0)}\nSigBlk:\t${hex16(0)}\n` +
    `SigIgn:\t${hex16(id.signals.ignored)}\nSigCgt:\t${hex16(id.signals.caught)}\n` +
    `CapInh:\t${hex16(0)}\nCapPrm:\t${hex16(ROOT_CAPS)}\nCapEff:\t${hex16(ROOT_CAPS)}\n` +
    `CapBnd:\t${hex16(ROOT_CAPS)}\nCapAmb:\t${hex16(0)}\n` +
    "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n" +
    "Speculation_Store_Bypass:\tvulnerable\nSpeculationIndirectBranch:\talways enabled\n" +
    `Cpus_allowed:\t${((1 << NR_CPUS) - 1).toString(16)}\nCpus_allowed_list:\t0-${NR_CPUS - 1}\n` +
    `Mems_allowed:\t${MEMS_ALLOWED}\nMems_allowed_list:\t0\n` +
    "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n"
  );
}

/** RLIM_INFINITY as an unsigned long. */
const RLIM_INFINITY = "18446744073709551615";
/** task_prio(): prio 120 - MAX_RT_PRIO. */
const PRIORITY = 20;
/** nsec_to_clock_t(): nanoseconds to USER_HZ ticks, truncated. */
const clockTicks = (ns: number): number => Math.floor(ns / (1e9 / USER_HZ));

/**
 * /proc/PID/stat (do_task_stat with whole = 1: the faults of the whole
 * thread group, exited threads included) and /proc/PID/task/TID/stat
 * (whole = 0: the thread's own): 52 space-separated fields.
 * comm is printed raw in parentheses. Without an mm (a zombie) vsize, rss
 * and every address are 0; the fault counts stay, and exit_code is the
 * wait status. No CPU time is modelled: utime, stime, cutime, cstime are 0.
 */
export function showStat(m: Machine, task: Task, whole = true): string {
  const id = taskIdentity(m, task);
  const mm = task.mm;
  const faults = whole ? groupFaults(m.tasks, task) : task;
  const addr = (pick: (mm: Mm) => number): number => (mm === null ? 0 : pick(mm));
  const fields: (number | string)[] = [
    task.pid,
    `(${task.comm})`,
    task.state,
    task.ppid,
    task.pgrp,
    task.session,
    id.ttyNr,
    id.tpgid,
    id.flags,
    faults.minflt,
    task.cminflt,
    faults.majflt,
    task.cmajflt,
    0, // utime
    0, // stime
    0, // cutime
    0, // cstime
    PRIORITY,
    0, // nice
    threadCount(m.tasks, task), // num_threads
    0, // itrealvalue
    clockTicks(task.startTime),
    addr((mm) => mm.totalVm() * PAGE_SIZE), // vsize, bytes
    addr((mm) => mm.rss), // rss, pages (exact here; Linux reads the per-CPU approximation)
    RLIM_INFINITY,
    addr((mm) => mm.startCode),
    addr((mm) => mm.endCode),
    addr((mm) => mm.startStack),
    0, // kstkesp: only while dumping core
    0, // kstkeip
    0, // signal (pending)
    0, // blocked
    id.signals.ignored,
    id.signals.caught,
    task.state === "R" ? 0 : 1, // wchan: 1 when not running
    0, // nswap
    0, // cnswap
    task.exitSignal,
    0, // processor
    0, // rt_priority
    0, // policy: SCHED_OTHER
    0, // delayacct_blkio_ticks
    0, // guest_time
    0, // cguest_time
    addr((mm) => mm.startData),
    addr((mm) => mm.endData),
    addr((mm) => mm.startBrk),
    addr((mm) => mm.argStart),
    addr((mm) => mm.argEnd),
    addr((mm) => mm.envStart),
    addr((mm) => mm.envEnd),
    task.isZombie ? task.exitStatus : 0, // exit_code
  ];
  return `${fields.join(" ")}\n`;
}

/**
 * /proc/PID/statm (proc_pid_statm, task_statm), in pages:
 * size resident shared text lib data dt. Zeros without an mm.
 */
export function showStatm(task: Task): string {
  if (task.mm === null) return "0 0 0 0 0 0 0\n";
  const mem = taskMem(task.mm);
  const shared = mem.rssFile + mem.rssShmem;
  const text = mem.codeBytes / PAGE_SIZE;
  return `${mem.totalVm} ${shared + mem.rssAnon} ${shared} ${text} 0 ${mem.dataVm + mem.stackVm} 0\n`;
}
