/**
 * Per-program behaviour: what a program of the root image does on its own
 * once exec'd, as timed actions (task.ts) the scheduler runs (sched.ts).
 * cowsh runs no x86 code, so this table is the programs' behaviour:
 * `sleep N` sleeps then exits 0, `true` and `ls` exit 0, `false` exits 1,
 * python3 and perl run as captured (a one-liner sleeping 1000 s) sleep then
 * exit 0, and every other program waits to be told what to do (`run`).
 */
import { NSEC_PER_SEC, PAGE_SIZE, VM_WRITE } from "./constants.js";
import { decodePages, replayStartup } from "./exec.js";
import { prefaultPage } from "./fault.js";
import { pteIsSwap, ptePresent } from "./page-table.js";
import { panic, type Result } from "./result.js";
import type { ProgramSpec, ResidentVma } from "./rootfs-image.js";
import { type Action, commOf, type Task } from "./task.js";
import { adoptThread, type ThreadHost } from "./thread.js";
import type { CaptureRelocation } from "./vdso.js";

/** python3's and perl's captured argv (test/rootfs/capture.py): both sleep 1000 s. */
const IDLE_ONE_LINERS: Readonly<Record<string, readonly string[]>> = {
  "python3.11": ["-S", "-c", "import time; time.sleep(1000)"],
  perl: ["-e", "sleep 1000"],
};

/** The actions a program starts with, from its path and argv. */
export function programActions(path: string, argv: readonly string[]): Action[] {
  const name = commOf(path);
  if (name === "sleep") {
    const seconds = Number(argv[1] ?? "0");
    return Number.isFinite(seconds) && seconds >= 0
      ? [
          { kind: "sleep", ns: Math.round(seconds * NSEC_PER_SEC) },
          { kind: "exit", status: 0 },
        ]
      : [{ kind: "exit", status: 1 }];
  }
  if (name === "true" || name === "ls") return [{ kind: "exit", status: 0 }];
  if (name === "false") return [{ kind: "exit", status: 1 }];
  // issue 14: the captured one-liners sleep 1000 s and end; redis-server and
  // nginx serve until they are killed, as every other program waits
  const oneLiner = IDLE_ONE_LINERS[name];
  if (oneLiner !== undefined && argv.slice(1).join("\0") === oneLiner.join("\0"))
    return [
      { kind: "sleep", ns: 1000 * NSEC_PER_SEC },
      { kind: "exit", status: 0 },
    ];
  return [];
}

/** What a program's own start-up needs of the machine: threads (thread.ts) and fork. */
export interface ProgramHost extends ThreadHost {
  fork(pid: number): Result<number>;
  exit(pid: number, code: number): Result<void>;
}

/**
 * The tasks a program's own start-up made besides itself, as the capture
 * saw them, made right after its image (exec.ts replayed the rest of the
 * start-up):
 *  - threads: redis-server's three bio threads and jemalloc's background
 *    thread, each on the stack glibc mapped for it (a mapping of the
 *    replayed start-up), named as it named itself, with the faults it took
 *    itself (the leader's count keeps the rest: the group's total is the
 *    capture's). A full task table stops them there (pthread_create's
 *    EAGAIN);
 *  - forks: nginx's master forks its two workers. Its replay stopped at
 *    what it had at the first fork; before each fork it writes what it
 *    wrote since the last, then forks (the pages it had are then shared,
 *    as the capture's kpagecount shows), and the worker runs its own
 *    start-up (setuid, the name-service libraries: its system calls and
 *    pages, as captured); after the last fork the master writes its own
 *    pages. Each process's fault counts are the capture's. A failed fork
 *    (the task table full, memory) leaves the master with fewer workers; a
 *    worker whose mapping overcommit refuses (strict mode) exits with 2,
 *    as nginx's worker does when its set-up fails.
 */
export function startProgramTasks(
  h: ProgramHost,
  task: Task,
  spec: ProgramSpec | undefined,
  reloc: CaptureRelocation,
): void {
  for (const t of spec?.threads ?? []) {
    const made = adoptThread(h, task.pid, reloc.at(t.stack), t.stackBytes);
    if (!made.ok) return;
    const thread = made.value;
    thread.comm = t.comm;
    thread.minflt = t.minflt;
    thread.majflt = t.majflt;
    task.minflt -= t.minflt;
    task.majflt -= t.majflt;
  }
  if (spec?.forks === undefined) return;
  const counts = { minflt: task.minflt, majflt: task.majflt };
  for (const child of spec.forks) {
    if (!touchPages(h, task, child.parentWrites, reloc)) return;
    const pid = h.fork(task.pid);
    if (!pid.ok) break;
    const worker = h.tasks.get(pid.value)!;
    if (!replayStartup(h, worker.mm!, child.startup, reloc)) {
      h.exit(worker.pid, WORKER_INIT_FAILED);
      continue;
    }
    if (!touchPages(h, worker, child.resident, reloc)) break;
    worker.minflt = child.minflt;
    worker.majflt = child.majflt;
  }
  if (task.mm !== null && touchPages(h, task, spec.parentWritesAfterForks ?? [], reloc)) {
    task.minflt = counts.minflt;
    task.majflt = counts.majflt;
  }
}

/** The status nginx's worker exits with when its own set-up fails (ngx_worker_process_init). */
const WORKER_INIT_FAILED = 2;

/**
 * The pages a process of a start-up touched itself (StartupFork's letters):
 * an anonymous page it owns is a write where a page is mapped (breaking
 * the fork's sharing) and a new page where none is; a shared page is a
 * write; a file page or the zero page is mapped for reading. False when
 * memory ran out (the task may have been killed).
 */
function touchPages(
  h: ProgramHost,
  task: Task,
  vmas: readonly ResidentVma[],
  reloc: CaptureRelocation,
): boolean {
  for (const captured of vmas) {
    let at = captured.start;
    for (const [state, count] of decodePages(captured.pages)) {
      for (let i = 0; i < count; i++, at += PAGE_SIZE) {
        if (state === "-") continue;
        const addr = reloc.at(at); // a 6.18 capture under this version's vDSO block
        const mm = task.mm;
        if (mm === null) return false;
        const vma = mm.vmaAt(addr);
        if (vma === undefined || vma.start > addr)
          panic(`start-up replay: ${task.pid} has no VMA at 0x${addr.toString(16)}`);
        const pte = mm.pt.get(addr / PAGE_SIZE);
        // a page reclaim swapped out since it was made exists: a write faults it back in
        const swapped = pteIsSwap(pte);
        if (state === "m" || (state === "a" && (swapped || ptePresent(pte)))) {
          if (!(vma.flags & VM_WRITE)) {
            if (swapped) continue; // it is there, in swap (a read-only copy of its own)
            panic(`start-up replay: ${task.pid} writes read-only 0x${addr.toString(16)}`);
          }
          if (!h.access(task.pid, addr, 1, true).ok) return false;
        } else if (swapped) continue;
        else if (prefaultPage(h, { pid: task.pid, mm }, vma, addr, state) < 0) return false;
      }
    }
  }
  return true;
}
