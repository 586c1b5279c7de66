/**
 * The acceptance experiment: demo/fork-exec.cowsh, run in batch mode, prints
 * every figure the real kernel printed for the same system calls
 * (/work/shared/truth/expected-output.txt, copied to the fixture beside it).
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { EXPECTED, EXPECTED_SMAPS_LINES, sections } from "../helpers/experiment.js";
import { runScript } from "../helpers/run-script.js";

const demo = readFileSync(new URL("../../demo/fork-exec.cowsh", import.meta.url), "utf8");
const expected = EXPECTED;
const { stdout, stderr, status } = runScript(demo, {}, { scriptName: "demo/fork-exec.cowsh" });

const smapsLines = EXPECTED_SMAPS_LINES;
const got = sections(stdout);

describe("demo/fork-exec.cowsh matches the real kernel", () => {
  test("runs cleanly", () => {
    expect(stderr).toBe("");
    expect(status).toBe(0);
  });

  test.each(smapsLines)("%s", (line) => {
    const [step, role, region, ...fields] = line.split(" ");
    const section = got.get(`${step} ${role} ${region}`);
    expect(section, `section ${step} ${role} ${region}`).toBeDefined();
    for (const f of fields) {
      const [name, value] = f.split("=") as [string, string];
      expect(section!.get(name), `${name}`).toBe(Number(value));
    }
  });

  test("minor faults: 256 on the copy, 256 on the reuse, 0 on the second write", () => {
    const faults = expected
      .split("\n")
      .filter((l) => l.includes("minflt="))
      .map((l) => Number(/minflt=(\d+)/.exec(l)![1]));
    const writes = stdout
      .split("\n")
      .filter((l) => l.startsWith("minflt="))
      .map((l) => Number(/minflt=(\d+)/.exec(l)![1]));
    expect(writes.slice(-3)).toEqual(faults);
    expect(faults).toEqual([256, 256, 0]);
  });

  test("the frame changes on the copy and not on the reuse", () => {
    const pfns = stdout
      .split("\n")
      .filter((l) => l.startsWith("present="))
      .map((l) => /pfn=(0x[0-9a-f]+)/.exec(l)![1]);
    expect(pfns).toHaveLength(4);
    const copied = pfns[0] !== pfns[1];
    const reused = pfns[2] === pfns[3];
    expect(expected).toContain(
      `3-parent-writes-first-MiB minflt=256 frame_changed=${copied ? "yes" : "no"}`,
    );
    expect(expected).toContain(
      `5-parent-writes-unwritten-MiB minflt=256 frame_changed=${reused ? "no" : "yes"}`,
    );
  });

  test("the child sleeps (S) and then is /bin/sleep", () => {
    expect(stdout).toContain(
      "Name:\tsh\nState:\tS (sleeping)\nName:\tsleep\nState:\tS (sleeping)\n",
    );
  });
});
