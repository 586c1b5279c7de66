/**
 * Per-program behaviour: what a program of the root image does on its own
 * once exec'd, as timed actions (task.ts) the scheduler runs (sched.ts).
 * cowsh runs no x86 code, so this table is the programs' behaviour:
 * `sleep N` sleeps then exits 0, `true` and `ls` exit 0, `false` exits 1,
 * python3 and perl run as captured (a one-liner sleeping 1000 s) sleep then
 * exit 0, and every other program waits to be told what to do (`run`).
 */
import { NSEC_PER_SEC } from "./constants.js";
import { type Action, commOf } from "./task.js";

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
