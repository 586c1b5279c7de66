/**
 * What the page's session does without Node: the host's files are not
 * there (web/browser-host.ts), so save, load, export-proc and `source FILE`
 * each fail in one line; and a binary /proc file reads without Node's
 * Buffer, which the browser does not have.
 */
import { afterEach, describe, expect, test, vi } from "vitest";
import { kernelConfig, quickParse } from "../../src/cli/cli-args.js";
import type { KernelConfig } from "../../src/kernel/kernel.js";
import { Machine } from "../../src/kernel/machine.js";
import { runPaced } from "../../src/shell/paced-run.js";
import { createSession } from "../../src/shell/runtime.js";
import { browserHost } from "../../web/browser-host.js";
import { run } from "../export/scenario.js";

const small = kernelConfig(quickParse(["--mem", "64M"])!) as KernelConfig;
const pageSession = () => createSession(Machine.boot(small), browserHost);

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("host files in the page", () => {
  test.each([
    ["save m.img", "save: host file m.img: Function not implemented\n"],
    ["load m.img", "load: Function not implemented\n"],
    ["export-proc out", "export-proc: host directory out: Function not implemented\n"],
    ["source setup.sh", "cowsh: source: setup.sh: Function not implemented\n"],
  ])("%s fails in one line, the machine untouched", (line, message) => {
    const s = pageSession();
    const before = s.machine.tasks.size;
    const r = run(s, line);
    expect(r.stderr).toBe(message);
    expect(r.stdout).toBe("");
    expect(r.status).toBe(1);
    expect(s.machine.tasks.size).toBe(before);
  });

  test("save reports a host that cannot stat the file, before building the image", () => {
    // Before, any stat failure counted as "no file there" and the image was built and written.
    const s = createSession(Machine.boot(small), {
      ...browserHost,
      stat: () => ({ ok: false, errno: "EACCES" }),
      createFile: () => {
        throw new Error("save went on to write");
      },
    });
    expect(run(s, "save m.img").stderr).toBe("save: host file m.img: Permission denied\n");
  });
});

test("a binary /proc file reads without Node's Buffer", () => {
  vi.stubGlobal("Buffer", undefined);
  const s = pageSession();
  const r = run(s, "wc -c /proc/kpagecount");
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe(`${s.machine.phys.nrFrames * 8} /proc/kpagecount\n`);
});

test("a big write in the page yields through the page's own turn, not setImmediate", async () => {
  // A browser has no setImmediate: paced-run must use the turn the page gives it.
  vi.stubGlobal("setImmediate", undefined);
  const s = createSession(Machine.boot({}), browserHost);
  run(s, "P=$(spawn /bin/sh)");
  run(s, "mmap $P 128M --name big");
  let turns = 0;
  const outcome = await runPaced(
    s,
    "write $P big",
    () => {},
    new AbortController().signal,
    () => {},
    {
      timeScale: 0,
      turn: async () => {
        turns++;
      },
    },
  );
  expect(outcome.status).toBe(0);
  expect(turns).toBeGreaterThan(1);
});
