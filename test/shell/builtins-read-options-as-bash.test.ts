/**
 * The builtins (read, cd, pwd, printf) read their options the one way
 * bash's internal_getopt does: letters cluster (`read -rp`), an option's
 * argument is the rest of its word or the next word, `--` ends the options,
 * and a bad letter or a missing argument is bash's message and status 2.
 */
import { expect, test } from "vitest";
import { builtinGetopt } from "../../src/shell/getopt.js";
import { runScript } from "../helpers/run-script.js";

test("builtinGetopt: clusters, attached and separate arguments, --, bash's messages", () => {
  expect(builtinGetopt(["-rp", "> ", "x"], "rp", "p")).toEqual({
    ok: true,
    options: [{ letter: "r" }, { letter: "p", value: "> " }],
    operands: ["x"],
  });
  expect(builtinGetopt(["-vX", "--", "-f"], "v", "v")).toEqual({
    ok: true,
    options: [{ letter: "v", value: "X" }],
    operands: ["-f"],
  });
  expect(builtinGetopt(["-", "-L"], "LP")).toEqual({
    ok: true,
    options: [],
    operands: ["-", "-L"],
  });
  expect(builtinGetopt(["-Lx"], "LP")).toEqual({ ok: false, message: "-x: invalid option" });
  expect(builtinGetopt(["-p"], "rp", "p")).toEqual({
    ok: false,
    message: "-p: option requires an argument",
  });
});

test("read takes clustered options and says when -p lacks its prompt, as bash", () => {
  const r = runScript(
    'read -rp "> " x y <<< "a\\\\b c"; echo "[$x][$y]"\nread -p; echo $?\nread -rx; echo $?',
  );
  expect(r.stdout).toBe("[a\\b][c]\n2\n2\n");
  const usage = "read: usage: read [-r] [-p prompt] [name ...]\n";
  expect(r.stderr).toBe(
    `cowsh: read: -p: option requires an argument\n${usage}cowsh: read: -x: invalid option\n${usage}`,
  );
});
