/**
 * Random inputs give the same output as the real GNU tools of this machine
 * (diff's choice of changes, sort's key rules, grep's BRE/ERE reading).
 * Opt-in, because it runs host binaries: COMPARE_WITH_GNU=1 npx vitest run test/commands/random-inputs-match-gnu.test.ts
 *
 * Known divergences are kept out of the generators (see posix-regex.ts):
 * repetition operators at an expression's start or on an anchor, where GNU's
 * two matchers disagree; -o with alternation (JS is leftmost-first, not
 * leftmost-longest); -x/-w, which GNU implements by pasting text around the pattern.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { diff } from "../../commands/diff.js";
import { grep } from "../../commands/grep.js";
import { sort } from "../../commands/sort.js";
import type { Command } from "../../src/shell/types.js";
import { type Ran, run } from "./fake-session.js";

const enabled = process.env.COMPARE_WITH_GNU === "1";

function gnu(argv: readonly string[], files: Record<string, string>): Ran {
  const dir = mkdtempSync(join(tmpdir(), "cowsh-cmp-"));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), content);
    utimesSync(join(dir, name), 0, 0);
  }
  const r = spawnSync(argv[0]!, argv.slice(1), {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: process.env.PATH, LC_ALL: "C.UTF-8", TZ: "UTC" },
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
}

/** Asserts cowsh's `command` and GNU's agree on `argv` over `files`. */
function agree(command: Command, argv: readonly string[], files: Record<string, string>): void {
  expect(run(command, argv, { files })).toEqual(gnu([command.name, ...argv], files));
}

const text = (alphabet: fc.Arbitrary<string>, maxLength: number): fc.Arbitrary<string> =>
  fc.array(alphabet, { maxLength }).map((lines) => lines.map((l) => `${l}\n`).join(""));

// Each test runs a GNU tool a thousand times: its own budget, above the suite's one minute.
const GNU_BUDGET_MS = 600_000;

describe.skipIf(!enabled)("random inputs match GNU", { timeout: GNU_BUDGET_MS }, () => {
  test("diff chooses the same changes", () => {
    const lines = text(fc.constantFrom("a", "b", "c", "", "d"), 14);
    const format = fc.constantFrom([], ["-u"], ["-U1"]);
    fc.assert(
      fc.property(lines, lines, format, (a, b, opts) =>
        agree(diff, [...opts, "x", "y"], { x: a, y: b }),
      ),
      { numRuns: 1000 },
    );
  });

  test("sort orders and deduplicates the same way", () => {
    const lines = text(fc.stringMatching(/^[ aAbB1-3.\-:KM]{0,6}$/), 8);
    const opts = fc.subarray([
      "-n",
      "-r",
      "-u",
      "-f",
      "-h",
      "-b",
      "-s",
      "-k2",
      "-k2,2n",
      "-t:",
      "-k1.2,1.3",
    ]);
    fc.assert(
      fc.property(lines, opts, (t, o) => agree(sort, [...o, "x"], { x: t })),
      { numRuns: 1000 },
    );
  });

  test("grep reads BRE and ERE the same way", () => {
    const tokens = [
      "a",
      "b",
      ".",
      "*",
      "^",
      "$",
      "\\(",
      "\\)",
      "(",
      ")",
      "|",
      "\\|",
      "+",
      "?",
      "\\+",
    ];
    const more = ["[ab]", "[^a]", "{2}", "\\{1,2\\}", "\\<", "\\>", "\\w", "x", "\\1"];
    const leadingRepetition = /(^|[\^$|(]|\\[<>|(])(\*|\+|\?|\\\+|\{|\\\{)/;
    const pattern = fc
      .array(fc.constantFrom(...tokens, ...more), { maxLength: 6 })
      .map((p) => p.join(""))
      .filter((p) => !leadingRepetition.test(p));
    const lines = text(fc.stringMatching(/^[abx ()|+*.^${}?]{0,6}$/), 6);
    const opts = fc.subarray(["-E", "-c", "-v", "-i", "-n"]);
    fc.assert(
      fc.property(pattern, lines, opts, (p, t, o) => agree(grep, [...o, "-e", p, "x"], { x: t })),
      { numRuns: 2000 },
    );
  });
});
