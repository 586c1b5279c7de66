/**
 * Long work in the interactive shell: with --time-scale, `sleep` takes
 * real time, reports progress and stops at Ctrl-C; a big write runs in
 * chunks with progress. Either way the machine ends where batch mode would
 * have left it (or where the interrupt stopped it). The same inside loops,
 * functions and the rest: test/shell/timed-commands-pace-wherever-they-run.
 */
import { render } from "ink-testing-library";
import stripAnsi from "strip-ansi";
import { describe, expect, test, vi } from "vitest";
import { runPaced } from "../../src/shell/paced-run.js";
import { runSource, type ShellSession } from "../../src/shell/runtime.js";
import { App } from "../../src/ui/app.js";
import { createShellEngine } from "../../src/ui/shell-engine.js";
import { fakeTime, paced, session } from "../helpers/paced.js";

const SLEEPER = "C=$(spawn /bin/sh); run $C 'sleep 3; exec /bin/sleep 10'";

describe("sleep with a time scale", () => {
  test("takes scale × its length in real time, in slices, and the child's actions fall due on time", async () => {
    const s = session(SLEEPER);
    const comm: string[] = [];
    const pid = Number(s.vars.get("C"));
    const time = fakeTime(() => comm.push(s.machine.tasks.get(pid)!.comm));
    const { outcome, progress } = await paced(s, "sleep 4", { timeScale: 0.5, ...time });
    expect(outcome.status).toBe(0);
    expect(s.machine.now).toBe(4e9);
    expect(time.now!()).toBe(2000);
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.at(-1)).toEqual({ done: 4e9, total: 4e9, label: "sleep 4" });
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]!.done).toBeGreaterThanOrEqual(progress[i - 1]!.done);
    expect(comm[0]).toBe("sh");
    expect(comm.at(-1)).toBe("sleep");
  });

  test("Ctrl-C stops it where it got to: status 130, the clock part way, the rest of the line not run", async () => {
    const s = session(SLEEPER);
    const controller = new AbortController();
    const time = fakeTime((now) => {
      if (now >= 1000) controller.abort();
    });
    const { outcome, text } = await paced(
      s,
      "sleep 4; echo after",
      { timeScale: 1, ...time },
      controller,
    );
    expect(outcome.status).toBe(130);
    expect(s.vars.get("?")).toBe("130");
    expect(s.machine.now).toBeGreaterThan(0.9e9);
    expect(s.machine.now).toBeLessThan(1.1e9);
    expect(text).toBe("");
    expect(s.machine.tasks.get(Number(s.vars.get("C")))!.comm).toBe("sh");
  });

  test("the rest of the line runs around it, as in batch mode", async () => {
    const s = session(SLEEPER);
    const { outcome, text } = await paced(
      s,
      "echo before; sleep 1.5; grep Name /proc/$C/status; sleep 2; grep Name /proc/$C/status",
      { timeScale: 0.01, ...fakeTime() },
    );
    expect(outcome.status).toBe(0);
    expect(text).toBe("before\nName:\tsh\nName:\tsleep\n");
  });

  test("without a time scale, sleep is instant and silent", async () => {
    const s = session(SLEEPER);
    const wait = vi.fn(async () => {});
    const { progress } = await paced(s, "sleep 4", { timeScale: 0, wait });
    expect(s.machine.now).toBe(4e9);
    expect(progress).toEqual([]);
    const { progress: inside } = await paced(s, "true && sleep 1 | cat", { timeScale: 0, wait });
    expect(inside).toEqual([]);
    expect(wait).not.toHaveBeenCalled();
  });

  test("effects of the commands around it reach the front end", async () => {
    const s = session("");
    const cleared = await paced(s, "clear; sleep 1", { timeScale: 0.01, ...fakeTime() });
    expect(cleared.outcome).toMatchObject({ status: 0, effect: { kind: "clear" } });
    const exited = await paced(s, "sleep 1; exit; echo no", { timeScale: 0.01, ...fakeTime() });
    expect(exited.outcome).toMatchObject({ status: 0, effect: { kind: "exit", status: 0 } });
    expect(exited.text).toBe("");
  });

  test("a bad duration is reported by sleep itself", async () => {
    const s = session("");
    const { outcome, text } = await paced(s, "sleep soon", { timeScale: 1, ...fakeTime() });
    expect(outcome.status).toBe(2);
    expect(text).toContain("sleep: invalid time interval ‘soon’");
  });
});

describe("a big write runs in chunks", () => {
  const SETUP = "P=$(spawn /bin/sh); BIG=$(mmap $P 256M --name big)";

  test("with progress, and the same result as one write", async () => {
    const chunked = session(SETUP);
    const whole = session(SETUP);
    const { outcome, text, progress } = await paced(chunked, "write $P big -v", { timeScale: 0 });
    // One kernel access of the whole range, as write made before it had chunks.
    const pid = Number(whole.vars.get("P"));
    const addr = Number(whole.vars.get("BIG"));
    const one = whole.machine.access(pid, addr, 256 * 2 ** 20, true, 1);
    expect(one.ok && one.value.pages).toBe(65536);
    expect(outcome.status).toBe(0);
    expect(text).toBe("minflt=65536 majflt=0 pages=65536 new-page=65536\n");
    expect(progress.length).toBe(16);
    expect(progress.at(-1)).toEqual({
      done: 256 * 2 ** 20,
      total: 256 * 2 ** 20,
      label: "write 3 big -v",
    });
    const smaps = (s: ShellSession) => {
      let out = "";
      runSource(s, "cat /proc/$P/smaps; cat /proc/$P/stat", (b) => {
        out += b.text;
      });
      return out;
    };
    expect(smaps(chunked)).toBe(smaps(whole));
  });

  test("an unaligned start touches each page once", async () => {
    const s = session(SETUP);
    const { text } = await paced(s, "write $P big+100 -v", { timeScale: 0 });
    expect(text).toBe("minflt=65536 majflt=0 pages=65536 new-page=65536\n");
  });

  test("a fault past the mapping's end stops it as it stops one write", async () => {
    const chunked = session(SETUP);
    const whole = session(SETUP);
    const { outcome, text } = await paced(chunked, "write $P big 300M -v", { timeScale: 0 });
    let expected = "";
    const status = runSource(whole, "write $P big 300M -v", (b) => {
      expected += b.text;
    }).status;
    expect(text).toBe(expected);
    expect(text).toContain("Segmentation fault");
    expect(outcome.status).toBe(status);
  });

  test("Ctrl-C between chunks stops it with status 130, the pages so far written", async () => {
    const s = session(SETUP);
    const controller = new AbortController();
    let text = "";
    const outcome = await runPaced(
      s,
      "write $P big",
      (b) => {
        text += b.text;
      },
      controller.signal,
      () => controller.abort(),
      { timeScale: 0 },
    );
    expect(outcome.status).toBe(130);
    expect(text).toBe("");
    let rss = "";
    runSource(s, "smaps $P big | grep ^Rss", (b) => {
      rss += b.text;
    });
    expect(rss).toBe("Rss:               16384 kB\n");
  });
});

describe("in the Ink UI", () => {
  test("a scaled sleep shows a progress bar, and Ctrl-C interrupts it", async () => {
    const s = session("");
    const engine = createShellEngine(s, { timeScale: 1 });
    const written: string[] = [];
    const app = render(<App engine={engine} print={(t) => void written.push(t)} />);
    await new Promise((r) => setImmediate(r));
    app.stdin.write("sleep 30\r");
    await vi.waitFor(() =>
      expect(stripAnsi(app.lastFrame() ?? "")).toMatch(/sleep 30 \[[█░]+\] +[0-9]+%/),
    );
    app.stdin.write("\u0003");
    await vi.waitFor(() => expect(written.join("")).toContain("^C"));
    await vi.waitFor(() => expect(stripAnsi(app.lastFrame() ?? "")).not.toContain("sleep 30 ["));
    expect(s.machine.now).toBeLessThan(5e9);
    expect(s.vars.get("?")).toBe("130");
    app.unmount();
  });
});
