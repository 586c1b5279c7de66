/**
 * The interactive driver's time scale and Ctrl-C apply to every command that
 * takes time wherever the shell runs it — in a loop, a function, a pipeline,
 * `eval`, a sourced file — and to `wait` for a child whose `run` actions
 * take time, not only to a `sleep` typed on its own. Batch mode is the same
 * run drained at once.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { runPaced } from "../../src/shell/paced-run.js";
import { runSource } from "../../src/shell/runtime.js";
import type { Progress } from "../../src/shell/types.js";
import { fakeTime, paced, session } from "../helpers/paced.js";

/** The progress reports that finished a command: one per command run to its end. */
const finished = (progress: readonly Progress[]) => progress.filter((p) => p.done === p.total);

describe("a scaled sleep anywhere takes its real time and shows progress", () => {
  test.each([
    ["a for loop", "for i in 1 2; do sleep 1; done"],
    ["a function", "f() { sleep 1; sleep 1; }; f"],
    ["a while loop", "n=0; while [ $n -lt 2 ]; do sleep 1; n=$((n+1)); done"],
    ["a pipeline and a list", "true && sleep 1 | cat; { sleep 1; }"],
    ["eval", "eval 'sleep 1; sleep 1'"],
  ])("in %s: 2 simulated seconds at scale 0.5 take 1 real second", async (_, line) => {
    const s = session();
    const time = fakeTime();
    const { outcome, progress } = await paced(s, line, { timeScale: 0.5, ...time });
    expect(outcome.status).toBe(0);
    expect(s.machine.now).toBe(2e9);
    expect(time.now()).toBe(1000);
    expect(finished(progress)).toEqual([
      { done: 1e9, total: 1e9, label: "sleep 1" },
      { done: 1e9, total: 1e9, label: "sleep 1" },
    ]);
    expect(progress.length).toBeGreaterThan(10);
  });

  test("in a sourced file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cowsh-paced-"));
    try {
      const file = join(dir, "naps.cowsh");
      writeFileSync(file, "sleep 1\nfor i in 1 2; do sleep 0.5; done\n");
      const s = session();
      const time = fakeTime();
      const { outcome } = await paced(s, `source ${file}`, { timeScale: 1, ...time });
      expect(outcome.status).toBe(0);
      expect(s.machine.now).toBe(2e9);
      expect(time.now()).toBe(2000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("on the real clock too: a loop of two 1 s sleeps at scale 0.1 takes about 0.2 s", async () => {
    const s = session();
    const start = performance.now();
    const { outcome, progress } = await paced(s, "for i in 1 2; do sleep 1; done", {
      timeScale: 0.1,
    });
    const ms = performance.now() - start;
    expect(outcome.status).toBe(0);
    expect(ms).toBeGreaterThanOrEqual(190);
    expect(ms).toBeLessThan(2000);
    expect(finished(progress)).toHaveLength(2);
  });

  test("what runs inside $(…) takes no real time (it is expanded at once)", async () => {
    const s = session();
    const time = fakeTime();
    const { text } = await paced(s, "echo $(sleep 1; echo woke)", { timeScale: 1, ...time });
    expect(text).toBe("woke\n");
    expect(s.machine.now).toBe(1e9);
    expect(time.now()).toBe(0);
  });
});

describe("Ctrl-C during a sleep inside a loop or function", () => {
  test("stops the whole line with 130, the clock where it got to", async () => {
    const s = session();
    const controller = new AbortController();
    const time = fakeTime((now) => {
      if (now >= 1500) controller.abort();
    });
    const { outcome, text } = await paced(
      s,
      "for i in 1 2 3; do echo $i; sleep 1; done; echo after",
      { timeScale: 1, ...time },
      controller,
    );
    expect(outcome.status).toBe(130);
    expect(s.vars.get("?")).toBe("130");
    expect(text).toBe("1\n2\n");
    expect(s.machine.now).toBeGreaterThanOrEqual(1.45e9);
    expect(s.machine.now).toBeLessThanOrEqual(1.5e9);
  });

  test("a function's locals and arguments are undone, a subshell's variables too", async () => {
    const s = session("X=outer; set -- a b");
    const controller = new AbortController();
    const time = fakeTime((now) => {
      if (now >= 300) controller.abort();
    });
    const { outcome } = await paced(
      s,
      "f() { local X=inner; sleep 5; }; ( Y=sub; f c d )",
      { timeScale: 1, ...time },
      controller,
    );
    expect(outcome.status).toBe(130);
    let text = "";
    runSource(s, 'echo "$X $*"; [ -z "$Y" ] && echo unset', (b) => {
      text += b.text;
    });
    expect(text).toBe("outer a b\nunset\n");
  });

  test("output redirected to a file so far is in the file, as bash leaves it", async () => {
    const s = session();
    const controller = new AbortController();
    const time = fakeTime((now) => {
      if (now >= 500) controller.abort();
    });
    await paced(
      s,
      "for i in 1 2 3; do echo $i; sleep 1; done > /tmp/log",
      { timeScale: 1, ...time },
      controller,
    );
    let text = "";
    runSource(s, "cat /tmp/log", (b) => {
      text += b.text;
    });
    expect(text).toBe("1\n");
  });

  test("the next line runs as usual", async () => {
    const s = session();
    const controller = new AbortController();
    const time = fakeTime(() => controller.abort());
    await paced(s, "while true; do sleep 1; done", { timeScale: 1, ...time }, controller);
    const next = await paced(s, "for i in 1 2; do echo $i; done", { timeScale: 1, ...fakeTime() });
    expect(next.outcome.status).toBe(0);
    expect(next.text).toBe("1\n2\n");
  });
});

describe("a big write inside a loop", () => {
  test("runs in chunks with progress, and can be stopped between them", async () => {
    const s = session("P=$(spawn /bin/sh); mmap $P 128M --name a; mmap $P 128M --name b");
    const { outcome, progress } = await paced(s, "for r in a b; do write $P $r; done", {
      timeScale: 0,
    });
    expect(outcome.status).toBe(0);
    expect(progress).toHaveLength(16);
    expect(finished(progress).map((p) => p.label)).toEqual(["write 3 a", "write 3 b"]);

    const t = session("P=$(spawn /bin/sh); mmap $P 128M --name a; mmap $P 128M --name b");
    const controller = new AbortController();
    let reports = 0;
    const stopped = await runPaced(
      t,
      "for r in a b; do write $P $r; done",
      () => {},
      controller.signal,
      () => {
        if (++reports === 10) controller.abort();
      },
      { timeScale: 0 },
    );
    expect(stopped.status).toBe(130);
    let rss = "";
    runSource(t, "smaps $P a | grep ^Rss; smaps $P b | grep ^Rss", (b) => {
      rss += b.text;
    });
    expect(rss).toBe("Rss:              131072 kB\nRss:               32768 kB\n");
  });
});

describe("wait for a child whose actions take time", () => {
  const SETUP = "C=$(spawn /bin/sh); run $C 'sleep 3; exit 7'";

  test("takes the child's remaining time, scaled, and returns its status", async () => {
    const s = session(SETUP);
    const time = fakeTime();
    const { outcome, progress } = await paced(s, "wait $C", { timeScale: 0.5, ...time });
    expect(outcome.status).toBe(7);
    expect(s.machine.now).toBe(3e9);
    expect(time.now()).toBe(1500);
    expect(progress.at(-1)).toEqual({ done: 3e9, total: 3e9, label: "wait 3" });
  });

  test("ends where batch mode ends, and Ctrl-C leaves the child to run on", async () => {
    const batch = session(SETUP);
    let expected = "";
    runSource(batch, "wait $C; echo $?; ps", (b) => {
      expected += b.text;
    });
    const s = session(SETUP);
    const { text } = await paced(s, "wait $C; echo $?; ps", { timeScale: 0.01, ...fakeTime() });
    expect(text).toBe(expected);
    expect(s.machine.now).toBe(batch.machine.now);

    const t = session(SETUP);
    const controller = new AbortController();
    const time = fakeTime((now) => {
      if (now >= 1000) controller.abort();
    });
    const { outcome } = await paced(t, "wait $C", { timeScale: 1, ...time }, controller);
    expect(outcome.status).toBe(130);
    expect(t.machine.now).toBeLessThan(1.1e9);
    let after = "";
    runSource(t, "wait $C; echo $?", (b) => {
      after += b.text;
    });
    expect(after).toBe("7\n");
    expect(t.machine.now).toBe(3e9);
  });
});
