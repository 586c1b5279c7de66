/**
 * vfork and posix_spawn (vfork.ts): the child borrows the parent's mm, no
 * page is copied and no PTE write-protected; the parent waits in D, making
 * no system call, until the child execs or exits, or a SIGKILL ends the
 * wait; spawn --via starts a program each of the three ways; the invariant
 * checker knows a vfork pair, and an image keeps one.
 */
import { expect, test } from "vitest";
import { MAP_NORESERVE, PAGE_SIZE } from "../../src/kernel/constants.js";
import { assertInvariants, checkInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";
import { ptePfn, ptePresent, pteWrite } from "../../src/kernel/page-table.js";
import { loadMachine, saveMachine } from "../../src/kernel/snapshot.js";
import { spawnStackBytes } from "../../src/kernel/vfork.js";
import { mapAnon, must } from "../helpers/machine-calls.js";
import { runScript } from "../helpers/run-script.js";

/** A shell with `pages` written pages: its PID and the mapping's address. */
function parentWithPages(pages: number): { m: Machine; p: number; addr: number } {
  const m = Machine.boot();
  const p = must(m.spawn("/bin/sh", ["sh"]));
  const addr = mapAnon(m, p, pages);
  must(m.access(p, addr, pages * PAGE_SIZE, true, 7));
  return { m, p, addr };
}

test("vfork copies nothing: same mm, same PTEs still writable, map counts unchanged", () => {
  const { m, p, addr } = parentWithPages(16);
  const mm = m.tasks.get(p)!.mm!;
  const pte = mm.pt.get(addr / PAGE_SIZE);
  const frames = m.phys.nrFree;
  const c = must(m.vfork(p));
  const child = m.tasks.get(c)!;
  expect(child.mm).toBe(mm);
  expect(mm.users).toBe(2);
  expect(mm.pt.get(addr / PAGE_SIZE)).toBe(pte);
  expect(ptePresent(pte) && pteWrite(pte)).toBe(true);
  expect(m.phys.mapcountOf(ptePfn(pte))).toBe(1);
  expect(m.phys.nrFree).toBe(frames);
  expect(m.tasks.get(p)!.state).toBe("D");
  assertInvariants(m);
});

test("the child's writes fault in the child and land in the parent's mm; exec lets the parent run", () => {
  const { m, p, addr } = parentWithPages(16);
  const more = mapAnon(m, p, 8);
  const anon = m.tasks.get(p)!.mm!.rssAnon;
  const c = must(m.vfork(p));
  const r = must(m.access(c, more, 8 * PAGE_SIZE, true, 9));
  expect(r.minflt).toBe(8);
  expect(m.tasks.get(c)!.minflt).toBe(8);
  expect(m.tasks.get(p)!.mm!.rssAnon).toBe(anon + 8);
  // The parent is blocked in vfork: it makes no system call.
  const blocked = m.access(p, addr, PAGE_SIZE, true);
  expect(blocked.ok).toBe(false);
  expect(!blocked.ok && blocked.errno).toBe("EBUSY");
  expect(m.exec(p, "/bin/sleep", ["sleep", "1"]).ok).toBe(false);
  must(m.exec(c, "/bin/sleep", ["sleep", "1000"]));
  const parent = m.tasks.get(p)!;
  expect(parent.state).toBe("S");
  expect(parent.vforkChild).toBeNull();
  expect(parent.mm!.users).toBe(1);
  // Nothing was write-protected: writing all of it again faults nothing.
  expect(must(m.access(p, addr, 16 * PAGE_SIZE, true)).minflt).toBe(0);
  expect(must(m.access(p, more, 8 * PAGE_SIZE, false, null, true)).words).toEqual(Array(8).fill(9));
  assertInvariants(m);
});

test("the child's exit ends the wait, and a zombie child leaves the mm to the parent", () => {
  const { m, p, addr } = parentWithPages(4);
  const c = must(m.vfork(p));
  must(m.exit(c, 3));
  expect(m.tasks.get(p)!.state).toBe("S");
  expect(m.tasks.get(p)!.mm!.users).toBe(1);
  expect(must(m.access(p, addr, 4 * PAGE_SIZE, true)).minflt).toBe(0);
  expect(must(m.wait(c)).status).toBe(3 << 8);
  assertInvariants(m);
});

test("SIGKILL wakes the waiting parent, which dies; the child goes on alone with the mm", () => {
  const { m, p, addr } = parentWithPages(4);
  const anon = m.tasks.get(p)!.mm!.rssAnon;
  const c = must(m.vfork(p));
  must(m.kill(p));
  expect(m.tasks.get(p)!.isZombie).toBe(true);
  const child = m.tasks.get(c)!;
  expect(child.vforkParent).toBeNull();
  expect(child.mm!.users).toBe(1);
  expect(child.mm!.rssAnon).toBe(anon);
  expect(must(m.access(c, addr, 4 * PAGE_SIZE, false, null, true)).words).toEqual(Array(4).fill(7));
  assertInvariants(m);
  must(m.kill(c));
  assertInvariants(m);
});

test("the OOM killer kills both sides of a vfork pair: they share the mm it frees", () => {
  const m = Machine.boot({ memBytes: 64 * 1024 * 1024 });
  const p = must(m.spawn("/bin/sh", ["sh"]));
  const c = must(m.vfork(p));
  const big = must(
    m.mmap(c, {
      addr: 0,
      length: 100 * 1024 * 1024,
      prot: Machine.RW,
      flags: Machine.ANON_PRIVATE | MAP_NORESERVE,
      file: null,
      fileWritable: false,
      offset: 0,
    }),
  );
  const r = must(m.access(c, big, 100 * 1024 * 1024, true));
  expect(r.signal?.signo).toBe(9);
  // both dead (the child, orphaned, reaped by init)
  expect(m.tasks.get(p)?.mm ?? null).toBeNull();
  expect(m.tasks.get(c)?.mm ?? null).toBeNull();
  expect(m.log.join("\n")).toContain("Out of memory: Killed process");
  assertInvariants(m);
});

test("killing the child ends the wait as its exit does", () => {
  const { m, p } = parentWithPages(1);
  const c = must(m.vfork(p));
  must(m.kill(c));
  expect(m.tasks.get(p)!.state).toBe("S");
  assertInvariants(m);
});

test("a parent's timed behaviour pauses while it waits, and resumes where it was", () => {
  const { m, p, addr } = parentWithPages(1);
  must(
    m.run(p, [
      { kind: "sleep", ns: 1e9 },
      { kind: "exit", status: 5 },
    ]),
  );
  m.advance(4e8);
  const c = must(m.vfork(p));
  m.advance(5e9);
  expect(m.tasks.get(p)!.isZombie).toBe(false);
  must(m.exec(c, "/bin/sleep", ["sleep", "1000"]));
  m.advance(5e8);
  expect(m.tasks.get(p)!.isZombie).toBe(false);
  m.advance(2e8);
  expect(m.tasks.get(p)!.exitStatus).toBe(5 << 8);
  expect(addr).toBeGreaterThan(0);
});

test("waiting for a parent that waits in vfork is refused: it exits only once its child lets it run", () => {
  const { m, p } = parentWithPages(1);
  must(
    m.run(p, [
      { kind: "sleep", ns: 1e9 },
      { kind: "exit", status: 5 },
    ]),
  );
  const c = must(m.vfork(p));
  expect(m.canWait(p)).toBe(false);
  const r = m.wait(p);
  expect(!r.ok && r.errno).toBe("EAGAIN");
  expect(m.tasks.get(p)!.isZombie).toBe(false);
  must(m.exit(c, 0));
  expect(m.canWait(p)).toBe(true);
  expect(must(m.wait(p)).status).toBe(5 << 8);
  assertInvariants(m);
});

test("the invariant checker catches a parent waiting for a child that no longer shares its mm", () => {
  const { m, p } = parentWithPages(1);
  const c = must(m.vfork(p));
  expect(checkInvariants(m).violations).toEqual([]);
  m.tasks.get(p)!.state = "S";
  expect(checkInvariants(m).violations.join("\n")).toContain(`pid ${p} waits in vfork in state S`);
  m.tasks.get(p)!.state = "D";
  m.tasks.get(c)!.vforkParent = null;
  expect(checkInvariants(m).violations.join("\n")).toContain(`waits for ${c}, whose vfork parent`);
});

test("save and load keep a waiting vfork pair: one mm, the parent in D, the wait ends at exec", () => {
  const { m, p, addr } = parentWithPages(4);
  const c = must(m.vfork(p));
  must(m.access(c, addr, PAGE_SIZE, true, 11));
  const loaded = loadMachine(structuredClone(saveMachine(m)));
  if (!loaded.ok) throw new Error(loaded.problem);
  const n = loaded.machine;
  const parent = n.tasks.get(p)!;
  const child = n.tasks.get(c)!;
  expect(child.mm).toBe(parent.mm);
  expect(parent.mm!.users).toBe(2);
  expect(parent.state).toBe("D");
  expect(parent.vforkChild).toBe(c);
  expect(child.vforkParent).toBe(p);
  assertInvariants(n);
  must(n.exec(c, "/bin/sleep", ["sleep", "1000"]));
  expect(n.tasks.get(p)!.state).toBe("S");
  expect(must(n.access(p, addr, PAGE_SIZE, false, null, true)).words).toEqual([11]);
  assertInvariants(n);
});

test("spawn --via: fork write-protects the shell's pages, vfork and posix-spawn do not", () => {
  const faultsAfter = (via: string): string =>
    runScript(
      [
        "BUF=$(mmap $$ 4M)",
        "write $$ $BUF 4M",
        `C=$(spawn --via ${via} /bin/sleep 1000)`,
        "write $$ $BUF 4M -v | cut -d' ' -f1",
        "grep -c . /proc/$$/maps",
        "cut -d' ' -f10 /proc/$C/stat",
      ].join("\n"),
    ).stdout;
  const fork = faultsAfter("fork").split("\n");
  const vfork = faultsAfter("vfork").split("\n");
  const spawn = faultsAfter("posix-spawn").split("\n");
  expect(fork[0]).toBe("minflt=1024");
  expect(vfork[0]).toBe("minflt=0");
  expect(spawn[0]).toBe("minflt=0");
  // posix-spawn's stack is gone again: the same maps as after vfork.
  expect(spawn[1]).toBe(vfork[1]);
  // the child's faults: its exec's, and posix_spawn's child one more (its stack's top page).
  expect(Number(spawn[2])).toBe(Number(vfork[2]) + 1);
});

test("posix-spawn maps glibc's 36 KiB stack, nohugepage, and unmaps it after the exec", () => {
  expect(spawnStackBytes(2)).toBe(36864);
  const m = Machine.boot();
  const shell = m.tasks.get(2)!;
  const before = shell.mm!.vmas.length;
  const maps: number[] = [];
  m.trace = (e) => {
    if (e.kind === "exec") maps.push(shell.mm!.vmas.length);
  };
  must(m.spawnVia("posix-spawn", "/bin/sleep", ["sleep", "1000"]));
  expect(maps).toEqual([before + 1]);
  expect(shell.mm!.vmas.length).toBe(before);
  expect(shell.state).toBe("S");
  assertInvariants(m);
});

test("vfork and spawn --via speak as the other commands do", () => {
  const r = runScript(
    "vfork\nspawn --via clone /bin/sleep\nP=$(spawn /bin/sh)\nV=$(vfork $P)\nwrite $P 0x1000 4K\ngrep State /proc/$P/status\nps -o pid,stat,comm -p $P\n_exit $V 0\ngrep State /proc/$P/status",
  );
  expect(r.stderr).toBe(
    "vfork: missing process id\n" +
      "spawn: --via: expected fork, vfork, posix-spawn, not 'clone'\n" +
      "write: 3: Device or resource busy (process 3 is waiting in vfork until its child 4 execs or exits)\n",
  );
  expect(r.stdout).toContain("State:\tD (disk sleep)\n");
  expect(r.stdout).toContain("State:\tS (sleeping)\n");
});
