/**
 * Per-program behaviour: what a program of the root image does on its own
 * once exec'd, as timed actions (task.ts) the scheduler runs (sched.ts).
 * cowsh runs no x86 code, so this table is the programs' behaviour:
 * `sleep N` sleeps then exits 0, `true` and `ls` exit 0, `false` exits 1,
 * and every other program waits to be told what to do (`run`).
 */
import { NSEC_PER_SEC } from "./constants.js";
import { type Action, commOf } from "./task.js";

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
  return [];
}
