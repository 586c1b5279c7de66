/**
 * Ground truth of redis-server forking for BGSAVE
 * (test/rootfs/fixtures/redis-bgsave, captured by capture-bgsave.py three
 * times; test/rootfs/README.md, "redis-server forking for BGSAVE"), and
 * what cowsh reproduces of it with its own commands.
 *
 * cowsh runs the same steps in its own commands (redis-bgsave.cowsh). The
 * dataset is input: cowsh runs no Redis, so the extents jemalloc mapped for
 * 100,000 keys of 1,000 bytes are mapped where the capture saw them and as
 * many of their pages written, and the arena grows by as many pages.
 * What then follows from cowsh's fork alone is checked against the
 * capture: the child has one thread; the parent and child share the same
 * Shared_Dirty; the child maps no page of a file mapping that has no
 * private page (fork copies no page table for those); and when clients
 * write, each page the parent writes that it shared is copied, moving
 * from both Shared_Dirty to the parent's Private_Dirty and the child's
 * (the child's Shared_Dirty shrinks exactly by what the parent copied),
 * with neither Rss changing but for the new pages. What the capture shows
 * that cowsh does not make (Redis's own work after the fork) is listed in
 * the README with its numbers; the last test pins those numbers.
 */
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { assertInvariants } from "../../src/kernel/invariants.js";
import { threadCount } from "../../src/kernel/thread.js";
import { runScript } from "../helpers/run-script.js";

const DIR = new URL("./fixtures/redis-bgsave/", import.meta.url);
const RUNS = ["run1", "run2", "run3"] as const;
const STEPS = ["started-P", "loaded-P", "forked-P", "forked-C", "written-P", "written-C"] as const;
type Step = (typeof STEPS)[number];
const read = (run: string, step: Step, file: string): string =>
  readFileSync(new URL(`${run}/${step}/${file}`, DIR), "utf8");
const meta = JSON.parse(readFileSync(new URL("run1/meta.json", DIR), "utf8")) as {
  argv: string[];
  keys: number;
  value: number;
  writes: number;
};

/** A VMA of smaps: where, its name, and its kB figures. */
interface SmapsVma {
  readonly start: number;
  readonly end: number;
  readonly path: string;
  readonly kb: Record<string, number>;
}

function parseSmaps(text: string): SmapsVma[] {
  const vmas: SmapsVma[] = [];
  for (const line of text.split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head !== null) {
      vmas.push({
        start: Number.parseInt(head[1]!, 16),
        end: Number.parseInt(head[2]!, 16),
        path: head[3]!.trim(),
        kb: {},
      });
      continue;
    }
    const field = /^(\w+):\s+(\d+) kB$/.exec(line);
    if (field !== null && vmas.length > 0) vmas.at(-1)!.kb[field[1]!] = Number(field[2]);
  }
  return vmas;
}

/** The totals of the fields the test compares. */
const FIELDS = ["Rss", "Shared_Dirty", "Private_Dirty", "Anonymous"] as const;
function totals(vmas: readonly SmapsVma[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of FIELDS) out[f] = vmas.reduce((n, v) => n + (v.kb[f] ?? 0), 0);
  return out;
}
const captured = (step: Step, run = "run1"): SmapsVma[] => parseSmaps(read(run, step, "smaps"));
const rollup = (run: string, step: Step): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const line of read(run, step, "smaps_rollup").split("\n")) {
    const field = /^(\w+):\s+(\d+) kB$/.exec(line);
    if (field !== null) out[field[1]!] = Number(field[2]);
  }
  return out;
};
const delta = (a: Record<string, number>, b: Record<string, number>): Record<string, number> =>
  Object.fromEntries(FIELDS.map((f) => [f, b[f]! - a[f]!]));

/**
 * cowsh through the capture's steps, in its own commands
 * (test/rootfs/redis-bgsave.cowsh): its smaps at each step, and the machine.
 */
function reproduce() {
  const script = readFileSync(new URL("./redis-bgsave.cowsh", import.meta.url), "utf8");
  const ran = runScript(script, { memBytes: 1024 * 1024 * 1024 });
  expect(ran.stderr).toBe("");
  expect(ran.status).toBe(0);
  const out: Partial<Record<Step, SmapsVma[]>> = {};
  for (const section of ran.stdout.split("@@ ").slice(1)) {
    const step = section.slice(0, section.indexOf("\n")) as Step;
    out[step] = parseSmaps(section);
  }
  expect(Object.keys(out)).toEqual([...STEPS]);
  const m = ran.session.machine;
  const pids = [...m.tasks.values()].filter((t) => t.comm === "redis-server").map((t) => t.pid);
  // the script starts the server as the capture did
  expect(m.tasks.get(pids[0]!)!.argv).toEqual(meta.argv);
  return { m, P: pids[0]!, C: pids[1]!, out: out as Record<Step, SmapsVma[]> };
}

test("the three captures agree: each step moves the same memory in every run (within 8 kB)", () => {
  const pairs = [
    ["started-P", "loaded-P"],
    ["loaded-P", "forked-P"],
    ["forked-P", "written-P"],
    ["forked-C", "written-C"],
  ] as const;
  for (const run of RUNS.slice(1))
    for (const [a, b] of pairs) {
      const d1 = delta(rollup("run1", a), rollup("run1", b));
      const d = delta(rollup(run, a), rollup(run, b));
      for (const f of FIELDS)
        expect([run, a, b, f, Math.abs(d[f]! - d1[f]!) <= 8]).toEqual([run, a, b, f, true]);
    }
});

test("what follows from cowsh's fork is what the kernel showed", () => {
  const { m, P, C, out } = reproduce();
  const real = (step: Step) => totals(captured(step));
  const ours = (step: Step) => totals(out[step]);
  // the load is input: the same anonymous growth
  expect(delta(ours("started-P"), ours("loaded-P")).Anonymous).toBe(
    delta(real("started-P"), real("loaded-P")).Anonymous,
  );
  // fork copies only the calling thread
  expect(threadCount(m.tasks, m.tasks.get(C)!)).toBe(1);
  expect(read("run1", "forked-C", "status")).toMatch(/^Threads:\t1$/m);
  expect(threadCount(m.tasks, m.tasks.get(P)!)).toBe(5);
  // after the fork the two share the same pages, in both
  expect(real("forked-P").Shared_Dirty).toBe(real("forked-C").Shared_Dirty);
  expect(ours("forked-P").Shared_Dirty).toBe(ours("forked-C").Shared_Dirty);
  // every file mapping that has no private page is empty in the child: fork
  // copied no page table for it (the real child read a few more itself)
  const emptyInChild = (vmas: readonly SmapsVma[]) =>
    new Set(vmas.filter((v) => v.path.startsWith("/") && v.kb.Rss === 0).map((v) => v.start));
  const realEmpty = emptyInChild(captured("forked-C"));
  const ourEmpty = emptyInChild(out["forked-C"]);
  expect([...realEmpty].filter((s) => !ourEmpty.has(s))).toEqual([]);
  expect(realEmpty.size).toBeGreaterThan(20);
  // the clients' writes: the same movement of pages, field by field, in both processes
  for (const who of ["P", "C"] as const)
    expect(delta(ours(`forked-${who}`), ours(`written-${who}`))).toEqual(
      delta(real(`forked-${who}`), real(`written-${who}`)),
    );
  assertInvariants(m);
});

test("what cowsh does not make: Redis's own work, with the capture's numbers", () => {
  const { out } = reproduce();
  const real = (step: Step) => totals(captured(step));
  const ours = (step: Step) => totals(out[step]);
  // the server started with the BGSAVE capture's options (--dir, the debug
  // command, the save delay) and stdout not a pty: 24 kB more anonymous memory
  // and 240 kB more file pages than the program capture cowsh replays
  expect(delta(ours("started-P"), real("started-P"))).toEqual({
    Rss: 264,
    Shared_Dirty: 0,
    Private_Dirty: 24,
    Anonymous: 24,
  });
  // in the 0.2 s after the fork the parent wrote 98 pages it shared and made 3
  // new ones (its cron, the client's buffers); cowsh's parent wrote none, but
  // the child's glibc wrote the four thread descriptors (16 kB) in both
  const forked = (who: "P" | "C") => delta(ours(`forked-${who}`), real(`forked-${who}`));
  expect(ours("forked-P").Private_Dirty).toBe(16);
  expect(real("forked-P").Private_Dirty).toBe(404);
  // the child: 528 kB of its own (the 392 kB the parent copied, and 136 kB it
  // allocated and wrote: rio buffers, its [stack] VMA grown from 132 to 516 kB), and
  // 7,048 kB of file pages fewer than the parent (the mappings fork did not
  // copy, less what it mapped again as it ran: libc's text, Redis's own)
  expect(real("forked-C").Private_Dirty).toBe(528);
  expect(ours("forked-C").Private_Dirty).toBe(16);
  expect(real("forked-P").Rss! - real("forked-C").Rss!).toBe(6924);
  expect(forked("C").Anonymous! - forked("P").Anonymous!).toBe(124);
});
