/**
 * `expect`, the assertion of self-checking scripts: silent when the figure
 * is right; otherwise the actual value on stderr and status 1, so that
 * `cowsh -e` stops there.
 */
import { describe, expect, test } from "vitest";
import { runMore, runScript } from "../helpers/run-script.js";

const SETUP = `P=$(spawn /bin/sh)
BUF=$(mmap $P 16M --name buf)
write $P buf
C=$(fork $P)
`;

function check(source: string, errexit = false) {
  const r = runScript(`${SETUP}${source}`, {}, { errexit });
  return { ...r, pid: r.session.vars.get("C") };
}

describe("expect FILE [MAPPING] FIELD OP VALUE", () => {
  test("a right figure prints nothing and leaves status 0", () => {
    const r = check("expect /proc/$C/smaps buf Pss = 8192");
    expect(r.text).toBe("");
    expect(r.status).toBe(0);
  });

  test("a wrong figure prints the file, mapping, field, what was expected and what was found", () => {
    const r = check("expect /proc/$C/smaps buf Pss = 8704");
    expect(r.stderr).toBe(`expect: /proc/${r.pid}/smaps buf Pss: expected 8704, got 8192\n`);
    expect(r.stdout).toBe("");
    expect(r.status).toBe(1);
  });

  test("with -e, a failing expect stops the script with status 1", () => {
    const r = check("expect /proc/$C/smaps buf Pss = 1\necho not reached", true);
    expect(r.stdout).not.toContain("not reached");
    expect(r.status).toBe(1);
  });

  test("orderings compare numbers, spelled as in test(1) or quoted", () => {
    const holds = check(
      "expect /proc/$C/smaps buf Rss -gt 8192 && expect /proc/$C/smaps buf Pss '<=' 8192 && expect /proc/$C/smaps buf Pss != 0 && expect /proc/$C/smaps buf Private_Dirty -lt 1",
    );
    expect(holds.text).toBe("");
    expect(holds.status).toBe(0);
    const fails = check("expect /proc/$C/smaps buf Pss '>' 9000");
    expect(fails.stderr).toBe(
      `expect: /proc/${fails.pid}/smaps buf Pss: expected > 9000, got 8192\n`,
    );
  });

  test("a MAPPING may be an address or a mapping name with an offset", () => {
    const r = check(
      "B=$(mmap $C 4K --name small)\nexpect /proc/$C/smaps $B Rss = 0\nexpect /proc/$C/smaps buf+8M Rss = 16384",
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  test("files without mappings: status, smaps_rollup, meminfo; words compare by their first word", () => {
    const r = check(
      "expect /proc/$C/status State = S\nexpect /proc/$C/status Name = sh\nexpect /proc/$C/smaps_rollup Rss -gt 16384\nexpect /proc/meminfo MemTotal -gt 0",
    );
    expect(r.stderr).toBe("");
    const wrong = check("expect /proc/$C/status State = R");
    expect(wrong.stderr).toBe(
      `expect: /proc/${wrong.pid}/status State: expected R, got S (sleeping)\n`,
    );
  });

  test("what cannot be checked says why", () => {
    const r = check(
      [
        "expect /proc/99/smaps buf Pss = 1",
        "expect /proc/$C/smaps nope Pss = 1",
        "expect /proc/$C/smaps Pss = 1",
        "expect /proc/$C/status Bogus = 1",
        "expect /proc/$C/status buf Pss = 1",
        "expect /proc/$C/status State -lt S",
        "expect one two",
      ].join("\n"),
    );
    expect(r.stderr.split("\n")).toEqual([
      "expect: /proc/99/smaps: No such file or directory",
      `expect: nope: no such mapping in process ${r.pid}`,
      expect.stringMatching(
        new RegExp(`^expect: /proc/${r.pid}/smaps Pss: [0-9]+ such fields \\(name a mapping\\)$`),
      ),
      `expect: /proc/${r.pid}/status Bogus: no such field`,
      `expect: /proc/${r.pid}/status: a mapping can be named only in /proc/PID/smaps`,
      "expect: <: S is not a number",
      expect.stringMatching(/^expect: usage: expect FILE/),
      "",
    ]);
  });
});

describe("CMD | expect FIELD OP VALUE, and plain values", () => {
  test("a field of piped text: a `FIELD:` line or a `FIELD=value` word", () => {
    const r = check(
      "write $P buf 1M -v | expect cow-copy = 256\nsmaps $C buf | expect Shared_Dirty = 15360",
    );
    expect(r.text).toBe("");
    const wrong = check("write $P buf 1M -v | expect minflt = 1");
    expect(wrong.stderr).toBe("expect: minflt: expected 1, got 256\n");
    const missing = check("write $P buf 1M -v | expect reuse = 1");
    expect(missing.stderr).toBe("expect: reuse: no such field in the input\n");
  });

  test("expect $? = 0 compares two values", () => {
    const { session } = runScript("true_status=0");
    expect(runMore(session, "expect 0 = 0")).toBe("");
    expect(runMore(session, "cat /nope 2>/dev/null; expect $? = 0")).toBe(
      "expect: expected 0, got 1\n",
    );
    expect(runMore(session, "expect abc != abd")).toBe("");
  });

  test("help lists it", () => {
    expect(runScript("help").stdout).toMatch(/^ {2}expect +check a figure/m);
    expect(runScript("help expect").stdout).toContain("CMD | expect FIELD OP VALUE");
  });
});
