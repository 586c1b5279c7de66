/**
 * The kernel's hot paths keep their optimized code across processes. A
 * page walk's PteSpan and a fault's VmFault live for one call, so once a
 * process exits none may be left; if V8 then freed their hidden class it
 * would throw away every optimized function that checks for it
 * ("deoptimization, reason: weak objects"), and each new process would
 * start in the interpreter (docs/PERFORMANCE.md).
 */

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { expect, test } from "vitest";
import { PAGE_SIZE } from "../../src/kernel/constants.js";
import { Machine } from "../../src/kernel/machine.js";
import { PteSpan } from "../../src/kernel/page-table.js";

setFlagsFromString("--allow-natives-syntax");
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const optimize = new Function(
  "f",
  "%PrepareFunctionForOptimization(f); %OptimizeFunctionOnNextCall(f);",
) as (f: unknown) => void;
/**
 * V8's optimization status: the function has optimized code (bit 16) that
 * is not marked for deoptimization (bit 16384).
 */
const isOptimized = new Function(
  "f",
  "const s = %GetOptimizationStatus(f); return (s & 16) !== 0 && (s & 16384) === 0;",
) as (f: unknown) => boolean;

const PAGES = 1024;

/** A process that maps, writes, forks and writes again (COW), then exits with its child. */
function oneProcess(m: Machine): void {
  const ok = <T>(r: { ok: true; value: T } | { ok: false; errno: string }): T => {
    if (!r.ok) throw new Error(r.errno);
    return r.value;
  };
  const p = ok(m.spawn("/bin/sh", ["sh"]));
  const addr = ok(
    m.mmap(p, {
      addr: 0,
      length: PAGES * PAGE_SIZE,
      prot: Machine.RW,
      flags: Machine.ANON_PRIVATE,
      file: null,
      fileWritable: false,
      offset: 0,
    }),
  );
  ok(m.access(p, addr, PAGES * PAGE_SIZE, true, 1));
  const child = ok(m.fork(p));
  ok(m.access(p, addr, PAGES * PAGE_SIZE, true, 2));
  for (const pid of [child, p]) {
    ok(m.exit(pid, 0));
    ok(m.wait(pid));
  }
}

test("a span's optimized methods survive the exit of every process that used spans", () => {
  const m = Machine.boot({ memBytes: 64 * 1024 * 1024 });
  for (let i = 0; i < 3; i++) oneProcess(m);
  const { seek, mkYoung } = PteSpan.prototype;
  // Whether V8 frees a class at a given collection varies, so try a few times.
  for (let round = 0; round < 4; round++) {
    optimize(seek);
    optimize(mkYoung);
    oneProcess(m);
    expect([isOptimized(seek), isOptimized(mkYoung)]).toEqual([true, true]);
    // V8 keeps an unused hidden class for a few collections
    // (--retain-maps-for-n-gc) before it frees it.
    for (let i = 0; i < 6; i++) gc();
    expect([isOptimized(seek), isOptimized(mkYoung)]).toEqual([true, true]);
  }
});
