/**
 * The OOM killer (mm/oom_kill.c): when no frame can be found, the task with
 * the highest badness dies so the others can go on.
 */
import { PAGE_SIZE } from "./constants.js";
import { pageTablePagesOf } from "./hugetlb.js";
import type { Task } from "./task.js";

export const OOM_SCORE_ADJ_MIN = -1000;

/** oom_badness: resident pages plus page-table pages, shifted by oom_score_adj. Null if exempt. */
function oomBadness(task: Task, totalPages: number): number | null {
  const mm = task.mm;
  if (mm === null || task.pid === 1 || task.oomScoreAdj === OOM_SCORE_ADJ_MIN) return null;
  const points = mm.rss + pageTablePagesOf(mm);
  return points + Math.trunc((task.oomScoreAdj * totalPages) / 1000);
}

/**
 * select_bad_process: the highest badness; among equals the last in the
 * task list (the newest), as oom_evaluate_task's `>=` keeps replacing.
 */
export function selectVictim(tasks: Iterable<Task>, totalPages: number): Task | null {
  let chosen: Task | null = null;
  let chosenPoints = -Infinity;
  for (const task of tasks) {
    const points = oomBadness(task, totalPages);
    if (points === null || points < chosenPoints) continue;
    chosen = task;
    chosenPoints = points;
  }
  return chosen;
}

const kb = (pages: number): number => (pages * PAGE_SIZE) / 1024;

/** The line __oom_kill_process prints, before the victim's memory is freed. */
export function oomKillMessage(victim: Task): string {
  const mm = victim.mm!;
  return (
    `Out of memory: Killed process ${victim.pid} (${victim.comm}) total-vm:${kb(mm.totalVm())}kB, ` +
    `anon-rss:${kb(mm.rssAnon)}kB, file-rss:${kb(mm.rssFile)}kB, shmem-rss:${kb(mm.rssShmem)}kB, ` +
    `UID:0 pgtables:${kb(pageTablePagesOf(mm))}kB oom_score_adj:${victim.oomScoreAdj}`
  );
}

/**
 * dump_oom_summary's line, before the kill: the constraint (a global OOM
 * with no memory policy), the cpuset and memcg (this model has only the root
 * of each), and the victim.
 */
export function oomKillSummary(victim: Task): string {
  return (
    "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom," +
    `task_memcg=/,task=${victim.comm},pid=${victim.pid},uid=0`
  );
}
