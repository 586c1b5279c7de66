/**
 * free prints what procps-ng 4.0.2's free prints for the same
 * /proc/meminfo. fixtures/free/free.out was captured by
 * fixtures/free/capture.sh, which bind-mounts each *.meminfo there over
 * /proc/meminfo (the only file free reads) and runs the real free with each
 * line of options.txt: two meminfo files cowsh printed (a fresh 8 GiB
 * machine, a busy 1 GiB one), the busy one with 256 MiB of swap in use, and
 * the capture machine's own (24 GiB). When this test runs as root with
 * unshare(1), it also feeds the machine's live meminfo to the real free.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { runFree } from "../../commands/free.js";
import { complete } from "../../src/shell/complete.js";
import { runScript } from "../helpers/run-script.js";

const here = new URL("./fixtures/free/", import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, here), "utf8");

interface Case {
  readonly meminfo: string;
  readonly options: string;
  readonly output: string;
}

/** The records of free.out: `@@ FILE free OPTIONS`, then the output. */
function cases(): Case[] {
  const list: { meminfo: string; options: string; output: string[] }[] = [];
  for (const line of fixture("free.out").split("\n").slice(0, -1)) {
    const head = /^@@ (\S+\.meminfo) free ?(.*)$/.exec(line);
    if (head !== null) list.push({ meminfo: head[1]!, options: head[2]!, output: [] });
    else if (!line.startsWith("@@ ") && list.length > 0) list[list.length - 1]!.output.push(line);
  }
  return list.map((c) => ({ ...c, output: c.output.join("\n") }));
}

/** cowsh's free with `options` over the meminfo text `meminfo`: stdout and stderr together. */
function cowshFree(meminfo: string, options: string): string {
  const argv = options === "" ? [] : options.split(" ");
  const r = runFree(argv, { meminfo: () => meminfo, advance: () => {} });
  return r.blocks.map((b) => b.text).join("");
}

describe("free against procps-ng's free, for the same meminfo", () => {
  const all = cases();

  test("the fixture holds every option set for every meminfo", () => {
    const options = fixture("options.txt").split("\n").slice(0, -1);
    expect(all.length).toBe(4 * options.length);
    expect(fixture("free.out")).toContain("@@ version free from procps-ng 4.0.2");
  });

  test.each(all.map((c) => [c.meminfo, c.options, c] as const))("%s: free %s", (_f, opts, c) => {
    expect(cowshFree(fixture(c.meminfo), opts)).toBe(`${c.output}\n`);
  });
});

describe("free on the machine", () => {
  test("reads the machine's /proc/meminfo; swap is 0 0 0 without swap", () => {
    const r = runScript("free; cat /proc/meminfo");
    const [report, meminfo] = [r.stdout.split("\n").slice(0, 3).join("\n"), r.stdout];
    expect(`${report}\n`).toBe(cowshFree(meminfo.split("\n").slice(3).join("\n"), ""));
    expect(r.stdout.split("\n")[2]).toBe("Swap:              0           0           0");
  });

  test("-c 3 -s 2: three reports a blank line apart, two seconds of simulated time between", () => {
    const r = runScript(
      "cat /proc/uptime; free -c 3 -s 2 | grep -c Mem:; free -c 3 -s 2 | grep -c '^$'; cat /proc/uptime",
    );
    const [up0, mems, blanks, up1] = r.stdout.split("\n");
    expect([mems, blanks]).toEqual(["3", "2"]);
    expect(Number(up1!.split(" ")[0]) - Number(up0!.split(" ")[0])).toBeCloseTo(8, 1);
  });

  test.each([
    ["free -z", "free: invalid option -- 'z'\n"],
    ["free --bogus", "free: unrecognized option '--bogus'\n"],
    ["free -s", "free: option requires an argument -- 's'\n"],
    ["free foo", ""],
  ])("%s: the usage on stderr, status 1", (line, first) => {
    const r = runScript(line);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.startsWith(`${first}\nUsage:\n free [options]\n`)).toBe(true);
    expect(r.stderr.endsWith("For more details see free(1).\n")).toBe(true);
  });

  test.each([
    ["free -b -m", "free: Multiple unit options don't make sense.\n"],
    ["free -s x -c 2", "free: seconds argument failed: 'x': Invalid argument\n"],
    ["free -s 0 -c 2", "free: seconds argument `0' is not positive number\n"],
    ["free -c 0", "free: failed to parse count argument: '0': Numerical result out of range\n"],
    ["free -c x", "free: failed to parse count argument: 'x'\n"],
  ])("%s: procps's message, status 1", (line, message) => {
    expect(runScript(line)).toMatchObject({ stdout: "", stderr: message, status: 1 });
  });

  test("--help on stdout, status 0; -V", () => {
    const r = runScript("free --help");
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n").slice(0, 3)).toEqual(["", "Usage:", " free [options]"]);
    expect(runScript("free -V").stdout).toBe("free from procps-ng 4.0.2\n");
  });
});

test("completion offers free and its options", () => {
  const { session } = runScript("");
  const candidates = (line: string) => complete(session, line, line.length).candidates;
  expect(candidates("fre")).toEqual(["free"]);
  expect(candidates("free --w")).toEqual(["--wide"]);
  expect(candidates("free --g")).toEqual(["--gibi", "--giga"]);
});

/**
 * Whether the real free can be fed a meminfo here: root (CAP_SYS_ADMIN, to
 * bind-mount in a private mount namespace), unshare and free. Not a
 * host-tools.ts suite: what it needs is a privilege CI containers may lack,
 * and the captured fixture above checks the same thing everywhere.
 */
function canFeedRealFree(): boolean {
  if (process.getuid?.() !== 0) return false;
  const r = spawnSync("unshare", [
    "-m",
    "sh",
    "-c",
    "mount --bind /proc/version /proc/meminfo && free -V",
  ]);
  return r.status === 0;
}

const live = canFeedRealFree();
if (!live)
  console.warn("skipped: free against the real free, live: needs root, unshare and procps' free");

/** The real free's output for every option set of options.txt, given `meminfo` as /proc/meminfo. */
function expectRealFree(meminfo: string): void {
  const dir = mkdtempSync(join(tmpdir(), "cowsh-free-"));
  try {
    const file = join(dir, "meminfo");
    writeFileSync(file, meminfo);
    for (const opts of fixture("options.txt").split("\n").slice(0, -1)) {
      const real = spawnSync(
        "unshare",
        ["-m", "sh", "-c", `mount --bind '${file}' /proc/meminfo && free ${opts}`],
        { encoding: "utf8" },
      );
      expect(cowshFree(meminfo, opts), `free ${opts}`).toBe(real.stdout);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.runIf(live)("free against the real free, live", () => {
  test("a machine with swap in use (pageout, shared memory swapped too), every option set", () => {
    const r = runScript(
      "P=$(spawn /bin/sh); A=$(mmap $P 100M); write $P $A 60M; madvise $P $A 13M pageout; S=$(mmap $P 8M --shared); write $P $S 8M; madvise $P $S 3M pageout; cat /proc/meminfo",
      { memBytes: 512 * 1024 * 1024, swapBytes: 256 * 1024 * 1024 },
    );
    expect(r.stdout).toMatch(/^SwapFree: +2[0-9]{5} kB$/m); // 16 MiB of 256 in use
    expectRealFree(r.stdout);
  });

  test("a busy machine's meminfo, every option set", () => {
    const r = runScript(
      "P=$(spawn /bin/sh); A=$(mmap $P 100M); write $P $A 60M; S=$(mmap $P 8M --shared); write $P $S 8M; cat /proc/meminfo",
      { memBytes: 512 * 1024 * 1024 },
    );
    expectRealFree(r.stdout);
  });
});
