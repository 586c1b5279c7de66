/**
 * kill(2) as root reaches every process: init drops every signal it has no
 * handler for (SIGKILL too), the login shell (an interactive bash) ignores
 * SIGTERM and SIGQUIT and handles SIGINT, and dies of SIGKILL, SIGHUP or a
 * fault of its own. Once it is gone its children are init's, commands run
 * as init (shellPid), and the machine still saves and loads.
 */
import { describe, expect, test } from "vitest";
import { decodeImage, encodeImage } from "../../src/image/machine-image.js";
import { PAGE_SIZE } from "../../src/kernel/constants.js";
import { assertInvariants } from "../../src/kernel/invariants.js";
import { LOGIN_SHELL_PID, Machine } from "../../src/kernel/machine.js";

const SIGHUP = 1;
const SIGINT = 2;
const SIGQUIT = 3;
const SIGKILL = 9;
const SIGSEGV = 11;
const SIGTERM = 15;

describe("kill of init and the login shell", () => {
  test("init ends of no signal, and kill still succeeds", () => {
    const m = Machine.boot();
    for (const signo of [SIGHUP, SIGINT, SIGKILL, SIGSEGV, SIGTERM]) {
      expect(m.kill(1, signo)).toEqual({ ok: true, value: undefined });
      expect(m.tasks.get(1)?.isZombie).toBe(false);
    }
  });

  test("the login shell ignores SIGTERM and SIGQUIT and handles SIGINT", () => {
    const m = Machine.boot();
    for (const signo of [SIGTERM, SIGQUIT, SIGINT]) {
      expect(m.kill(LOGIN_SHELL_PID, signo).ok).toBe(true);
      expect(m.tasks.get(LOGIN_SHELL_PID)?.mm).not.toBeNull();
    }
    expect(m.takeLoginShellDeath()).toBeNull();
  });

  test.each([
    [SIGKILL, "SIGKILL"],
    [SIGHUP, "SIGHUP"],
  ])("signal %i ends the login shell; init adopts its children and reaps it", (signo) => {
    const m = Machine.boot();
    const child = m.spawn("/bin/sleep", ["sleep", "100"]);
    if (!child.ok) throw new Error("spawn failed");
    expect(m.kill(LOGIN_SHELL_PID, signo).ok).toBe(true);
    expect(m.tasks.has(LOGIN_SHELL_PID)).toBe(false);
    expect(m.tasks.get(child.value)?.ppid).toBe(1);
    expect(m.takeLoginShellDeath()).toBe(signo);
    expect(m.takeLoginShellDeath()).toBeNull();
    expect(m.shellPid).toBe(1);
    assertInvariants(m);
  });

  test("a process other than the login shell dies of SIGTERM, as before", () => {
    const m = Machine.boot();
    const sh = m.spawn("/bin/sh", ["sh"]);
    if (!sh.ok) throw new Error("spawn failed");
    m.kill(sh.value, SIGTERM);
    expect(m.tasks.get(sh.value)?.exitStatus).toBe(SIGTERM);
  });

  test("a fault of the login shell's own kills it with SIGSEGV; init's still fails", () => {
    const m = Machine.boot();
    const r = m.access(LOGIN_SHELL_PID, 0x1000, PAGE_SIZE, true);
    expect(r.ok && r.value.signal?.signo).toBe(SIGSEGV);
    expect(m.tasks.has(LOGIN_SHELL_PID)).toBe(false);
    expect(m.takeLoginShellDeath()).toBe(SIGSEGV);
    expect(m.access(1, 0x1000, PAGE_SIZE, true).ok).toBe(false);
    expect(m.tasks.get(1)?.mm).not.toBeNull();
  });
});

describe("after the login shell", () => {
  function withoutShell(): { m: Machine; orphan: number } {
    const m = Machine.boot();
    const orphan = m.spawn("/bin/sh", ["sh"]);
    if (!orphan.ok) throw new Error("spawn failed");
    m.kill(LOGIN_SHELL_PID, SIGKILL);
    return { m, orphan: orphan.value };
  }

  test("spawn makes init's children; wait and kill work on them", () => {
    const { m, orphan } = withoutShell();
    const p = m.spawn("/bin/sleep", ["sleep", "1"]);
    if (!p.ok) throw new Error("spawn failed");
    expect(m.tasks.get(p.value)?.ppid).toBe(1);
    expect(m.canWait(p.value)).toBe(true);
    expect(m.wait(p.value)).toEqual({ ok: true, value: { pid: p.value, status: 0 } });
    expect(m.kill(orphan, SIGTERM).ok).toBe(true);
    // init reaps the zombie at once
    expect(m.tasks.has(orphan)).toBe(false);
    assertInvariants(m);
  });

  test("the machine saves and loads without PID 2", () => {
    const { m, orphan } = withoutShell();
    const loaded = decodeImage(encodeImage(m));
    if (!loaded.ok) throw new Error(`refused: ${JSON.stringify(loaded)}`);
    expect([...loaded.machine.tasks.keys()]).toEqual([1, orphan]);
    expect(loaded.machine.shellPid).toBe(1);
    expect(loaded.machine.takeLoginShellDeath()).toBeNull();
    assertInvariants(loaded.machine);
  });
});
