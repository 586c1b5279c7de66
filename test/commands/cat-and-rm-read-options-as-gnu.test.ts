/**
 * cat and rm read their options with GNU getopt, as coreutils does: an
 * unknown option is `invalid option -- 'z'` and the `Try` line, status 1,
 * never a file name; `--` ends the options; `rm -f` passes over a missing file.
 */
import { expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

test("cat: an unknown option is a usage error, -- ends the options, -u is accepted", () => {
  const r = runScript("cat -z /proc/1/comm; echo $?\ncat -u -- /proc/1/comm\ncat --bogus; echo $?");
  expect(r.stderr).toBe(
    "cat: invalid option -- 'z'\nTry 'cat --help' for more information.\n" +
      "cat: unrecognized option '--bogus'\nTry 'cat --help' for more information.\n",
  );
  expect(r.stdout).toBe("1\ninit\n1\n");
});

test("rm: -f passes over a missing file, an unknown option is a usage error", () => {
  const r = runScript(
    "truncate -s 4K /tmp/a\nrm -f /tmp/none /tmp/a; echo $?\nls /tmp\nrm -x /tmp/b; echo $?\nrm -f; echo $?",
  );
  expect(r.stderr).toBe("rm: invalid option -- 'x'\nTry 'rm --help' for more information.\n");
  expect(r.stdout).toBe("0\n1\n0\n");
});
