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

test("printf -v with a bad conversion assigns what came before it, as bash 5.2", () => {
  const r = runScript(
    'X=old; printf -v X "ab%y" 1; echo "$? [$X]"\nprintf -v X "%z" 1; echo "$? [$X]"\n' +
      'printf -v X "a%zb" 1; echo "$? [$X]"\nprintf -v X "ab%"; echo "$? [$X]"\nprintf "x%yz\\n"; echo " $?"',
  );
  expect(r.stdout).toBe("1 [ab]\n1 []\n0 [a1]\n1 [ab]\nx 1\n");
  expect(r.stderr).toBe(
    "cowsh: printf: `y': invalid format character\n" +
      "cowsh: printf: `%z': missing format character\n" +
      "cowsh: printf: `%': missing format character\n" +
      "cowsh: printf: `y': invalid format character\n",
  );
});
