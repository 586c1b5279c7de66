/**
 * The simulated clock's scheduling of timed actions: each task runs its
 * queued actions (task.ts) until one makes it sleep; advancing the clock
 * wakes the sleepers in time order. Owns `wakeAt` and the order of wake-ups;
 * what an action does (exit, exec, a memory access) is the Machine's, passed
 * in as `perform`.
 */
import type { Action, Task } from "./task.js";

/** An action that takes no time: what the Machine carries out for the scheduler. */
export type Step = Exclude<Action, { readonly kind: "sleep" }>;

/** What the scheduler reads and moves: the clock (ns since boot) and the process table. */
export interface Timeline {
  now: number;
  readonly tasks: ReadonlyMap<number, Task>;
}

/**
 * Runs `task`'s actions in order until one is a sleep (the task then sleeps
 * until the clock reads its end) or the task dies; `perform` carries out every
 * other action.
 */
export function runActions(
  t: Timeline,
  task: Task,
  perform: (task: Task, step: Step) => void,
): void {
  while (task.actions.length > 0 && !task.isZombie) {
    const action = task.actions.shift()!;
    if (action.kind === "sleep") {
      task.wakeAt = t.now + action.ns;
      return;
    }
    perform(task, action);
  }
  task.wakeAt = null;
}

/**
 * Moves the clock to `target`, waking each task that falls due (the
 * earliest first; among equals the first in the table) at its own time.
 */
export function advanceTo(t: Timeline, target: number, wake: (task: Task) => void): void {
  for (;;) {
    const next = nextDue(t.tasks, target);
    if (next === null) break;
    t.now = next.wakeAt!;
    next.wakeAt = null;
    wake(next);
  }
  t.now = target;
}

function nextDue(tasks: ReadonlyMap<number, Task>, target: number): Task | null {
  let next: Task | null = null;
  for (const task of tasks.values()) {
    if (
      task.wakeAt !== null &&
      task.wakeAt <= target &&
      (next === null || task.wakeAt < next.wakeAt!)
    )
      next = task;
  }
  return next;
}

/** When a task's remaining actions end in exit, the time of that exit; else null. */
export function exitTime(task: Task, now: number): number | null {
  let at = task.wakeAt ?? now;
  for (const action of task.actions) {
    if (action.kind === "sleep") at += action.ns;
    if (action.kind === "exit") return at;
    if (action.kind === "exec") return null;
  }
  return null;
}
