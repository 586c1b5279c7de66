/**
 * seq reads its options with GNU getopt as coreutils' seq does: long forms
 * and clusters (`-ws,`), no permutation (the first operand ends the
 * options), a negative number is an operand.
 */
import { expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

test("seq: long options, clusters, -- and negative numbers", () => {
  const r = runScript(
    "seq --separator=, 3\nseq -ws, 8 10\nseq --equal-width 8 10\nseq -- -1 1\nseq -2 -1\nseq --sep=: 2 3",
  );
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe("1,2,3\n08,09,10\n08\n09\n10\n-1\n0\n1\n-2\n-1\n2:3\n");
});

test("seq: errors as GNU words them, status 1", () => {
  const r = runScript("seq 1 3 -w; echo $?\nseq -x 3; echo $?\nseq -s; echo $?");
  const tryLine = "Try 'seq --help' for more information.\n";
  expect(r.stderr).toBe(
    `seq: invalid floating point argument: '-w'\n${tryLine}` +
      `seq: invalid option -- 'x'\n${tryLine}` +
      `seq: option requires an argument -- 's'\n${tryLine}`,
  );
  expect(r.stdout).toBe("1\n1\n1\n");
});
