/**
 * The `cowsh` command (dist/bin/cowsh.sh, written at build by
 * scripts/launcher.mjs) with a stand-in `node` first on PATH, which reports
 * how it was started instead of running cowsh:
 * - at a terminal with no arguments it paints exactly the bytes the binary
 *   paints (earlyScreen) at every width, with the terminal in Node's raw
 *   mode, and hands Node the settings it saved;
 * - with arguments, or standard input not a terminal, it execs Node at once
 *   with the arguments as given, touching nothing, and never passes on a
 *   COWSH_LAUNCHER_TTY of its own environment;
 * - started through a symbolic link (npm's bin links), it finds the binary
 *   beside itself.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { earlyScreen, GREETING_WIDTH } from "../../src/cli/greeting.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const LAUNCHER = join(ROOT, "dist/bin/cowsh.sh");
const BINARY = join(ROOT, "dist/bin/cowsh.js");
const HAVE_SCRIPT = spawnSync("script", ["--version"]).status === 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A `node` that prints its arguments, the variable, and the terminal's mode, then restores it. */
const FAKE_NODE = `#!/bin/sh
printf '<node %s>' "$*"
printf '<var %s>' "\${COWSH_LAUNCHER_TTY-unset}"
if [ -t 0 ]; then
  printf '<raw %s>' "$(stty -g)"
  [ -n "\${COWSH_LAUNCHER_TTY-}" ] && stty "$COWSH_LAUNCHER_TTY"
  printf '<restored %s>' "$(stty -g)"
fi
`;

describe.skipIf(!existsSync(LAUNCHER) && !process.env.CI)("the cowsh command (launcher)", () => {
  const dir = mkdtempSync(join(tmpdir(), "cowsh-launcher-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "node"), FAKE_NODE);
  chmodSync(join(dir, "node"), 0o755);
  const env = { ...process.env, PATH: `${dir}:${process.env.PATH}`, COWSH_LAUNCHER_TTY: "stale" };

  /** Runs `command` (sh) on a pseudo-terminal `columns` wide; what the terminal received. */
  function onTerminal(columns: number, command: string): string {
    const r = spawnSync(
      "script",
      ["-q", "-e", "-c", `stty rows 24 cols ${columns} sane; ${command}`, "/dev/null"],
      { env, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] },
    );
    expect(r.stderr).toBe("");
    return r.stdout;
  }

  /** Node's raw mode (setRawMode(true)) from the same settings, as `stty -g`. */
  function nodeRawMode(): string {
    const script = `process.stdin.setRawMode(true); process.stdout.write(require("node:child_process").spawnSync("stty", ["-g"], { stdio: ["inherit", "pipe", "inherit"] }).stdout.toString().trim()); process.stdin.setRawMode(false);`;
    return onTerminal(80, `${process.execPath} -e '${script}'`);
  }

  test.skipIf(!HAVE_SCRIPT)(
    "alone at a terminal: the binary's first screen at every width, raw mode, the saved settings",
    () => {
      const raw = nodeRawMode();
      expect(raw).toMatch(/^[0-9a-f:]+$/);
      for (let columns = 1; columns <= GREETING_WIDTH + 2; columns++) {
        const out = onTerminal(columns, `stty -g; printf '|'; ${LAUNCHER}`);
        const [before, rest] = out.split("|");
        const saved = before!.trim();
        const painted = earlyScreen(columns).replaceAll("\n", "\r\n");
        expect(rest, `at ${columns} columns`).toBe(
          `${painted}<node ${BINARY}><var ${saved}><raw ${raw}><restored ${saved}>`,
        );
      }
    },
    120_000,
  );

  test.skipIf(!HAVE_SCRIPT)("with arguments at a terminal: straight to Node, untouched", () => {
    const out = onTerminal(80, `stty -g; printf '|'; ${LAUNCHER} -c 'echo "a  b"'`);
    const [before, rest] = out.split("|");
    const saved = before!.trim();
    expect(rest).toBe(
      `<node ${BINARY} -c echo "a  b"><var unset><raw ${saved}><restored ${saved}>`,
    );
  });

  test.skipIf(!HAVE_SCRIPT)(
    "a fatal signal before it execs Node: the settings put back, death by the same signal",
    async () => {
      // An `stty` that stops at `stty size` until the file `go` exists.
      const slow = join(dir, "slow");
      mkdirSync(slow, { recursive: true });
      writeFileSync(
        join(slow, "stty"),
        `#!/bin/sh\nif [ "$1" = size ]; then : > "${dir}/in-size"; while [ ! -e "${dir}/go" ]; do sleep 0.02; done; fi\nexec /usr/bin/stty "$@"\n`,
      );
      chmodSync(join(slow, "stty"), 0o755);
      for (const signal of ["SIGTERM", "SIGHUP", "SIGINT"] as const) {
        for (const f of ["in-size", "go", "pid", "before", "after", "status"])
          rmSync(join(dir, f), { force: true });
        const inner = `sh -c 'echo $$ > "${dir}/pid"; exec "${LAUNCHER}"'`;
        const command = `stty sane; stty -g > "${dir}/before"; ${inner}; echo $? > "${dir}/status"; stty -g > "${dir}/after"`;
        const child = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], {
          env: { ...env, PATH: `${slow}:${env.PATH}` },
          stdio: ["pipe", "ignore", "ignore"],
        });
        const ended = new Promise((resolve) => child.on("close", resolve));
        while (!existsSync(join(dir, "in-size"))) await sleep(20);
        process.kill(Number(readFileSync(join(dir, "pid"), "utf8")), signal);
        writeFileSync(join(dir, "go"), "");
        await ended;
        const read = (f: string) => readFileSync(join(dir, f), "utf8").trim();
        expect(read("status"), signal).toBe(String(128 + constants.signals[signal]));
        expect(read("after"), signal).toBe(read("before"));
      }
    },
    60_000,
  );

  test("standard input not a terminal, and through a symbolic link: straight to Node", () => {
    const link = join(dir, "bin-link");
    symlinkSync(LAUNCHER, link);
    for (const command of [LAUNCHER, link]) {
      const r = spawnSync(command, [], { env, encoding: "utf8", input: "echo hi\n" });
      expect(r.stdout).toBe(`<node ${BINARY}><var unset>`);
      expect(r.status).toBe(0);
    }
  });

  test("`node dist/bin/cowsh` still runs the binary: the launcher does not shadow it", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "dist/bin/cowsh"), "-c", "echo ok"], {
      encoding: "utf8",
    });
    expect(r.stdout).toBe("ok\n");
    expect(r.status).toBe(0);
  });

  test("`node dist/bin/cowsh.sh` runs the binary too, and sh parses the whole launcher", () => {
    const args = [join(ROOT, "demo/fork-exec.cowsh")];
    const viaLauncher = spawnSync(process.execPath, [LAUNCHER, ...args], { encoding: "utf8" });
    const direct = spawnSync(process.execPath, [BINARY, ...args], { encoding: "utf8" });
    expect(viaLauncher.stderr).toBe("");
    expect(viaLauncher.stdout).toMatch(/^Shared_Dirty: +16384 kB$/m);
    expect(viaLauncher.stdout).toBe(direct.stdout);
    expect(viaLauncher.status).toBe(direct.status);
    const piped = spawnSync(process.execPath, [LAUNCHER], { encoding: "utf8", input: "exit 3\n" });
    expect(piped.status).toBe(3);
    expect(spawnSync("sh", ["-n", LAUNCHER]).status).toBe(0);
  });
});
