/**
 * `--time-scale` in a real terminal: a `sleep` inside a loop or a function
 * takes its scaled real time with a progress bar, and Ctrl-C stops it with
 * status 130 and the clock where it got to — not only a `sleep` typed on its
 * own.
 */
import { describe, expect, test } from "vitest";
import { paneWithHome, ready, TMUX_OR_CI } from "./tmux-pane.js";

/** The simulated clock the status line shows, in seconds. */
const clock = (screen: string): number => Number(/t=(\d+\.\d{3})s/.exec(screen)?.[1] ?? "NaN");

describe.skipIf(!TMUX_OR_CI)("the time scale applies wherever sleep runs (tmux)", () => {
  const { pane, env } = paneWithHome("tscale");

  test("a loop's sleeps take real time with progress; Ctrl-C in a function's sleep is 130", async () => {
    pane.startCowsh(100, 30, env, "--time-scale", "1");
    await pane.waitFor(ready, "the prompt");

    const start = performance.now();
    pane.type("for i in 1 2; do sleep 1; done; echo looped");
    pane.keys("Enter");
    await pane.waitFor((s) => /sleep 1 \[[█░]+\] +\d+%/.test(s), "the loop's progress bar");
    await pane.waitFor((s) => s.includes("\nlooped\n") && ready(s), "the loop's end");
    expect(performance.now() - start).toBeGreaterThan(1900);
    expect(clock(pane.screen())).toBe(2);

    pane.type("f() { sleep 30; }; f");
    pane.keys("Enter");
    await pane.waitFor((s) => /sleep 30 \[[█░]+\] +\d+%/.test(s), "the function's progress bar");
    pane.keys("C-c");
    await pane.waitFor((s) => s.includes("^C") && ready(s), "the interrupt");
    pane.type("echo status=$?");
    pane.keys("Enter");
    await pane.waitFor((s) => s.includes("\nstatus=130\n") && ready(s), "echo $?");
    const t = clock(pane.screen());
    expect(t).toBeGreaterThan(2);
    expect(t).toBeLessThan(20);
  });
});
