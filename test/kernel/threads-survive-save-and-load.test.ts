/**
 * save/load round-trips threads: each task's TID and group, the shared mm
 * (mm_users), the group's counts of exited threads and glibc's stacks in
 * use and cached. The loaded machine goes on exactly as the saved one.
 */
import { expect, test } from "vitest";
import { showStat, showStatus } from "../../fs/proc/array.js";
import { showMaps } from "../../fs/proc/task-mmu.js";
import { Machine } from "../../src/kernel/machine.js";
import { loadMachine, saveMachine } from "../../src/kernel/snapshot.js";
import { checkThreadGroups } from "../../src/kernel/thread.js";

function must<T>(r: { ok: true; value: T } | { ok: false }): T {
  if (!r.ok) throw new Error("unexpected failure");
  return r.value;
}

const view = (m: Machine, pids: readonly number[]): string[] =>
  pids.map((pid) => {
    const t = must(m.task(pid));
    return showStatus(m, t) + showStat(m, t) + showStat(m, t, false) + showMaps(t.mm);
  });

test("a threaded process saved and loaded: the same tasks, mm, stacks and counts, and it goes on the same", () => {
  const m = Machine.boot();
  const p = must(m.spawn("/bin/sh", ["sh"]));
  const [t1, t2, t3] = [must(m.createThread(p)), must(m.createThread(p)), must(m.createThread(p))];
  const buf = must(
    m.mmap(p, {
      addr: 0,
      length: 1 << 20,
      prot: Machine.RW,
      flags: Machine.ANON_PRIVATE,
      file: null,
      fileWritable: false,
      offset: 0,
    }),
  );
  must(m.access(t1, buf, 1 << 20, true));
  must(m.exitThread(t2)); // its faults in the group's count, its stack cached
  const loaded = loadMachine(structuredClone(saveMachine(m)));
  if (!loaded.ok) throw new Error(loaded.problem);
  const n = loaded.machine;
  expect(view(n, [p, t1, t3])).toEqual(view(m, [p, t1, t3]));
  expect(must(n.task(p)).mm!.users).toBe(3);
  expect(must(n.task(t1)).mm).toBe(must(n.task(p)).mm);
  expect(checkThreadGroups(n.tasks)).toEqual([]);
  // Both take the cached stack for the next thread, and end the same way.
  for (const x of [m, n]) {
    const t4 = must(x.createThread(t3));
    must(x.access(t4, buf, 4096, true));
    must(x.exit(t3, 2));
  }
  expect(view(n, [p])).toEqual(view(m, [p]));
});

test("an image whose thread names a missing leader is refused", () => {
  const m = Machine.boot();
  const p = must(m.spawn("/bin/sh", ["sh"]));
  must(m.createThread(p));
  const image = structuredClone(saveMachine(m)) as unknown as { tasks: { tgid?: number }[] };
  const thread = image.tasks.find((t) => t.tgid !== undefined)!;
  thread.tgid = 999;
  const loaded = loadMachine(image);
  expect(loaded.ok ? "loaded" : loaded.problem).toMatch(/a thread of 999/);
});
