/**
 * A machine saved and loaded is the same machine: every /proc file reads
 * the same, byte for byte, the digest of its whole state is the same, and
 * the two machines go on identically under the same commands (timed
 * actions firing, frames allocated, OOM kills) — through the image file
 * format, the `save` and `load` commands, and `cowsh --load`.
 */
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { decodeImage, encodeImage } from "../../src/image/machine-image.js";
import { checkInvariants } from "../../src/kernel/invariants.js";
import type { KernelConfig } from "../../src/kernel/kernel.js";
import { Machine } from "../../src/kernel/machine.js";
import { loadMachine, saveMachine } from "../../src/kernel/snapshot.js";
import { createSession, runSource, type ShellSession } from "../../src/shell/runtime.js";
import { machineDigest } from "../helpers/machine-digest.js";
import { procFiles } from "../helpers/proc-files.js";

const dir = mkdtempSync(join(tmpdir(), "cowsh-save-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `source`; its output (stdout and stderr interleaved) and status. */
function run(session: ShellSession, source: string): { text: string; status: number } {
  let text = "";
  const { status } = runSource(session, source, (b) => {
    text += b.text;
  });
  return { text, status };
}

/** The rich scenario: every kind of mapping, sharing, locking, zombies and pending actions. */
const SCENARIO = `
echo hello > /tmp/note
truncate -s 2M /tmp/data
truncate -s 1M /tmp/gone
P=$(spawn /bin/sh)
mmap $P 8M --name heap8
write $P heap8 4M
mmap $P 1M --shared --name shm
write $P shm 64K --value 5
FP=$(mmap $P 1M --file /tmp/data)
read $P $FP
write $P $FP 8K --value 9
FS=$(mmap $P 2M --shared --file /tmp/data)
write $P $FS 16K --value 11
G=$(mmap $P 1M --shared --file /tmp/gone)
read $P $G 64K
rm /tmp/gone
M=$(mmap $P 64K --memfd cache)
write $P $M
mlock $P heap8 1M
mmap $P 1M --name nofork
write $P nofork
madvise $P nofork 1M dontfork
brk $P +132K
write $P [heap] 8K
C=$(fork $P)
write $C heap8 2M --value 3
write $C shm 4K --value 6
C2=$(fork $C)
read $C2 heap8
exit $C2 3
mprotect $C heap8+4M 1M r
Z=$(spawn /bin/sleep 5)
S=$(spawn /bin/sh)
mmap $S 1M --name later
run $S 'sleep 2; write later 512K; sleep 1; exit 4'
R=$(spawn /bin/sh)
run $R 'sleep 3; exec /bin/sleep 4'
mmap $P 256K --name same
write $P same
madvise $P same 256K mergeable
echo 1 > /sys/kernel/mm/ksm/run
sleep 1
Q=$(fork $P)
exec $Q /bin/true
fsync /tmp/data
read $P heap8 1M
mmap $P 1M --name lazy
write $P lazy 1M
madvise $P lazy 200K free
`;

/** What both machines then do: the pending actions fire, pages get copied and freed. */
const AFTERWARDS = `
sleep 2.5
ps
write $P heap8+6M 1M --value 8
write $C heap8 8M
wait $Z
wait $S
sleep 10
mmap $P 2M --file /tmp/data
write $P nofork 64K
kill -9 $C
wait $C
C3=$(fork $P)
write $C3 heap8 1M
truncate -s 4K /tmp/data
evict /tmp/data
munmap $P heap8 2M
cat /proc/meminfo /proc/$P/smaps_rollup
`;

/** Runs the same text in both sessions: same output, same state, same /proc. */
function sameAfter(a: ShellSession, b: ShellSession, source: string): void {
  const ra = run(a, source);
  const rb = run(b, source);
  expect(rb).toEqual(ra);
  expect(machineDigest(b.machine)).toBe(machineDigest(a.machine));
  expect(procFiles(b.machine)).toEqual(procFiles(a.machine));
}

/** A second session over a copy of `a`'s machine, made through the image bytes, with `a`'s variables. */
function reloaded(a: ShellSession): ShellSession {
  const r = decodeImage(encodeImage(a.machine));
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r)}`);
  const b = createSession(r.machine);
  for (const [k, v] of a.vars) b.vars.set(k, v);
  return b;
}

function scenario(config: Partial<KernelConfig>, source: string): ShellSession {
  const session = createSession(Machine.boot(config));
  const r = run(session, source);
  expect(r.text).not.toMatch(/usage|invalid|No such|not found/);
  return session;
}

describe("a round trip changes nothing", () => {
  test("every /proc file and the digest are the same, and both machines go on the same", () => {
    const a = scenario({}, SCENARIO);
    const before = procFiles(a.machine);
    const digest = machineDigest(a.machine);
    const b = reloaded(a);
    expect(machineDigest(a.machine), "saving changed the machine").toBe(digest);
    expect(procFiles(a.machine)).toEqual(before);
    expect(machineDigest(b.machine)).toBe(digest);
    const after = procFiles(b.machine);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [path, text] of before) expect(after.get(path), path).toBe(text);
    expect(before.size).toBeGreaterThan(100);
    expect(checkInvariants(b.machine).violations).toEqual([]);
    sameAfter(a, b, AFTERWARDS);
  });

  test("saved at any line of the scenario, the machine ends the same", () => {
    const lines = `${SCENARIO}\n${AFTERWARDS}`.split("\n").filter((l) => l.trim() !== "");
    const whole = createSession(Machine.boot());
    const rest = lines.map((line) => run(whole, line));
    for (let k = 1; k < lines.length; k += 3) {
      const a = createSession(Machine.boot());
      for (const line of lines.slice(0, k)) run(a, line);
      const b = reloaded(a);
      expect(machineDigest(b.machine), `saved after line ${k}`).toBe(machineDigest(a.machine));
      lines.slice(k).forEach((line, i) => {
        expect(run(b, line), `line ${k + i} after a load at ${k}`).toEqual(rest[k + i]);
      });
      expect(machineDigest(b.machine)).toBe(machineDigest(whole.machine));
    }
  });

  test("a machine with swapped pages: swap entries, slot counts and the swap cache come back", () => {
    const source = `
P=$(spawn /bin/sh)
mmap $P 1M --name buf
write $P buf
madvise $P buf 1M pageout
C=$(fork $P)
read $C buf 256K
write $P buf+512K 64K
mmap $P 256K --shared --name shm
write $P shm 256K --value 5
madvise $P shm 128K pageout
`;
    const a = scenario({ swapBytes: 64 * 1024 * 1024 }, source);
    const b = reloaded(a);
    expect(machineDigest(b.machine)).toBe(machineDigest(a.machine));
    expect(procFiles(b.machine)).toEqual(procFiles(a.machine));
    expect(procFiles(b.machine).get("/proc/swaps")).toMatch(/\/swapfile\s+file\t\t65532\t\t1152\t/);
    expect(checkInvariants(b.machine).violations).toEqual([]);
    sameAfter(
      a,
      b,
      "read $P buf 1M\nwrite $C buf 1M\nread $P shm 256K --words\nkill $C\nwait $C\ncat /proc/meminfo /proc/swaps",
    );
  });

  test("shared PTE tables are one object again, with the same sharers", () => {
    const a = scenario({}, SCENARIO);
    const b = reloaded(a);
    const shape = (m: Machine) => {
      const ids = new Map<object, number>();
      const out: string[] = [];
      for (const task of m.tasks.values())
        task.mm?.pt.forEachTable((key, table) => {
          if (!ids.has(table)) ids.set(table, ids.size);
          out.push(`${task.pid}:${key}:${ids.get(table)}:${table.sharers}`);
        });
      return out;
    };
    expect(shape(b.machine)).toEqual(shape(a.machine));
    expect(shape(a.machine).some((s) => !s.endsWith(":1"))).toBe(true);
  });

  test("VMAs that shared an anon_vma share one again", () => {
    const a = scenario({}, `${SCENARIO}\nmprotect $P heap8+1M 1M r\n`);
    const b = reloaded(a);
    const shape = (m: Machine) => {
      const ids = new Map<object, number>();
      return [...m.tasks.values()].flatMap((t) =>
        (t.mm?.vmas ?? []).map((v) => {
          if (v.anonVma !== null && !ids.has(v.anonVma)) ids.set(v.anonVma, ids.size);
          return v.anonVma === null ? -1 : ids.get(v.anonVma)!;
        }),
      );
    };
    expect(shape(b.machine)).toEqual(shape(a.machine));
    const ids = shape(a.machine).filter((i) => i >= 0);
    expect(new Set(ids).size).toBeLessThan(ids.length); // some VMAs do share one
  });

  test("an out-of-memory machine: the log, the killed, and the kills still to come", () => {
    const source = `
P=$(spawn /bin/sh)
mmap $P 40M --name buf
write $P buf
C=$(fork $P)
write $C buf 16M
`;
    const a = scenario({ memBytes: 64 * 1024 * 1024 }, source);
    expect(a.machine.log.length).toBeGreaterThan(0);
    const b = reloaded(a);
    expect(procFiles(b.machine)).toEqual(procFiles(a.machine));
    sameAfter(a, b, "write $C buf\nps\nwait $P\nD=$(fork $C)\nwrite $D buf\nps");
    expect(b.machine.log.length).toBeGreaterThan(1);
    expect(b.machine.log).toEqual(a.machine.log);
    expect(b.machine.logTimes).toEqual(a.machine.logTimes);
  });

  test("boot options travel with the machine", () => {
    const config = {
      memBytes: 256 * 1024 * 1024,
      zeroPage: false,
      softDirty: true,
      anonNames: false,
      faultAroundBytes: 4096,
      readaheadKb: 32,
      protectionKeys: true,
      swapBytes: 4 * 1024 * 1024,
      thp: "always" as const,
      hugepages: 2,
      thpShmem: "advise" as const,
      kernelVersion: "5.10" as const,
    };
    const a = scenario(config, "P=$(spawn /bin/sh)\nmmap $P 1M\nread $P 0x7ffff7f00000 4K\n");
    const b = reloaded(a);
    expect(b.machine.config).toEqual(config);
    expect(procFiles(b.machine)).toEqual(procFiles(a.machine));
    sameAfter(a, b, "C=$(fork $P)\nsleep 1\nwrite $C [heap] 4K\nspawn /bin/ls");
  });

  test("a freshly booted machine, and the snapshot data itself, round-trip", () => {
    const m = Machine.boot();
    const r = loadMachine(saveMachine(m));
    if (!r.ok) throw new Error(r.problem);
    expect(machineDigest(r.machine)).toBe(machineDigest(m));
    expect(procFiles(r.machine)).toEqual(procFiles(m));
  });
});

describe("save and load, the commands", () => {
  test("load replaces the session's machine; the shell's variables stay", () => {
    const a = scenario({}, SCENARIO);
    const file = join(dir, "a.img");
    expect(run(a, `save ${file}`)).toEqual({ text: "", status: 0 });
    const digest = machineDigest(a.machine);
    const procs = procFiles(a.machine);
    run(a, "sleep 100\nkill -9 $P\nspawn /bin/sh");
    expect(machineDigest(a.machine)).not.toBe(digest);
    const old = a.machine;
    expect(run(a, `load -v ${file}`).text).toMatch(
      /^.*a\.img: \d+ processes, \d+ frames in use, 1\.00 s since boot\n$/,
    );
    expect(a.machine).not.toBe(old);
    expect(machineDigest(a.machine)).toBe(digest);
    expect(procFiles(a.machine)).toEqual(procs);
    expect(run(a, "cat /proc/$P/comm").text).toBe("sh\n");
  });

  test("tracing follows the session to the loaded machine", () => {
    const a = scenario({}, "P=$(spawn /bin/sh)\nmmap $P 1M --name b");
    const file = join(dir, "traced.img");
    run(a, `save ${file}\ntrace on`);
    const old = a.machine;
    expect(run(a, `load ${file}`).status).toBe(0);
    expect(old.trace).toBeNull();
    const r = run(a, "write $P b 64K");
    expect(r.text).toContain("trace: ");
    expect(r.text).toContain("MemFree -64 kB");
    run(a, "trace off");
    expect(a.machine.trace).toBeNull();
  });

  test("save refuses an existing file unless -f, and never follows a symlink", () => {
    const a = scenario({}, "");
    const file = join(dir, "exists.img");
    expect(run(a, `save ${file}`).status).toBe(0);
    expect(run(a, `save ${file}`)).toEqual({
      text: `save: host file ${file}: File exists\n`,
      status: 1,
    });
    expect(run(a, `save -f ${file}`).status).toBe(0);
    const target = join(dir, "target");
    writeFileSync(target, "keep me");
    symlinkSync(target, join(dir, "link.img"));
    expect(run(a, `save ${dir}/link.img`).status).toBe(1);
    expect(run(a, `save -f ${dir}/link.img`).status).toBe(0);
    expect(readFileSync(target, "utf8")).toBe("keep me");
    expect(lstatSync(join(dir, "link.img")).isFile()).toBe(true);
    expect(run(a, `save ${dir}`)).toEqual({
      text: `save: host file ${dir}: Is a directory\n`,
      status: 1,
    });
    expect(run(a, `save ${dir}/no/such.img`)).toEqual({
      text: `save: host file ${dir}/no/such.img: No such file or directory\n`,
      status: 1,
    });
    expect(run(a, "save").status).toBe(2);
    expect(run(a, `load ${dir}/missing.img`)).toEqual({
      text: `load: host file ${dir}/missing.img: No such file or directory\n`,
      status: 1,
    });
    expect(run(a, `load ${dir}`)).toEqual({
      text: `load: host file ${dir}: Is a directory\n`,
      status: 1,
    });
  });
});
