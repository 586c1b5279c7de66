/**
 * Behaviour of the text tools that the GNU fixtures cannot show: --help,
 * reading a pipe versus nothing, sessions without file access, binary input.
 */
import { describe, expect, test } from "vitest";
import { diff } from "../../commands/diff.js";
import { grep } from "../../commands/grep.js";
import { head } from "../../commands/head.js";
import { sort } from "../../commands/sort.js";
import { tail } from "../../commands/tail.js";
import { wc } from "../../commands/wc.js";
import { run, streams } from "./fake-session.js";

const TOOLS = [grep, head, tail, wc, sort, diff];

describe("--help prints the usage on stdout and exits 0", () => {
  test.each(TOOLS.map((t) => [t.name, t] as const))("%s", (name, tool) => {
    const r = run(tool, ["--help"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.startsWith(`Usage: ${name} `)).toBe(true);
    expect(tool.usage[0]!.startsWith(name)).toBe(true);
  });
});

test("without a pipe and without files, stdin reads as empty", () => {
  expect(run(wc, ["-l"])).toEqual({ stdout: "0\n", stderr: "", status: 0 });
  expect(run(grep, ["x"])).toEqual({ stdout: "", stderr: "", status: 1 });
});

test("a session that cannot read files reports ENOSYS in each tool's words", () => {
  const session = { vars: new Map<string, string>() };
  const r = streams(head.run({ stdin: undefined, session }, ["/proc/1/smaps"]));
  expect(r).toEqual({
    stdout: "",
    stderr: "head: cannot open '/proc/1/smaps' for reading: Function not implemented\n",
    status: 1,
  });
});

test("errno names become glibc's messages", () => {
  const session = {
    vars: new Map<string, string>(),
    readFile: () => ({ ok: false as const, errno: "ESRCH" }),
  };
  expect(streams(grep.run({ stdin: undefined, session }, ["Pss", "/proc/9/smaps"])).stderr).toBe(
    "grep: /proc/9/smaps: No such process\n",
  );
});

test("grep on a pipe names it (standard input) when names are shown", () => {
  expect(run(grep, ["-c", "a", "-", "f"], { stdin: "a\n", files: { f: "b\n" } }).stdout).toBe(
    "(standard input):1\nf:0\n",
  );
});

test("a pipeline of smaps-like text: grep, then sort, then head", () => {
  const smaps = "Rss: 16384 kB\nPss: 8192 kB\nShared_Dirty: 16384 kB\nPrivate_Dirty: 0 kB\n";
  const picked = run(grep, ["-E", "^(Pss|Private_Dirty):"], { stdin: smaps }).stdout;
  const sorted = run(sort, ["-k2,2n"], { stdin: picked }).stdout;
  expect(run(head, ["-n1"], { stdin: sorted }).stdout).toBe("Private_Dirty: 0 kB\n");
});

test("diff of stdin against a file calls stdin -", () => {
  const r = run(diff, ["-u", "-", "f"], { stdin: "a\n", files: { f: "b\n" } });
  expect(r.stdout.split("\n").slice(0, 2)).toEqual([
    "--- -\t1970-01-01 00:00:00.000000000 +0000",
    "+++ f\t1970-01-01 00:00:00.000000000 +0000",
  ]);
  expect(r.status).toBe(1);
});

test("diff -u headers print the files' simulated mtimes in UTC", () => {
  const session = {
    vars: new Map<string, string>(),
    readFile: (path: string) => ({
      ok: true as const,
      text: `${path}\n`,
      mtimeMs: 1_700_000_000_123,
    }),
  };
  const r = streams(diff.run({ stdin: undefined, session }, ["-u", "a", "b"]));
  expect(r.stdout.split("\n")[0]).toBe("--- a\t2023-11-14 22:13:20.123000000 +0000");
});

test("wc uses the size stat reports, so /proc files (size 0) get narrow columns", () => {
  const session = {
    vars: new Map<string, string>(),
    readFile: () => ({ ok: true as const, text: "a b\nc\n", size: 0 }),
  };
  expect(
    streams(wc.run({ stdin: undefined, session }, ["/proc/1/maps", "/proc/2/maps"])).stdout,
  ).toBe("2 3 6 /proc/1/maps\n2 3 6 /proc/2/maps\n4 6 12 total\n");
});
