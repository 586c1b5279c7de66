/**
 * pmap prints what procps-ng 4.0.2's pmap prints.
 *
 * - cowsh's `pmap` of `/usr/bin/sleep` against real pmap's output for the
 *   same program run the same way (pmap-fixtures/, captured by capture.sh):
 *   identical bytes for pmap, -x and -d; for -X and -XX every column but
 *   Pss, which counts the other processes mapping libc on each machine.
 * - The formatter on a real process's /proc against the real pmap run at
 *   the same moment, when this machine has procps-ng 4.0's pmap: every
 *   option, byte for byte, zombies included.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type ExtendedState,
  formatPmap,
  newExtendedState,
  type PmapMode,
  type PmapOptions,
  pmapCommand,
  readsSmaps,
} from "../../commands/lib/pmap/format.js";
import { tempDir } from "../export/scenario.js";
import { describeWithTools, missingTool } from "../helpers/host-tools.js";
import { runScript } from "../helpers/run-script.js";

const fixture = (name: string) =>
  readFileSync(new URL(`pmap-fixtures/${name}`, import.meta.url), "utf8");

/** cowsh's output of `pmap OPTS` for a fresh `spawn /usr/bin/sleep 1000`, its PID shown as PID. */
function cowshSleep(opts: string): string {
  const t = runScript(`P=$(spawn /usr/bin/sleep 1000); pmap ${opts} $P`);
  expect(t.stderr).toBe("");
  return t.stdout.replace(/^\d+:/, "PID:");
}

/** -X's table as rows of {column: value}, cut at the header's right-aligned column ends. */
function table(text: string): Record<string, string>[] {
  const [, header, ...rest] = text.split("\n");
  const cols = [...header!.matchAll(/\S+/g)].map((m) => ({
    name: m[0],
    end: m.index + m[0].length,
  }));
  return rest
    .filter((l) => l.trim() !== "")
    .map((line) => {
      const row: Record<string, string> = {};
      let from = 0;
      cols.forEach((c, i) => {
        const last = i === cols.length - 1;
        row[c.name] = (last ? line.slice(from) : line.slice(from, c.end)).trim();
        from = c.end;
      });
      return row;
    });
}

describe("cowsh's pmap of /usr/bin/sleep against the real pmap's", () => {
  test.each([
    ["", "sleep.txt"],
    ["-x", "sleep-x.txt"],
    ["-d", "sleep-d.txt"],
  ])("pmap %s: the same bytes", (opts, file) => {
    expect(cowshSleep(opts)).toBe(fixture(file));
  });

  test.each([
    ["-X", "sleep-X.txt"],
    ["-XX", "sleep-XX.txt"],
  ])("pmap %s: the same columns, and values but those counting other processes", (opts, file) => {
    const real = fixture(file);
    const ours = cowshSleep(opts);
    expect(ours.split("\n")[0]).toBe(real.split("\n")[0]);
    expect(ours.split("\n")[1]!.trim().split(/\s+/)).toEqual(
      real.split("\n")[1]!.trim().split(/\s+/),
    );
    // Pss, and whether a clean file page is shared or private, depend on what
    // else maps libc and the locale files: other processes on each machine.
    const strip = (rows: Record<string, string>[]) =>
      rows.map(({ Pss: _p, Shared_Clean: _s, Private_Clean: _c, ...rest }) => rest);
    expect(strip(table(ours))).toEqual(strip(table(real)));
  });

  test("the real capture is procps-ng 4.0.2's", () => {
    expect(fixture("version.txt")).toBe("pmap from procps-ng 4.0.2\n");
  });
});

describe("pmap's behaviour around the map", () => {
  const script = `
P=$(spawn /usr/bin/sleep 1000)
A=$(mmap $P 1M --shared)
B=$(mmap $P 8K --name buf)
C=$(fork $P)
_exit $C
`;
  test("names: [ stack ], [ anon ] for [heap] and [anon:NAME], a deleted file's basename", () => {
    const t = runScript(`${script}pmap $P`);
    expect(t.stdout).toContain("132K rw---   [ stack ]\n");
    expect(t.stdout).toContain("132K rw---   [ anon ]\n"); // [heap]
    expect(t.stdout).toContain("   1024K rw-s- zero (deleted)\n");
    expect(t.stdout).toContain("      8K rw---   [ anon ]\n");
    expect(runScript(`${script}pmap -p $P`).stdout).toContain(" rw-s- /dev/zero (deleted)\n");
  });

  test("a zombie: its [comm] <defunct>, an empty map and zero totals", () => {
    expect(runScript(`${script}pmap $C`).stdout).toBe(
      "4:   [sleep] <defunct>\n total                0K\n",
    );
    expect(runScript(`${script}pmap -x $C`).stdout).toBe(
      "4:   [sleep] <defunct>\n" +
        "Address           Kbytes     RSS   Dirty Mode  Mapping\n" +
        "---------------- ------- ------- ------- \n" +
        "total kB               0       0       0\n",
    );
    expect(runScript(`${script}pmap -X $C`).stdout).toBe("4:   [sleep] <defunct>\n");
  });

  test("operands and errors as procps-ng: /proc/PID, 42 for a missing PID, exclusive modes", () => {
    expect(runScript("pmap -q /proc/1").stdout).toMatch(/^1: {3}\/sbin\/init\n0000/);
    const missing = runScript("pmap 1 99");
    expect(missing.status).toBe(42);
    expect(missing.stdout).toMatch(/^1: {3}/);
    const both = runScript("pmap -x -X 1");
    expect(both).toMatchObject({
      status: 1,
      stderr: "pmap: options -c, -C, -d, -n, -N, -x, -X are mutually exclusive\n",
    });
    expect(runScript("pmap").stderr).toMatch(/^\nUsage:\n pmap \[options\] PID \[PID \.\.\.\]\n/);
    expect(runScript("pmap -x abc").status).toBe(1);
    expect(runScript("pmap -V").stdout).toBe("pmap from procps-ng 4.0.2\n");
  });
});

/* ---- the formatter against the real pmap, on this machine's /proc ---- */

const PMAP = missingTool("procps (pmap)", "pmap", ["-V"], (version) =>
  version.includes("procps-ng 4.0") ? null : `pmap is ${version.trim()}, not procps-ng 4.0`,
);

/** What pmap reads of process `pid` in the real /proc. */
function realProcess(pid: number, mode: PmapMode) {
  const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, "latin1");
  return {
    tgid: pid,
    command: pmapCommand(cmdline, comm, fields[0]!),
    startStack: BigInt(fields[25]!),
    text: readFileSync(`/proc/${pid}/${readsSmaps(mode) ? "smaps" : "maps"}`, "latin1"),
  };
}

const MODES: [string[], PmapOptions][] = [
  [[], { mode: "maps", quiet: false, showPath: false }],
  [["-x"], { mode: "extended", quiet: false, showPath: false }],
  [["-X"], { mode: "X", quiet: false, showPath: false }],
  [["-XX"], { mode: "XX", quiet: false, showPath: false }],
  [["-d"], { mode: "device", quiet: false, showPath: false }],
  [["-q"], { mode: "maps", quiet: true, showPath: false }],
  [["-x", "-q"], { mode: "extended", quiet: true, showPath: false }],
  [["-X", "-q"], { mode: "X", quiet: true, showPath: false }],
  [["-d", "-q"], { mode: "device", quiet: true, showPath: false }],
  [["-p"], { mode: "maps", quiet: false, showPath: true }],
  [["-x", "-p"], { mode: "extended", quiet: false, showPath: true }],
  [["-XX", "-p"], { mode: "XX", quiet: false, showPath: true }],
];

/**
 * The dynamic loader and libc this node runs with. The processes pmap looks
 * at run private copies of them and of sleep, so that no other process maps
 * a file they map: pmap mapping its own libc while it reads their smaps, or
 * any `sleep` started elsewhere on the host meanwhile (another test file, a
 * shell script), would otherwise change their Pss and Shared/Private split
 * between our read of smaps and pmap's, and the comparison would fail only
 * when the machine is busy (one full run in three; never alone).
 */
function runtimeLibraries(): { loader: string; libc: string } | null {
  const maps = readFileSync("/proc/self/maps", "latin1");
  const path = (re: RegExp) =>
    maps
      .split("\n")
      .map((l) => l.slice(73))
      .find((p) => re.test(p));
  const loader = path(/\/ld-linux[^/]*\.so\.2$/);
  const libc = path(/\/libc\.so\.6$/);
  return loader === undefined || libc === undefined ? null : { loader, libc };
}

/** A file of /proc/PID, or "" when the process is not (or no longer) there. */
function readProc(pid: number, name: string): string {
  try {
    return readFileSync(`/proc/${pid}/${name}`, "latin1");
  } catch {
    return "";
  }
}

/** Polls `ready` every 10 ms for up to 20 s; throws naming `what` if it never holds. */
async function waitFor(what: string, ready: () => boolean): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (ready()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describeWithTools("the formatter against the real pmap on live processes", [PMAP], () => {
  const { dir, cleanup } = tempDir();
  let sleeper: ChildProcess;
  let parent: ChildProcess;
  let zombie = 0;

  beforeAll(async () => {
    const libs = runtimeLibraries();
    if (libs === null) throw new Error("cannot find this node's ld.so and libc in /proc/self/maps");
    copyFileSync(libs.libc, join(dir, "libc.so.6"));
    copyFileSync(libs.loader, join(dir, "ld.so"));
    chmodSync(join(dir, "ld.so"), 0o755);
    copyFileSync("/usr/bin/sleep", join(dir, "sleep"));
    const sleep60 = `${dir}/ld.so --library-path ${dir} ${dir}/sleep 60`;
    const env = { ...process.env, LC_ALL: "C" };
    sleeper = spawn("sh", ["-c", `exec ${sleep60}`], { stdio: "ignore", env });
    // A child that is never waited for: a background `head -c1` of a shell that then execs
    // sleep. The child exits only when the test writes a byte, after the exec: had it exited
    // before, bash would have reaped it (it did when the machine was loaded), leaving no zombie.
    parent = spawn(
      "bash",
      ["-c", `exec 3<&0; head -c1 <&3 >/dev/null & echo $!; exec ${sleep60} <&- 3<&-`],
      {
        stdio: ["pipe", "pipe", "ignore"],
        env,
      },
    );
    zombie = await new Promise<number>((ok) =>
      parent.stdout!.once("data", (d: Buffer) => ok(Number(String(d).trim()))),
    );
    await waitFor("both sleepers to run the private sleep", () =>
      [sleeper.pid!, parent.pid!].every((p) => readProc(p, "maps").includes(`${dir}/sleep`)),
    );
    parent.stdin!.end("x");
    await waitFor(`pid ${zombie} to be a zombie`, () => readProc(zombie, "stat").includes(") Z "));
  });
  afterAll(() => {
    sleeper.kill();
    parent.kill();
    cleanup();
  });

  /** Runs the formatter and pmap on the same state: retried while the processes' smaps move. */
  function compare(args: string[], o: PmapOptions, pids: number[]): void {
    for (let attempt = 0; ; attempt++) {
      const state: ExtendedState = newExtendedState();
      const before = pids.map((p) => realProcess(p, o.mode));
      const real = spawnSync("pmap", [...args, ...pids.map(String)], {
        encoding: "latin1",
        env: { ...process.env, LC_ALL: "C" },
      });
      const after = pids.map((p) => realProcess(p, o.mode));
      if (
        JSON.stringify(before, (_k, v) => (typeof v === "bigint" ? String(v) : v)) !==
          JSON.stringify(after, (_k, v) => (typeof v === "bigint" ? String(v) : v)) &&
        attempt < 5
      )
        continue;
      const ours = before.map((p) => formatPmap(p, o, state)).join("");
      expect(ours, `pmap ${args.join(" ")} ${pids.join(" ")}`).toBe(real.stdout);
      return;
    }
  }

  test.each(MODES)("pmap %j of a sleeping process", (args, o) => {
    compare(args, o, [sleeper.pid!]);
  });

  test.each(MODES)("pmap %j of a zombie", (args, o) => {
    compare(args, o, [zombie]);
  });

  test.each(MODES)("pmap %j of two processes and a zombie (-X keeps its columns)", (args, o) => {
    compare(args, o, [sleeper.pid!, zombie, parent.pid!]);
  });
});
