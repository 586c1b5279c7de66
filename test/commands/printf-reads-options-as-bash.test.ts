/**
 * printf reads its options as bash's builtin does: `-v VAR` assigns instead
 * of printing, `--` ends the options, any other leading `-` word is an
 * invalid option with bash's usage line, status 2.
 */
import { expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

test("printf -v VAR assigns, -vVAR too, -- lets a format start with -", () => {
  const r = runScript(
    'printf -v x "%d-%s" 3 a\necho "[$x]"\nprintf -vy %03d 7; echo $y\nprintf -- "-%s\\n" z',
  );
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe("[3-a]\n007\n-z\n");
});

test("printf: bad options as bash words them, status 2", () => {
  const r = runScript(
    'printf -x a; echo $?\nprintf -v; echo $?\nprintf -v 1a b; echo $?\nprintf "-%s" q; echo $?',
  );
  const usage = "printf: usage: printf [-v var] format [arguments]\n";
  expect(r.stderr).toBe(
    `cowsh: printf: -x: invalid option\n${usage}` +
      `cowsh: printf: -v: option requires an argument\n${usage}` +
      "cowsh: printf: `1a': not a valid identifier\n" +
      `cowsh: printf: -%: invalid option\n${usage}`,
  );
  expect(r.stdout).toBe("2\n2\n2\n2\n");
});
