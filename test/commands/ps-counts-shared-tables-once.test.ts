/**
 * ps counts a PTE table that many processes share once (a memo by table),
 * and every figure it prints is the one each process's own smaps_rollup
 * gives.
 */
import { expect, test } from "vitest";
import { newTableMemo, rollupStats } from "../../fs/proc/task-mmu.js";
import { runScript } from "../helpers/run-script.js";

test("the memo changes no figure, for sharers, COW copies and exec'd children", () => {
  const { session } = runScript(
    [
      "P=$(spawn /bin/sh); mmap $P 8M --name buf; write $P buf; mmap $P 4M --shared --name shm; write $P shm",
      "A=$(fork $P); B=$(fork $P); C=$(fork $A)",
      "write $A buf 1M; write $B buf+2M 2M; read $C shm; exec $B /bin/sleep 100",
    ].join("\n"),
  );
  const m = session.machine;
  const memo = newTableMemo(m.phys);
  for (const task of m.tasks.values()) {
    if (task.mm === null) continue;
    const alone = rollupStats(m.phys, task.mm);
    const shared = rollupStats(m.phys, task.mm, memo);
    expect({ ...shared, referenced: 0 }).toEqual({ ...alone, referenced: 0 });
  }
  expect(memo.size).toBeGreaterThan(0);
});
