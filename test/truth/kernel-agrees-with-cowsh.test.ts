/**
 * Ground truth: every scenario of test/truth/ run as a cowsh script prints
 * the figures the real kernel printed for the same system calls
 * (fixtures/NN-name.out, captured by run.sh), record by record and field by
 * field. compare.ts says which fields are compared and why the others are
 * not; EXEMPTIONS below lists, with its reason, every difference that is the
 * C program's own doing or not deterministic on the kernel's side.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import type { KernelConfig } from "../../src/kernel/kernel.js";
import { runScript } from "../helpers/run-script.js";
import { compareRuns, type Exemption } from "./compare.js";
import { parseRun } from "./records.js";

const here = new URL("./", import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, here), "utf8");

/**
 * The capture machine (fixtures/machine.txt and README.md), build
 * 6.18.44-fc-v1045: the zero page, no soft-dirty and no anonymous VMA names;
 * fault-around is 64 KiB and /dev/vda's read_ahead_kb is 8192; memory
 * protection keys are enabled, so smaps prints `ProtectionKey:`
 * (arch_pkeys_enabled).
 */
const CAPTURE_MACHINE: Partial<KernelConfig> = {
  zeroPage: true,
  softDirty: false,
  anonNames: false,
  faultAroundBytes: 64 * 1024,
  readaheadKb: 8192,
  protectionKeys: true,
};

/** In every scenario. */
const EVERYWHERE: readonly Exemption[] = [
  {
    record: "@stat P",
    fields: ["state"],
    reason:
      "P reads its own stat: the C program is running (R) as it reads; cowsh's P is an idle shell (S)",
  },
];

/**
 * The C program's own activity in a swap scenario: the first call of a
 * helper (wait_writeback, mem_read…) faults in its text, 64 kB of
 * fault-around (RssFile, VmRSS, VmHWM, and the faults in @stat).
 */
const ownText = (status: string, stat: string, fields = ["ΔVmRSS", "ΔRssFile"]): Exemption[] => [
  {
    record: status,
    fields,
    reason:
      "the C program calls a helper for the first time here and faults in 64 kB of its own text (fault-around)",
  },
  {
    record: stat,
    fields: ["Δminflt"],
    reason: "the C program's own fault(s) for that text, beside the scenario's",
  },
];

/**
 * try_to_unmap_one and munmap call update_hiwater_rss(), which reads the
 * per-CPU RSS counters approximately: the kernel's VmHWM after a pageout
 * lags the true peak (2304 or 2492 kB instead of 2660), and rises again
 * with the next access; cowsh's counters are exact.
 */
const approxHwm = (record: string): Exemption => ({
  record,
  fields: ["ΔVmHWM"],
  reason:
    "update_hiwater_rss() in reclaim reads the per-CPU RSS counters approximately (README.md, Swap scenarios, Repeatability)",
});

/** Around fork the C program's text faults race with the peer's (README.md, Swap scenarios). */
const forkNoise = (stat: string): Exemption => ({
  record: stat,
  fields: ["Δminflt"],
  reason:
    "the C program's own text and stack faults around fork and its peer orders (fault-around skips a folio the child has locked)",
});

/** Per scenario. README.md ("Differences left") gives the same list. */
const EXEMPTIONS: Readonly<Record<string, readonly Exemption[]>> = {
  "14-uncached-major-fault": [
    {
      record: "#7 @stat P",
      fields: ["Δminflt"],
      reason: "the C program's first smaps() and pagemap() calls fault in its own code (5 faults)",
    },
  ],
  "16-munmap-middle": [
    {
      record: "#15 @status P",
      fields: ["ΔVmHWM"],
      reason:
        "munmap's update_hiwater_rss() reads the per-CPU RSS counters approximately (get_mm_rss); the kernel's peak fell 32 kB behind the exact RSS that status prints, cowsh's counters are exact",
    },
  ],
  "17-anon-merge": [
    {
      record: "#2 @file P maps",
      fields: "*",
      reason:
        "the process's own program: the C scenario binary against dash, with dash's start-up heap; from ld.so's TLS block upwards the two maps are the same",
    },
  ],
  "21-read-then-write-anon": [
    {
      record: "#7 @status P",
      fields: ["ΔVmHWM", "ΔVmRSS", "ΔRssAnon", "ΔRssFile"],
      reason:
        "between these two records the C program calls its smaps() and pagemap() for the first time: 60 kB of its own and libc's text (fault-around) and 8 kB of stack",
    },
  ],
  "23-zombie-proc-files": [
    {
      record: "#15 @stat P",
      fields: ["Δcminflt"],
      reason:
        "the reaped child's minflt, which on the kernel also counts the peer's own 33 faults after fork (its stack, its order loop): 289 = 256 + 33",
    },
  ],
  "24-brk-heap": [
    {
      record: "#6 @status P",
      fields: ["ΔVmPeak"],
      reason:
        "VmPeak remembers each process's past: the C program's loader left it 36 kB above VmSize, and the script gave back dash's 132 kB start-up heap",
    },
    {
      record: "#10 @status P",
      fields: ["ΔVmHWM"],
      reason: "VmHWM remembers the 8 kB of dash's start-up heap that the script gave back",
    },
    {
      record: "#13 @status P",
      fields: ["ΔVmHWM", "ΔVmRSS", "ΔRssFile"],
      reason:
        "libc's sbrk(), first called here by the C program, is faulted in (64 kB of fault-around)",
    },
  ],
  "36-pageout-private": [
    {
      record: "#12 @status P",
      fields: ["ΔVmHWM", "ΔVmRSS", "ΔRssFile"],
      reason:
        "reclaim's try_to_unmap_one calls update_hiwater_rss(), which reads the per-CPU RSS counters approximately (the kernel's peak fell 104 kB); and the C program's pageout() runs wait_writeback() for the first time, faulting in 64 kB of its own text (fault-around)",
    },
    {
      record: "#13 @stat P",
      fields: ["Δminflt"],
      reason: "the fault that brought in wait_writeback()'s text (64 kB of fault-around, above)",
    },
  ],
  "37-pageout-shared-one-side": [
    {
      record: "#12 @status P",
      fields: ["ΔVmHWM", "ΔVmRSS", "ΔRssFile"],
      reason:
        "the C program's pageout() runs wait_writeback() for the first time: 64 kB of its own text faulted in (fault-around)",
    },
    {
      record: "#13 @stat P",
      fields: ["Δminflt"],
      reason: "the C program's own faults in pageout()/wait_writeback() (its text, stack)",
    },
    {
      record: "#22 @status P",
      fields: ["ΔVmHWM"],
      reason:
        "reclaim's try_to_unmap_one calls update_hiwater_rss(), which reads the per-CPU RSS counters approximately: the kernel's peak fell 168 kB",
    },
  ],
  "38-pageout-shared-both-sides": [
    ...ownText("#17 @status P", "#18 @stat P"),
    approxHwm("#32 @status P"),
  ],
  "40-swapin-read": [...ownText("#13 @status P", "#14 @stat P", ["ΔVmHWM", "ΔVmRSS", "ΔRssFile"])],
  "41-swapin-write": [
    ...ownText("#13 @status P", "#14 @stat P"),
    forkNoise("#22 @stat P"),
    forkNoise("#32 @stat P"),
    approxHwm("#42 @status P"),
    forkNoise("#43 @stat P"),
  ],
  "66-overcommit-sysctls": [
    {
      record: "#28 @sysctl P user_reserve_kbytes",
      fields: ["value"],
      reason:
        "user_reserve_kbytes is 1/32 of the memory free when init_user_reserve ran at boot: on the capture machine (deferred struct page init) 100428 kB of its 23.5 GiB, on cowsh's 8 GiB min(free / 32, 128 MiB) = 131072",
    },
  ],
  "47-swapoff": [...ownText("#13 @status P", "#14 @stat P", ["ΔVmHWM", "ΔVmRSS", "ΔRssFile"])],
  "39-shmem-pageout": [
    {
      record: "#11 @status P",
      fields: ["ΔVmHWM", "ΔVmRSS", "ΔRssFile"],
      reason:
        "reclaim's try_to_unmap_one calls update_hiwater_rss(), which reads the per-CPU RSS counters approximately (the kernel's peak fell 104 kB); and the C program's pageout() runs wait_writeback() for the first time, faulting in 64 kB of its own text (fault-around): VmRSS -960 = -1024 of paged-out shmem + 64",
    },
    {
      record: "#12 @stat P",
      fields: ["Δminflt"],
      reason: "the fault that brought in wait_writeback()'s text (64 kB of fault-around, above)",
    },
    approxHwm("#19 @status P"),
  ],
  "48-swapin-major": [
    ...ownText("#12 @status P", "#13 @stat P", ["ΔVmHWM", "ΔVmRSS", "ΔRssFile"]),
    approxHwm("#19 @status P"),
    {
      record: "#24 @faults P read-all-again",
      fields: ["minflt", "majflt"],
      reason:
        "swap read-ahead's window comes from global state (swapin_readahead_hits, 4 at boot) that every earlier read from swap changes: the fixture ran after other runs of 48, which left it at 0 with a last window of 8, so its first window is 4 slots (34 major + 222 minor, 5 of 6 captures); the one capture that followed the boot took 33 + 223, as cowsh's freshly booted machine does. test/kernel/swap-readahead-reads-clusters.test.ts shows cowsh giving 34 + 222 after such an earlier run",
    },
    approxHwm("#27 @status P"),
    {
      record: "#28 @stat P",
      fields: ["Δminflt", "Δmajflt"],
      reason: "the same faults as #24 (read-ahead's window, above)",
    },
  ],
  "43-madvfree-write": [
    ...ownText("#14 @status P", "#15 @stat P", ["ΔVmHWM", "ΔVmRSS", "ΔRssFile"]),
  ],
  "44-madvfree-reclaim": [
    {
      record: "#12 @status P",
      fields: ["ΔVmHWM", "ΔVmRSS", "ΔRssFile"],
      reason:
        "reclaim's try_to_unmap_one calls update_hiwater_rss(), which reads the per-CPU RSS counters approximately (the kernel's peak fell 104 kB); and the C program's pageout() runs wait_writeback() for the first time, faulting in 64 kB of its own text (fault-around): VmRSS -704 = -768 of discarded pages + 64",
    },
    {
      record: "#13 @stat P",
      fields: ["Δminflt"],
      reason: "the fault that brought in wait_writeback()'s text (64 kB of fault-around, above)",
    },
  ],
  "42-fork-swap-exit": [...ownText("#11 @status P", "#12 @stat P"), forkNoise("#24 @stat P")],
  "28-acceptance-experiment": [
    {
      record: "#23 @stat C",
      fields: ["Δminflt"],
      reason:
        "the peer's own faults between its @stat and execve (its stack, COW-shared with P): 80 = 74 for sleep's exec and start-up, as in 07, + 6",
    },
  ],
  "46-clear-refs-hwm": [
    {
      record: "#4 @status P",
      fields: ["ΔVmPeak", "ΔVmHWM", "ΔVmRSS", "ΔRssAnon"],
      reason:
        "the C program's past and its harness: its loader left VmPeak 36 kB above VmSize (as in 24), and MEASURE writes 16 KiB of stack below the caller first, one new stack page (+4 kB)",
    },
    {
      record: "#6 @status P",
      fields: ["ΔVmHWM"],
      reason:
        "MADV_DONTNEED's update_hiwater_rss() reads the per-CPU RSS counters approximately (get_mm_rss): the kernel's peak fell 100 kB behind the exact one, in every capture (README, swap scenarios); cowsh's counters are exact",
    },
    {
      record: "#8 @status P",
      fields: ["ΔVmHWM"],
      reason:
        "the same approximate peak as #6, seen from the other side: clear_refs 5 resets VmHWM to VmRSS on both, so the kernel's drop is 100 kB smaller (-924 against -1024)",
    },
  ],
  "98-mremap-hugetlb": [
    {
      record: "#15 @status P",
      fields: ["ΔVmHWM", "ΔVmRSS", "ΔRssAnon"],
      reason:
        "the C program's harness: MEASURE writes 16 KiB of stack below the caller first, one new stack page (+4 kB); the hugetlb pages are in no Rss line on either side",
    },
    {
      record: "#59 @status P",
      fields: ["ΔVmHWM", "ΔVmRSS", "ΔRssFile"],
      reason:
        "the C program calls peer_spawn()'s helpers for the first time here: 64 kB of its own text (fault-around)",
    },
  ],
  "99-mprotect-hugetlb": [
    {
      record: "#3 @status P",
      fields: ["ΔVmPeak"],
      reason:
        "the C program's past: its loader left VmPeak 36 kB above VmSize (as in 24), so the 12 MiB mapping raises the peak by 36 kB less",
    },
    {
      record: "#5 @status P",
      fields: ["ΔVmHWM", "ΔVmRSS", "ΔRssAnon"],
      reason:
        "the C program's harness: MEASURE writes 16 KiB of stack below the caller first, one new stack page (+4 kB); the hugetlb pages are in no Rss line on either side",
    },
    {
      record: "#38 @status P",
      fields: ["ΔVmHWM", "ΔVmRSS", "ΔRssAnon", "ΔRssFile"],
      reason:
        "the C program calls child_call(), mem_read() and its mprotect helper for the first time: 64 kB of its own text (fault-around) and a stack page",
    },
  ],
  // vfork and posix_spawn (t-spawn)
  "117-posix-spawn": [
    {
      record: "#8 @status C",
      fields: ["ΔVmPeak"],
      reason:
        "the C program's warm-up posix_spawn (spawn_warm, before step 1) already mapped a spawn stack and its file-action heap: the measured one raises no peak; cowsh's C has no warm-up",
    },
    {
      record: "#16 @status C",
      fields: ["ΔVmHWM"],
      reason:
        "munmap's update_hiwater_rss() reads the per-CPU RSS counters approximately (as 16-munmap-middle): the kernel's peak stays 4 kB behind the stack page the child touched",
    },
  ],
  "118-seed-three-ways": [
    {
      record: "#10 @stat C",
      fields: ["Δminflt"],
      reason:
        "the C program's own stack and data pages, write-protected by the fork, fault once each as it runs on (1 here, 10 in the next window); cowsh's shell touches none of its own memory",
    },
    {
      record: "#18 @stat C",
      fields: ["Δminflt"],
      reason:
        "the 4096 copy-on-write faults of the buffer plus 10 of the C program's own stack and data pages, write-protected by the fork",
    },
  ],
  // Threads (issue 14): P's own task stat, read by P itself, and libc's thread code.
  "107-thread-stacks": [
    {
      record: "#14 @status P",
      fields: ["ΔVmHWM", "ΔVmRSS", "ΔRssAnon", "ΔRssFile"],
      reason:
        "the C program's first pthread_create: 124 kB of libc's thread code (fault-around) and one page of libc's data it writes (its thread list, stack cache counters: +4 kB RssAnon beside the stack's 8)",
    },
    {
      record: "#15 @stat P",
      fields: ["Δminflt"],
      reason: "the C program's faults on that libc text and data, beside the 2 of the new stack",
    },
    ...selfTaskState(["#16", "#32"]),
  ],
  "108-thread-writes": selfTaskState(["#8", "#18", "#30"]),
  "109-thread-exit-join": [
    {
      record: "#12 @status P",
      fields: ["ΔVmHWM", "ΔVmRSS", "ΔRssFile"],
      reason:
        "the C program's first pthread_join and the thread's exit path: 192 kB of libc's text (fault-around)",
    },
  ],
};

/** P reads its own /proc/P/task/P/stat: running (R) there, an idle shell (S) in cowsh (as EVERYWHERE's @stat P). */
function selfTaskState(records: readonly string[]): Exemption[] {
  return records.map((r) => ({
    record: `${r} @stat P-task`,
    fields: ["state"],
    reason:
      "P reads its own task stat: the C program is running (R) as it reads; cowsh's P is an idle shell (S)",
  }));
}

/** The scenarios with the given file extension in scenarios/, sorted. */
const scenarioFiles = (ext: string): string[] =>
  readdirSync(new URL("scenarios/", here))
    .filter((f) => f.endsWith(ext))
    .map((f) => f.slice(0, -ext.length))
    .sort();

/**
 * Captured on the kernel (a C program and a fixture) but not compared yet,
 * each with the reason. A scenario leaves this list when its .cowsh script
 * is written; the first test fails if one is here and has a script, or is
 * neither here nor scripted, so the list cannot rot.
 */
const PENDING_MODEL: Readonly<Record<string, string>> = {};

/** Every scenario that has a cowsh script: these are compared. */
const scenarios = scenarioFiles(".cowsh");

/**
 * The swap file run.sh swaps on for a scenario whose C program says
 * `truth: needs swap` (README.md, "Swap scenarios"): 512 MiB.
 */
const SWAP_BYTES = 512 * 1024 * 1024;

/** The capture machine as it was for one scenario: its build, with swap if the scenario needs it. */
function machineFor(name: string): Partial<KernelConfig> {
  const program = read(`scenarios/${name}.c`);
  const needsSwap = program.includes("truth: needs swap");
  // `truth: hugepages N`: run.sh set vm.nr_hugepages to N for the scenario
  const hugepages = /truth: hugepages (\d+)/.exec(program);
  return {
    ...CAPTURE_MACHINE,
    ...(needsSwap ? { swapBytes: SWAP_BYTES } : {}),
    ...(hugepages === null ? {} : { hugepages: Number(hugepages[1]) }),
  };
}

/** The records cowsh prints for a scenario, run on the capture machine's configuration. */
function cowshRun(name: string) {
  const { text } = runScript(read(`scenarios/${name}.cowsh`), machineFor(name), {
    scriptName: `${name}.cowsh`,
  });
  return parseRun(text);
}

describe("the real kernel and cowsh print the same records", () => {
  test("every scenario has a C program, a fixture, and a cowsh script or a pending reason", () => {
    const programs = scenarioFiles(".c");
    const fixtures = readdirSync(new URL("fixtures/", here))
      .filter((f) => /^\d{2,3}-.*\.out$/.test(f))
      .map((f) => f.slice(0, -".out".length))
      .sort();
    expect(fixtures, "a fixture for every C program, and no other").toEqual(programs);
    const pending = Object.keys(PENDING_MODEL).sort();
    expect(
      scenarios.filter((s) => !programs.includes(s)),
      "cowsh scripts without a C program",
    ).toEqual([]);
    expect(
      pending.filter((s) => scenarios.includes(s)),
      "PENDING_MODEL scenarios that have a cowsh script (remove them from the list)",
    ).toEqual([]);
    expect(
      pending.filter((s) => !programs.includes(s)),
      "PENDING_MODEL scenarios without a C program",
    ).toEqual([]);
    expect(
      programs.filter((s) => !scenarios.includes(s) && !pending.includes(s)),
      "C programs neither compared nor listed in PENDING_MODEL",
    ).toEqual([]);
    expect(scenarios.length).toBeGreaterThanOrEqual(25);
  });

  test("every fixture, compared or pending, is records of known kinds only", () => {
    for (const name of scenarioFiles(".c")) {
      const text = read(`fixtures/${name}.out`);
      const run = parseRun(text);
      const marked = text.split("\n").filter((l) => l.startsWith("@")).length;
      expect(run.stray, `${name}: output outside any record`).toEqual([]);
      expect(run.records.length, `${name}: @-lines that are no known record`).toBe(marked);
    }
  });

  test.each(scenarios)("%s", (name) => {
    const kernel = parseRun(read(`fixtures/${name}.out`));
    const cowsh = cowshRun(name);
    expect(kernel.stray, "kernel output outside any record").toEqual([]);
    expect(cowsh.stray, "cowsh output outside any record").toEqual([]);
    const exemptions = [...EVERYWHERE, ...(EXEMPTIONS[name] ?? [])];
    const { differences, excused } = compareRuns(kernel.records, cowsh.records, exemptions);
    expect(differences).toEqual([]);
    const stale = (EXEMPTIONS[name] ?? []).filter((e) => !excused.some(([, by]) => by === e));
    expect(stale, "exemptions that excuse nothing (remove them)").toEqual([]);
  });

  test("a changed figure, a missing record and a moved frame are all reported", () => {
    const name = "02-parent-cow-write";
    const fixture = read(`fixtures/${name}.out`);
    const cowsh = cowshRun(name).records;
    const pss = parseRun(
      fixture.replace("Pss:                8704 kB", "Pss:                8703 kB"),
    );
    expect(compareRuns(pss.records, cowsh).differences).toEqual([
      "#9 @smaps P buf: Pss: kernel 8703, cowsh 8704",
    ]);
    const lines = fixture.split("\n");
    const missing = parseRun(
      lines.filter((l) => !l.startsWith("@faults P write-first-mib ")).join("\n"),
    );
    expect(compareRuns(missing.records, cowsh).differences[0]).toMatch(
      /^record #8: kernel @smaps P buf, cowsh @faults P write-first-mib$/,
    );
    const last = lines.findLastIndex((l) => l.startsWith("@pagemap P buf+0x0 "));
    lines[last] = lines[last]!.replace(/pfn=0x[0-9a-f]+/, "pfn=0x1"); // the second write copied
    expect(compareRuns(parseRun(lines.join("\n")).records, cowsh).differences).toContain(
      "#20 @pagemap P buf+0x0: pfn vs #11 @pagemap P buf+0x0: kernel different frames, cowsh the same frame",
    );
  });
});
