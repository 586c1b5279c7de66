/**
 * Each case of gnu-cases.ts prints, on stdout and stderr, exactly what the GNU
 * tool printed (gnu-fixtures.json), and exits with the same status.
 */
import { describe, expect, test } from "vitest";
import { diff } from "../../commands/diff.js";
import { grep } from "../../commands/grep.js";
import { head } from "../../commands/head.js";
import { sort } from "../../commands/sort.js";
import { tail } from "../../commands/tail.js";
import { wc } from "../../commands/wc.js";
import type { Command } from "../../src/shell/types.js";
import { run } from "./fake-session.js";
import { GNU_CASES } from "./gnu-cases.js";
import fixtures from "./gnu-fixtures.json" with { type: "json" };

const COMMANDS: Readonly<Record<string, Command>> = { diff, grep, head, sort, tail, wc };
const expected: Readonly<Record<string, { stdout: string; stderr: string; status: number }>> =
  fixtures;

describe("text tools print what GNU prints", () => {
  test.each(GNU_CASES.map((c) => [c.name, c] as const))("%s", (name, c) => {
    const [commandName, ...argv] = c.argv;
    const command = COMMANDS[commandName!]!;
    const options =
      c.stdin === undefined ? { files: c.files ?? {} } : { stdin: c.stdin, files: c.files ?? {} };
    expect(run(command, argv, options)).toEqual(expected[name]);
  });
});
