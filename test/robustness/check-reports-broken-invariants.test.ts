/**
 * `cowsh --check`: after every command the invariant checker runs; a broken
 * invariant is reported as `cowsh: invariant broken after 'LINE': …`, and
 * the run stops with status 70 (batch mode exits with it). The interactive
 * shell prints the report and goes on. Nothing a user types can break an
 * invariant, so these tests break one on purpose, behind the shell's back.
 */
import { describe, expect, test } from "vitest";
import { COMMANDS } from "../../commands/index.js";
import { parseCommandLine } from "../../src/cli/cli-options.js";
import { Machine } from "../../src/kernel/machine.js";
import { createSession, runSource, type ShellSession } from "../../src/shell/runtime.js";
import type { Command } from "../../src/shell/types.js";
import { createShellEngine } from "../../src/ui/shell-engine.js";

/** A command that corrupts the machine's free-frame count, as a kernel bug would. */
const corrupt: Command = {
  name: "corrupt",
  summary: "break an invariant (tests only)",
  prints: "nothing",
  usage: ["corrupt"],
  run(ctx) {
    (ctx.session as ShellSession).machine.phys.nrFree++;
    return { status: 0, blocks: [] };
  },
};
const commands = new Map([...COMMANDS, ["corrupt", corrupt]]);

function run(session: ShellSession, source: string) {
  let text = "";
  const outcome = runSource(
    session,
    source,
    (b) => {
      text += b.text;
    },
    { commands },
  );
  return { text, status: outcome.status };
}

describe("--check verifies the invariants after every command", () => {
  test("a broken invariant is reported with the line that broke it; the run stops with 70", () => {
    const session = createSession(Machine.boot(), undefined, { check: true });
    const free = session.machine.phys.nrFree;
    const r = run(session, "echo before\necho a; corrupt; echo b\necho after");
    expect(r.text).toBe(
      [
        "before",
        "a",
        `cowsh: invariant broken after 'echo a; corrupt; echo b': nrFree is ${free + 1} but ${free} frames are free`,
        "",
      ].join("\n"),
    );
    expect(r.status).toBe(70);
    expect(session.vars.get("?")).toBe("70");
  });

  test("several broken invariants: the first, and how many more", () => {
    const session = createSession(Machine.boot(), undefined, { check: true });
    run(session, "P=$(spawn /bin/sh)");
    const task = session.machine.tasks.get(3)!;
    task.mm!.rssAnon += 5;
    session.machine.phys.nrFree--;
    const r = run(session, "echo x");
    expect(r.text).toMatch(
      /^x\ncowsh: invariant broken after 'echo x': pid 3: RSS counters \d+\/\d+\/0 but PTEs \d+\/\d+\/0 \(and 1 more\)\n$/,
    );
  });

  test("without --check nothing is checked", () => {
    const session = createSession(Machine.boot());
    const r = run(session, "corrupt; echo still");
    expect(r).toEqual({ text: "still\n", status: 0 });
  });

  test("a sound machine passes every check: a whole scenario runs as without it", () => {
    const source = [
      "P=$(spawn /bin/sh)",
      "mmap $P 4M --name buf",
      "write $P buf",
      "C=$(fork $P)",
      "write $C buf+1M 1M",
      "exec $P /bin/sleep 1",
      "wait $P",
      "_exit $C",
      "wait $C",
      "cat /proc/meminfo | head -2",
    ].join("\n");
    const checked = run(createSession(Machine.boot(), undefined, { check: true }), source);
    const plain = run(createSession(Machine.boot()), source);
    expect(checked).toEqual(plain);
    expect(checked.status).toBe(0);
  });

  test("the interactive shell prints the report and goes on", async () => {
    const session = createSession(Machine.boot(), undefined, { check: true });
    const engine = createShellEngine(session);
    const lines: string[] = [];
    const line = async (text: string) => {
      const r = await engine.run(text, (b) => lines.push(b.text), new AbortController().signal);
      return r.status;
    };
    expect(await line("echo one")).toBe(0);
    session.machine.phys.nrFree++;
    expect(await line("echo two")).toBe(70);
    expect(await line("echo three")).toBe(70);
    expect(lines.join("")).toMatch(
      /^one\ntwo\ncowsh: invariant broken after 'echo two': nrFree is \d+ but \d+ frames are free\nthree\ncowsh: invariant broken after 'echo three': /,
    );
  });

  test("cowsh --check is an option of the command line", () => {
    expect(parseCommandLine(["--check", "-c", "ps"]).check).toBe(true);
    expect(parseCommandLine(["-c", "ps"]).check).toBe(false);
  });
});
