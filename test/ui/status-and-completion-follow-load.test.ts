/**
 * After `load`, the Ink UI's status line (clock, processes, memory) and Tab
 * completion read the loaded machine, not the one it replaced.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { Machine } from "../../src/kernel/machine.js";
import { createSession, runSource } from "../../src/shell/runtime.js";
import { createShellEngine } from "../../src/ui/shell-engine.js";

const dir = mkdtempSync(join(tmpdir(), "cowsh-ui-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the status line and completion follow the machine load puts in place", async () => {
  const file = join(dir, "small.img");
  const other = createSession(Machine.boot({ memBytes: 64 * 1024 * 1024 }));
  runSource(other, `spawn /bin/sh\nspawn /bin/sh\nsleep 7\nsave ${file}`, () => {});

  const session = createSession(Machine.boot());
  const engine = createShellEngine(session);
  const before = engine.status();
  expect(before.processes).toBe(2);
  expect(engine.complete("kill ", 5).candidates).toEqual(["1", "2"]);

  const out: string[] = [];
  const r = await engine.run(`load ${file}`, (b) => out.push(b.text), new AbortController().signal);
  expect(out.join("")).toBe("");
  expect(r.status).toBe(0);
  const after = engine.status();
  expect(after.processes).toBe(4);
  expect(after.clockNs).toBe(7e9);
  expect(after.totalBytes).toBeLessThan(64 * 1024 * 1024);
  expect(after.totalBytes).not.toBe(before.totalBytes);
  expect(engine.complete("kill ", 5).candidates).toEqual(["1", "2", "3", "4"]);
});
