/**
 * Every bad input a simulated program can cause, handled as Linux handles
 * it, each with its exact message: bad memory accesses (SIGSEGV), exec of
 * something that cannot run, mmap arguments the kernel refuses, the limits
 * on processes and mappings, and running out of memory on a small machine.
 * A failure that is the program's own (ENOENT, EINVAL…) changes nothing;
 * a signal kills only the process that got it; the shell goes on.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { MAP_ANONYMOUS, MAP_FIXED, PAGE_SIZE } from "../../src/kernel/constants.js";
import { assertInvariants } from "../../src/kernel/invariants.js";
import { MAX_MAP_COUNT, MAX_TASKS, Machine } from "../../src/kernel/machine.js";
import { createSession, runSource, type ShellSession } from "../../src/shell/runtime.js";
import { machineDigest } from "../helpers/machine-digest.js";
import { runScript } from "../helpers/run-script.js";

const MiB = 1024 * 1024;

/** Runs `source` in `session`; stdout, stderr and $?. */
function run(session: ShellSession, source: string) {
  let stdout = "";
  let stderr = "";
  const { status } = runSource(session, source, (b) => {
    if (b.kind === "err") stderr += b.text;
    else stdout += b.text;
  });
  return { stdout, stderr, status };
}

/** A checked session with one idle shell process, $P. */
function withProcess(config: { memBytes?: number } = {}): ShellSession {
  const session = createSession(Machine.boot(config), undefined, { check: true });
  expect(run(session, "P=$(spawn /bin/sh)").status).toBe(0);
  return session;
}

describe("a bad memory access delivers SIGSEGV: the process dies, wait reports 139", () => {
  test("a write to a read-only mapping", () => {
    const t = runScript(
      [
        "P=$(spawn /bin/sh)",
        "mmap $P 64K --prot r --name ro",
        "trace on >/dev/null",
        "write $P ro",
        'echo "write: $?"',
        "trace off",
        "grep State /proc/$P/status",
        "wait $P",
        'echo "wait: $?"',
      ].join("\n"),
    );
    expect(t.stdout).toBe(
      ["0x7ffff7dc2000", "write: 139", "State:\tZ (zombie)", "wait: 139", ""].join("\n"),
    );
    expect(t.stderr).toBe(
      [
        "cowsh: pid 3: Segmentation fault (write at 0x7ffff7dc2000: mapping is not writable)",
        "trace: pid 3: SIGSEGV on a write at 0x7ffff7dc2000: mapping is not writable",
        "trace: pid 3: exit, killed by signal 11: 434 PTEs unmapped (each a map count -1), 26 frames freed",
        "trace: MemFree +104 kB: 26 frames freed, net",
        "",
      ].join("\n"),
    );
    expect(t.status).toBe(0);
  });

  test("a write to an unmapped address", () => {
    const t = runScript(
      [
        "P=$(spawn /bin/sh)",
        "write $P 0x1000 4K",
        'echo "write: $?"',
        "wait $P",
        'echo "wait: $?"',
      ].join("\n"),
    );
    expect(t.stderr).toBe("cowsh: pid 3: Segmentation fault (write at 0x1000: no mapping)\n");
    expect(t.stdout).toBe("write: 139\nwait: 139\n");
  });

  test("a read of a PROT_NONE mapping", () => {
    const t = runScript(
      ["P=$(spawn /bin/sh)", "B=$(mmap $P 8K --prot none)", "read $P $B", 'echo "read: $?"'].join(
        "\n",
      ),
    );
    expect(t.stderr).toBe(
      "cowsh: pid 3: Segmentation fault (read at 0x7ffff7fbe000: mapping is not readable)\n",
    );
    expect(t.stdout).toBe("read: 139\n");
  });

  test("only the process that faulted dies: its parent, siblings and the shell go on", () => {
    const t = runScript(
      [
        "P=$(spawn /bin/sh)",
        "C=$(fork $P)",
        "write $C 0x1000 4K",
        "ps | cut -c1-30",
        "echo still here",
      ].join("\n"),
    );
    expect(t.stdout).toContain("      3       2 S");
    expect(t.stdout).toContain("      4       3 Z");
    expect(t.stdout).toContain("      2       1 S");
    expect(t.stdout.endsWith("still here\n")).toBe(true);
  });
});

describe("exec of something that cannot run fails and leaves the process untouched", () => {
  const cases: [string, string, number][] = [
    ["a missing file", "exec: /bin/nope: No such file or directory", 127],
    ["a directory", "exec: /tmp: Permission denied", 126],
    ["a file without execute permission", "exec: /tmp/notes: Permission denied", 126],
    ["an executable file that is not ELF", "exec: /tmp/script: Exec format error", 126],
  ];
  const paths = ["/bin/nope", "/tmp", "/tmp/notes", "/tmp/script"];

  test.each(cases.map((c, i) => [...c, paths[i]!] as const))(
    "%s: %s",
    (_what, message, status, path) => {
      const session = withProcess();
      run(session, "echo hello > /tmp/notes; mmap $P 1M --name buf; write $P buf");
      // A script: executable, but no ELF header (cowsh has no chmod; the test sets the mode).
      const script = session.machine.vfs.create("/tmp/script", 0o755);
      expect(script.ok).toBe(true);
      run(session, "echo '#!/bin/sh' > /tmp/script");
      const maps = run(session, "cat /proc/$P/maps").stdout;
      const before = machineDigest(session.machine);
      const r = run(session, `exec $P ${path}`);
      expect(r.stderr).toBe(`${message}\n`);
      expect(r.status).toBe(status);
      expect(run(session, "cat /proc/$P/maps").stdout).toBe(maps);
      expect(machineDigest(session.machine)).toBe(before);
    },
  );
});

describe("mmap arguments the kernel refuses: ENOMEM, EINVAL, and nothing changes", () => {
  const cases: [string, string, string, number][] = [
    [
      "a length beyond the address space",
      "mmap $P 256T",
      "mmap: 0x0: Cannot allocate memory (length beyond the address space)",
      1,
    ],
    ["a zero length", "mmap $P 0", "mmap: 0x0: Invalid argument (bad length)", 1],
    [
      "an unaligned fixed address",
      "mmap $P 4K --fixed 0x1001",
      "mmap: 0x1001: Invalid argument (fixed address not page aligned)",
      1,
    ],
    [
      "an unaligned file offset",
      "mmap $P 4K --file /tmp/f --offset 100",
      "mmap: /tmp/f: Invalid argument (offset not page aligned)",
      1,
    ],
    ["a protection it does not know", "mmap $P 4K --prot wz", "mmap: invalid protection: 'wz'", 2],
  ];

  test.each(cases)("%s: %s", (_what, line, message, status) => {
    const session = withProcess();
    run(session, "truncate -s 64K /tmp/f");
    const before = machineDigest(session.machine);
    const r = run(session, line);
    expect(r).toEqual({ stdout: "", stderr: `${message}\n`, status });
    expect(machineDigest(session.machine)).toBe(before);
  });

  test("flags with neither MAP_SHARED nor MAP_PRIVATE, and unknown protection bits: EINVAL", () => {
    const m = Machine.boot();
    const pid = m.spawn("/bin/sh", ["sh"]);
    if (!pid.ok) throw new Error("spawn failed");
    const before = machineDigest(m);
    const req = {
      addr: 0,
      length: PAGE_SIZE,
      prot: Machine.RW,
      flags: Machine.ANON_PRIVATE,
      file: null,
      fileWritable: false,
      offset: 0,
    };
    expect(m.mmap(pid.value, { ...req, flags: MAP_ANONYMOUS })).toEqual({
      ok: false,
      errno: "EINVAL",
      detail: "neither MAP_SHARED nor MAP_PRIVATE",
    });
    expect(m.mmap(pid.value, { ...req, prot: 0x10 })).toEqual({
      ok: false,
      errno: "EINVAL",
      detail: "bad protection",
    });
    expect(machineDigest(m)).toBe(before);
  });
});

describe("limits on processes and mappings give clear errors, not hangs", () => {
  test(`fork until the process table is full (${MAX_TASKS}): EAGAIN, then fork works again`, () => {
    const session = createSession(Machine.boot());
    const m = session.machine;
    run(session, "P=$(spawn /bin/sh)");
    let forks = 0;
    for (;;) {
      const r = m.fork(3);
      if (!r.ok) {
        expect(r).toEqual({ ok: false, errno: "EAGAIN", detail: "too many processes" });
        break;
      }
      forks++;
    }
    expect(m.tasks.size).toBe(MAX_TASKS);
    expect(forks).toBe(MAX_TASKS - 3);
    // (A digest of 32,768 address spaces takes seconds: the counts say enough here.)
    const state = () => [m.tasks.size, m.lastPid, m.phys.nrFree];
    const before = state();
    expect(run(session, "fork $P")).toEqual({
      stdout: "",
      stderr: "fork: 3: Resource temporarily unavailable (too many processes)\n",
      status: 1,
    });
    expect(run(session, "spawn /bin/sleep 1")).toEqual({
      stdout: "",
      stderr: "spawn: /bin/sleep: Resource temporarily unavailable (too many processes)\n",
      status: 126,
    });
    expect(state()).toEqual(before);
    assertInvariants(m);
    expect(run(session, "kill 4; wait 4; fork $P")).toEqual({
      stdout: `${MAX_TASKS + 1}\n`,
      stderr: "",
      status: 0,
    });
  });

  test(`mmap beyond MAX_MAP_COUNT (${MAX_MAP_COUNT}) mappings: ENOMEM`, () => {
    const session = createSession(Machine.boot());
    const m = session.machine;
    run(session, "P=$(spawn /bin/sh)");
    // Fixed addresses with gaps, so that no two mappings merge (and no search is needed).
    const base = 0x100000000;
    let k = 0;
    for (;;) {
      const r = m.mmap(3, {
        addr: base + k * 2 * PAGE_SIZE,
        length: PAGE_SIZE,
        prot: Machine.RW,
        flags: Machine.ANON_PRIVATE | MAP_FIXED,
        file: null,
        fileWritable: false,
        offset: 0,
      });
      if (!r.ok) {
        expect(r).toEqual({ ok: false, errno: "ENOMEM", detail: "too many mappings" });
        break;
      }
      k++;
    }
    const count = m.tasks.get(3)!.mm!.vmas.length;
    expect(count).toBeGreaterThanOrEqual(MAX_MAP_COUNT);
    expect(count).toBeLessThanOrEqual(MAX_MAP_COUNT + 1);
    const before = machineDigest(m);
    expect(run(session, "mmap $P 4K")).toEqual({
      stdout: "",
      stderr: "mmap: 0x0: Cannot allocate memory (too many mappings)\n",
      status: 1,
    });
    expect(machineDigest(m)).toBe(before);
    assertInvariants(m);
  });
});

/** The summary line mm/oom_kill.c prints for a victim (dump_oom_summary). */
const OOM_SUMMARY = (pid: number): string =>
  "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom," +
  `task_memcg=/,task=sh,pid=${pid},uid=0`;
/**
 * The kill line mm/oom_kill.c prints, for the demo's parent (pid 3). Reclaim
 * has taken the file pages it mapped before the OOM killer was called
 * (file-rss 4kB: the one page the fault being served still maps).
 */
const KILLED_PARENT =
  "Out of memory: Killed process 3 (sh) total-vm:43552kB, anon-rss:41064kB, file-rss:4kB, " +
  "shmem-rss:0kB, UID:0 pgtables:112kB oom_score_adj:0";

describe("out of memory on cowsh --mem 64M", () => {
  const small = { memBytes: 64 * MiB };

  test("the binary: the kill line on stderr, and the script runs on to its end", () => {
    const root = fileURLToPath(new URL("../../", import.meta.url));
    const main = `${root}dist/src/main.js`;
    if (!existsSync(main)) execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: root });
    const script = [
      "P=$(spawn /bin/sh)",
      "mmap $P 40M --name buf >/dev/null",
      "write $P buf",
      "C=$(fork $P)",
      "write $C buf",
      "wait $P",
      'echo "wait: $?"',
    ].join("\n");
    const r = spawnSync(process.execPath, [main, "--mem", "64M", "-c", script], {
      encoding: "utf8",
    });
    expect(r.stderr).toBe(`[    0.000000] ${OOM_SUMMARY(3)}\n[    0.000000] ${KILLED_PARENT}\n`);
    expect(r.stdout).toBe("wait: 137\n");
    expect(r.status).toBe(0);
  });

  test("the process with the most resident memory dies; the faulting one continues", () => {
    const t = runScript(
      [
        "P=$(spawn /bin/sh)",
        "mmap $P 40M --name buf",
        "write $P buf",
        "C=$(fork $P)",
        "sleep 3.141593",
        "write $C buf -v",
        'echo "write: $?"',
        "wait $P",
        'echo "wait: $?"',
        "ps",
        "dmesg",
      ].join("\n"),
      small,
    );
    expect(t.text).toBe(
      [
        "0x7ffff5400000",
        // The child's write completes: the first 768 pages copied, then (once
        // the parent is gone) the rest reused.
        // (Reclaim took the file pages before the OOM killer ran: more copies.)
        "minflt=10240 majflt=0 pages=10240 cow-copy=1615 reuse=8625",
        // The console prints the kernel's lines after the command, stamped.
        `[    3.141593] ${OOM_SUMMARY(3)}`,
        `[    3.141593] ${KILLED_PARENT}`,
        "write: 0",
        "wait: 137",
        "    PID    PPID S      RSS      PSS      USS COMMAND",
        "      1       0 S       96       94       92 /sbin/init",
        "      2       1 S      520      518      516 -bash",
        "      4       1 S    41064    41064    41064 sh",
        `[    3.141593] ${OOM_SUMMARY(3)}`,
        `[    3.141593] ${KILLED_PARENT}`,
        "",
      ].join("\n"),
    );
    expect(t.stderr).toBe(`[    3.141593] ${OOM_SUMMARY(3)}\n[    3.141593] ${KILLED_PARENT}\n`);
    expect(t.status).toBe(0);
  });

  test("the kernel's line goes to the console: not into a redirection or a $(…)", () => {
    const t = runScript(
      [
        "P=$(spawn /bin/sh)",
        "mmap $P 40M --name buf",
        "write $P buf",
        "C=$(fork $P)",
        "OUT=$(write $C buf -v 2>/tmp/err)",
        'echo "[$OUT]"',
        "cat /tmp/err",
        "dmesg -t",
      ].join("\n"),
      small,
    );
    expect(t.text).toBe(
      [
        "0x7ffff5400000",
        `[    0.000000] ${OOM_SUMMARY(3)}`,
        `[    0.000000] ${KILLED_PARENT}`,
        "[minflt=10240 majflt=0 pages=10240 cow-copy=1615 reuse=8625]",
        OOM_SUMMARY(3),
        KILLED_PARENT,
        "",
      ].join("\n"),
    );
  });

  test("init is never chosen, even when it is the biggest: the faulting process dies", () => {
    const t = runScript(
      [
        "mmap 1 36M --name big",
        "write 1 big",
        "P=$(spawn /bin/sh)",
        "mmap $P 16M --name buf",
        "write $P buf",
        'echo "write: $?"',
        "wait $P",
        'echo "wait: $?"',
        "ps",
      ].join("\n"),
      small,
    );
    expect(t.stderr).toBe(
      [
        "cowsh: pid 3: Killed (write at 0x7ffff764e000: out of memory)",
        `[    0.000000] ${OOM_SUMMARY(3)}`,
        "[    0.000000] Out of memory: Killed process 3 (sh) total-vm:18976kB, anon-rss:10656kB, " +
          "file-rss:4kB, shmem-rss:0kB, UID:0 pgtables:56kB oom_score_adj:0",
        "",
      ].join("\n"),
    );
    expect(t.stdout).toBe(
      [
        "0x7ffff5800000",
        "0x7ffff6c00000",
        "write: 137",
        "wait: 137",
        "    PID    PPID S      RSS      PSS      USS COMMAND",
        // Reclaim has taken their file pages (libc, the binaries' text).
        "      1       0 S    36960    36958    36956 /sbin/init",
        "      2       1 S      520      518      516 -bash",
        "",
      ].join("\n"),
    );
  });

  test("the shell never dies: after many kills it still runs commands, and memory adds up", () => {
    const session = withProcess(small);
    for (let i = 0; i < 5; i++) {
      // MAP_NORESERVE: 80M of 64M would be refused by overcommit's heuristic
      const r = run(
        session,
        "Q=$(spawn /bin/sh); mmap $Q 80M --noreserve --name big >/dev/null; write $Q big",
      );
      expect(r.status).toBe(137);
      expect(r.stderr).toMatch(/^cowsh: pid \d+: Killed \(write at 0x[0-9a-f]+: out of memory\)\n/);
      expect(r.stderr).toMatch(/\[ {4}0\.000000\] Out of memory: Killed process \d+ \(sh\)/);
    }
    expect(run(session, "echo still here").stdout).toBe("still here\n");
    const login = session.machine.tasks.get(2)!;
    expect(login.isZombie).toBe(false);
    expect(session.machine.log).toHaveLength(10); // two lines per kill
    assertInvariants(session.machine);
  });
});
