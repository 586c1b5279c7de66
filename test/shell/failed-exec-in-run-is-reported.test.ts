/**
 * A failed `exec` inside `run` is reported when it happens, as the child's
 * shell (dash) words it, and the child exits 127 (126 when the file is not
 * executable), as `sh -c 'exec /bin/nothere'` does on Linux.
 */
import { expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

test("run $P 'sleep 3; exec /bin/nothere': the message at that moment, status 127", () => {
  const transcript = runScript(
    [
      "P=$(spawn /bin/sh)",
      "run $P 'sleep 3; exec /bin/nothere'",
      "echo before",
      "sleep 5",
      "echo after",
      "wait $P; echo $?",
    ].join("\n"),
  );
  expect(transcript.text).toBe("before\nsh: 1: exec: /bin/nothere: not found\nafter\n127\n");
});

test("a file that is not executable: Permission denied, status 126; dmesg stays empty", () => {
  const transcript = runScript(
    ["P=$(spawn /bin/sh)", "run $P 'exec /etc/passwd'", "wait $P; echo $?", "dmesg"].join("\n"),
  );
  expect(transcript.text).toBe("sh: 1: exec: /etc/passwd: Permission denied\n126\n");
});
