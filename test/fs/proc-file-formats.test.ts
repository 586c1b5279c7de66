/**
 * The layout of each file, byte for byte: field order, tabs, widths. The
 * whole files are golden (test/fs/golden/, accepted with `vitest -u` after
 * review); the checks beside them pin the rules the goldens follow.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { NSEC_PER_SEC } from "../../src/kernel/constants.js";
import { Machine } from "../../src/kernel/machine.js";
import { readText, statField } from "./proc-helpers.js";

/** /proc/self/status labels of the capture machine's 6.18 kernel, in order. */
const STATUS_LABELS = [
  "Name",
  "Umask",
  "State",
  "Tgid",
  "Ngid",
  "Pid",
  "PPid",
  "TracerPid",
  "Uid",
  "Gid",
  "FDSize",
  "Groups",
  "NStgid",
  "NSpid",
  "NSpgid",
  "NSsid",
  "Kthread",
  "VmPeak",
  "VmSize",
  "VmLck",
  "VmPin",
  "VmHWM",
  "VmRSS",
  "RssAnon",
  "RssFile",
  "RssShmem",
  "VmData",
  "VmStk",
  "VmExe",
  "VmLib",
  "VmPTE",
  "VmSwap",
  "HugetlbPages",
  "CoreDumping",
  "THP_enabled",
  "untag_mask",
  "Threads",
  "SigQ",
  "SigPnd",
  "ShdPnd",
  "SigBlk",
  "SigIgn",
  "SigCgt",
  "CapInh",
  "CapPrm",
  "CapEff",
  "CapBnd",
  "CapAmb",
  "NoNewPrivs",
  "Seccomp",
  "Seccomp_filters",
  "Speculation_Store_Bypass",
  "SpeculationIndirectBranch",
  "Cpus_allowed",
  "Cpus_allowed_list",
  "Mems_allowed",
  "Mems_allowed_list",
  "voluntary_ctxt_switches",
  "nonvoluntary_ctxt_switches",
];

/** /proc/meminfo labels of the capture machine's 6.18 kernel, in order. */
const MEMINFO_LABELS = [
  "MemTotal",
  "MemFree",
  "MemAvailable",
  "Buffers",
  "Cached",
  "SwapCached",
  "Active",
  "Inactive",
  "Active(anon)",
  "Inactive(anon)",
  "Active(file)",
  "Inactive(file)",
  "Unevictable",
  "Mlocked",
  "SwapTotal",
  "SwapFree",
  "Zswap",
  "Zswapped",
  "Dirty",
  "Writeback",
  "AnonPages",
  "Mapped",
  "Shmem",
  "KReclaimable",
  "Slab",
  "SReclaimable",
  "SUnreclaim",
  "KernelStack",
  "PageTables",
  "SecPageTables",
  "NFS_Unstable",
  "Bounce",
  "WritebackTmp",
  "CommitLimit",
  "Committed_AS",
  "VmallocTotal",
  "VmallocUsed",
  "VmallocChunk",
  "Percpu",
  "AnonHugePages",
  "ShmemHugePages",
  "ShmemPmdMapped",
  "FileHugePages",
  "FilePmdMapped",
  "Balloon",
  "HugePages_Total",
  "HugePages_Free",
  "HugePages_Rsvd",
  "HugePages_Surp",
  "Hugepagesize",
  "Hugetlb",
  "DirectMap4k",
  "DirectMap2M",
  "DirectMap1G",
];

const labelsOf = (text: string): string[] =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => l.slice(0, l.indexOf(":")));

let m: Machine;
let pid: number;
beforeAll(() => {
  m = Machine.boot();
  const r = m.spawn("/usr/bin/sleep", ["sleep", "1000"]);
  if (!r.ok) throw new Error(r.errno);
  pid = r.value;
});

describe("/proc/PID/status", () => {
  test("golden", async () => {
    await expect(readText(m, `/proc/${pid}/status`)).toMatchFileSnapshot("golden/sleep-status.txt");
  });

  test("every line of 6.18, in order, each `Label:<TAB>value`", () => {
    const status = readText(m, `/proc/${pid}/status`);
    expect(labelsOf(status)).toEqual(STATUS_LABELS);
    for (const line of status.trimEnd().split("\n")) expect(line).toMatch(/^[A-Za-z_]+:\t/);
  });

  test("memory lines are `%8lu kB` after one tab", () => {
    const lines = readText(m, `/proc/${pid}/status`)
      .split("\n")
      .filter((l) => /^(Vm|Rss|Hugetlb)/.test(l));
    expect(lines).toHaveLength(16);
    for (const line of lines) expect(line).toMatch(/^[A-Za-z]+:\t[ \d]{8} kB$/);
  });

  test("Name escapes a newline as \\n and a backslash as \\\\; stat and comm print comm raw", () => {
    const task = m.tasks.get(pid)!;
    const saved = task.comm;
    task.comm = "a\nb\\c d(e)";
    try {
      expect(readText(m, `/proc/${pid}/status`).split("\n")[0]).toBe("Name:\ta\\nb\\\\c d(e)");
      expect(readText(m, `/proc/${pid}/stat`)).toMatch(/^\d+ \(a\nb\\c d\(e\)\) S /);
      expect(statField(readText(m, `/proc/${pid}/stat`), 3)).toBe("S");
      expect(readText(m, `/proc/${pid}/comm`)).toBe("a\nb\\c d(e)\n");
    } finally {
      task.comm = saved;
    }
  });
});

describe("/proc/PID/stat and statm", () => {
  test("golden", async () => {
    await expect(readText(m, `/proc/${pid}/stat`)).toMatchFileSnapshot("golden/sleep-stat.txt");
    await expect(readText(m, `/proc/${pid}/statm`)).toMatchFileSnapshot("golden/sleep-statm.txt");
  });

  test("stat has 52 single-space-separated fields and one newline", () => {
    const stat = readText(m, `/proc/${pid}/stat`);
    expect(stat.endsWith("\n")).toBe(true);
    expect(stat.slice(0, -1)).not.toMatch(/\n| {2}/);
    expect(stat.split(" ")).toHaveLength(52);
  });

  test("vsize is in bytes, rss in pages, starttime in USER_HZ ticks", () => {
    const stat = readText(m, `/proc/${pid}/stat`);
    const statm = readText(m, `/proc/${pid}/statm`).trimEnd().split(" ");
    expect(Number(statField(stat, 23))).toBe(Number(statm[0]) * 4096);
    expect(statField(stat, 24)).toBe(statm[1]);
    const late = Machine.boot();
    late.advance(12_345 * 1_000_000); // 12.345 s
    const r = late.spawn("/usr/bin/sleep", ["sleep", "1000"]);
    if (!r.ok) throw new Error(r.errno);
    expect(statField(readText(late, `/proc/${r.value}/stat`), 22)).toBe("1234");
  });

  test("statm is seven numbers: size resident shared text 0 data 0", () => {
    expect(readText(m, `/proc/${pid}/statm`)).toMatch(/^\d+ \d+ \d+ \d+ 0 \d+ 0\n$/);
  });
});

describe("/proc/PID/cmdline, comm, environ", () => {
  test("NUL after each string; comm with a newline", () => {
    expect(readText(m, `/proc/${pid}/cmdline`)).toBe("sleep\u00001000\u0000");
    expect(readText(m, `/proc/${pid}/comm`)).toBe("sleep\n");
    expect(readText(m, `/proc/${pid}/environ`)).toBe(
      "PATH=/usr/bin:/bin\u0000HOME=/root\u0000TERM=xterm\u0000LANG=C.UTF-8\u0000",
    );
  });
});

describe("/proc/meminfo", () => {
  test("golden", async () => {
    await expect(readText(m, "/proc/meminfo")).toMatchFileSnapshot("golden/meminfo.txt");
  });

  test("every line of 6.18, in order", () => {
    expect(labelsOf(readText(m, "/proc/meminfo"))).toEqual(MEMINFO_LABELS);
  });

  test("a 16-column label, then `%8lu kB`; HugePages_* counts are `%5lu` without kB", () => {
    for (const line of readText(m, "/proc/meminfo").trimEnd().split("\n")) {
      expect(line.slice(0, 16)).toMatch(/^[A-Za-z0-9_()]+: *$/);
      const value = line.slice(16);
      if (line.startsWith("HugePages_")) expect(value).toMatch(/^ {3}[ \d]{4}\d$/);
      else expect(value).toMatch(/^(?=[ \d]{8,} kB$) *\d+ kB$/);
    }
    expect(readText(m, "/proc/meminfo")).toContain("VmallocTotal:   34359738367 kB\n");
  });
});

describe("system files", () => {
  test("uptime: seconds.hundredths, then idle time of both CPUs", () => {
    const late = Machine.boot();
    late.advance(1234 * NSEC_PER_SEC + 567_890_000);
    expect(readText(late, "/proc/uptime")).toBe("1234.56 2469.13\n");
    expect(readText(Machine.boot(), "/proc/uptime")).toBe("0.00 0.00\n");
  });

  test("loadavg: zero loads, running/total tasks, last PID", () => {
    expect(readText(m, "/proc/loadavg")).toBe(`0.00 0.00 0.00 0/${m.tasks.size} ${pid}\n`);
  });

  test("version: the capture machine's banner", () => {
    expect(readText(m, "/proc/version")).toBe(
      "Linux version 6.18.44-fc-v657 (builder@sandboxing) (gcc (GCC) 15.3.0, GNU ld (GNU Binutils) 2.46) #1 SMP PREEMPT_DYNAMIC @0\n",
    );
  });
});
