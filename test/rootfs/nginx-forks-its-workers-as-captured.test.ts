/**
 * nginx's master forks its two workers in its own start-up, and each worker
 * runs its own start-up after the fork (setuid, the name-service libraries),
 * as captured (test/rootfs/fixtures/nginx/run1/{final,worker1,worker2}):
 * `exec nginx` leaves a master and two workers whose maps are the captured
 * ones byte for byte apart from inode numbers, whose smaps agree VMA by VMA,
 * and whose anonymous pages are mapped as many times as /proc/kpagecount
 * said (3: the master's pages the fork shared with both workers).
 */
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { showMaps, showSmaps } from "../../fs/proc/task-mmu.js";
import { PAGE_SIZE } from "../../src/kernel/constants.js";
import { assertInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";
import { ptePfn, ptePresent } from "../../src/kernel/page-table.js";
import { loadMachine, saveMachine } from "../../src/kernel/snapshot.js";
import "./program-images.js";

const RUN = new URL("./fixtures/nginx/run1/", import.meta.url);
const read = (file: string): string => readFileSync(new URL(file, RUN), "utf8");
const meta = JSON.parse(read("meta.json")) as {
  preexec: { minflt: number };
  final: { minflt: number };
  workers: { minflt: number; majflt: number }[];
};
const SNAPSHOTS = ["final", "worker1", "worker2"] as const;

/** smaps: per VMA header -> the fields that do not depend on who else maps the pages. */
function ownFigures(smaps: string): Map<string, string> {
  const figures = new Map<string, string>();
  let header = "";
  let values: string[] = [];
  for (const line of smaps.split("\n")) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) {
      header = line;
      values = [];
    } else if (/^(Rss|Private_Dirty|Anonymous|Size|Shared_Dirty):/.test(line)) {
      values.push(line.replace(/\s+/g, " "));
    } else if (line.startsWith("VmFlags:")) {
      figures.set(header, [...values, line].join(" | "));
    }
  }
  return figures;
}
const withoutInodes = (text: string): string =>
  text.replace(/^(\S+ \S+ \S+ \S+) +\d+ */gm, "$1 - ");

const started = () => {
  const m = Machine.boot();
  const master = m.spawn("/usr/sbin/nginx", ["nginx", "-c", "/etc/nginx/cowsh.conf"]);
  if (!master.ok) throw new Error(master.errno);
  const workers = [...m.tasks.values()]
    .filter((t) => t.ppid === master.value)
    .map((t) => t.pid)
    .sort((a, b) => a - b);
  return { m, pids: [master.value, ...workers] };
};

test("exec of nginx leaves a master and the two workers it forked", () => {
  const { m, pids } = started();
  expect(pids).toHaveLength(3);
  for (const pid of pids.slice(1)) expect(m.tasks.get(pid)!.comm).toBe("nginx");
  assertInvariants(m);
});

test.each(SNAPSHOTS.map((s, i) => [s, i] as const))(
  "%s: maps byte-exact apart from inode numbers, smaps VMA by VMA as captured",
  (snapshot, i) => {
    const { m, pids } = started();
    const mm = m.tasks.get(pids[i]!)!.mm;
    expect(withoutInodes(showMaps(mm))).toBe(withoutInodes(read(`${snapshot}/maps`)));
    // Shared_Dirty too: which anonymous pages are shared comes from the forks
    expect(ownFigures(withoutInodes(showSmaps(m.phys, mm, false)))).toEqual(
      ownFigures(withoutInodes(read(`${snapshot}/smaps`))),
    );
  },
);

test.each(SNAPSHOTS.map((s, i) => [s, i] as const))(
  "%s: every anonymous page mapped as many times as kpagecount said",
  (snapshot, i) => {
    const { m, pids } = started();
    const mm = m.tasks.get(pids[i]!)!.mm!;
    const want: string[] = [];
    const got: string[] = [];
    for (const line of read(`${snapshot}/pages.tsv`).split("\n").slice(1)) {
      const [vaddr, , , , count, cls] = line.split("\t");
      if (cls !== "a") continue;
      const pte = mm.pt.get(Number.parseInt(vaddr!, 16) / PAGE_SIZE);
      want.push(`${vaddr} ${count}`);
      got.push(`${vaddr} ${ptePresent(pte) ? m.phys.mapcountOf(ptePfn(pte)) : 0}`);
    }
    expect(want.length).toBeGreaterThan(200);
    expect(got).toEqual(want);
  },
);

test("the fault counts are the capture's: the master's from execve, each worker's from its fork", () => {
  const { m, pids } = started();
  expect(m.tasks.get(pids[0]!)!.minflt).toBe(meta.final.minflt - meta.preexec.minflt);
  expect(pids.slice(1).map((pid) => m.tasks.get(pid)!.minflt)).toEqual(
    meta.workers.map((w) => w.minflt),
  );
});

test("a machine with nginx and its workers saves and loads with the same smaps", () => {
  const { m, pids } = started();
  const loaded = loadMachine(structuredClone(saveMachine(m)));
  if (!loaded.ok) throw new Error(loaded.problem);
  for (const pid of pids)
    expect(showSmaps(loaded.machine.phys, loaded.machine.tasks.get(pid)!.mm, false)).toBe(
      showSmaps(m.phys, m.tasks.get(pid)!.mm, false),
    );
});

test("under memory pressure, the pages reclaim swapped out during the start-up are written back in, not mapped over their swap entries (found by the model test)", () => {
  // the model test's machine under pressure: 21 MiB of RAM, 16 MiB of swap,
  // files in the page cache; reclaim swaps out the master's pages while the
  // workers start, and each one's own write must fault its page back in
  const m = Machine.boot({
    memBytes: 21 * 1024 * 1024,
    swapBytes: 16 * 1024 * 1024,
    hugepages: 4,
    thpShmem: "advise",
  });
  for (const path of ["/tmp/f0", "/tmp/f1", "/dev/shm/f2"])
    expect(m.truncate(path, 64 * PAGE_SIZE).ok).toBe(true);
  const sh = m.spawn("/bin/sh", ["sh"]);
  if (!sh.ok) throw new Error(sh.errno);
  expect(m.exec(sh.value, "/usr/sbin/nginx", ["nginx", "-c", "/etc/nginx/cowsh.conf"]).ok).toBe(
    true,
  );
  expect(m.swap.usedPages()).toBeGreaterThan(0);
  assertInvariants(m);
});

test("a worker whose mapping strict overcommit refuses exits with 2; the master goes on", () => {
  // vm.overcommit_memory=2 and a CommitLimit (overcommit_kbytes) just large
  // enough for the master's start-up and its first fork: the first worker's
  // own start-up (its libraries' writable data) is refused
  const execNginx = (kbytes: number) => {
    const m = Machine.boot({ swapBytes: 0 });
    const sh = m.spawn("/bin/sh", ["sh"]);
    if (!sh.ok) throw new Error(sh.errno);
    m.commit.overcommitMemory = 2;
    m.commit.overcommitKbytes = kbytes;
    const r = m.exec(sh.value, "/usr/sbin/nginx", ["nginx", "-c", "/etc/nginx/cowsh.conf"]);
    const workers = [...m.tasks.values()].filter((t) => t.ppid === sh.value);
    return { m, ok: r.ok, master: sh.value, workers };
  };
  // the smallest limit (in 4 kB steps) at which the master forks at all
  let lo = 4;
  let hi = 1024 * 1024;
  expect(execNginx(hi).workers.every((w) => !w.isZombie)).toBe(true);
  while (hi - lo > 4) {
    const mid = Math.floor((lo + hi) / 8) * 4;
    if (execNginx(mid).workers.length > 0) hi = mid;
    else lo = mid;
  }
  const { m, ok, master, workers } = execNginx(hi);
  expect(ok).toBe(true);
  expect(workers.length).toBeGreaterThan(0);
  expect(workers[0]!.isZombie).toBe(true);
  expect(workers[0]!.exitStatus).toBe(2 << 8);
  expect(m.tasks.get(master)!.isZombie).toBe(false);
  assertInvariants(m);
});
