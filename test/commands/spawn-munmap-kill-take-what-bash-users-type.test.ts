/**
 * Commands as bash users type them: `spawn sleep` finds /bin/sleep in
 * $PATH, `munmap PID MAPPING` unmaps the whole mapping, `kill -l` lists the
 * signals as bash does.
 */
import { expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";

test("spawn looks a bare name up in $PATH, as execvp does", () => {
  const r = runScript("P=$(spawn sleep 5)\ngrep Name /proc/$P/status\nspawn nothere");
  expect(r.stdout).toBe("Name:\tsleep\n");
  expect(r.stderr).toBe("spawn: nothere: No such file or directory\n");
  expect(r.status).toBe(127);
});

test("munmap without a length unmaps the whole mapping", () => {
  const r = runScript(
    "P=$(spawn /bin/sh)\nmmap $P 1M --name buf >/dev/null\nmunmap $P buf\ngrep -c buf /proc/$P/maps",
  );
  expect(r.stdout).toBe("0\n");
});

test("kill -l lists the signals, five a line; kill -l N names one", () => {
  const r = runScript("kill -l\nkill -l 9 TERM");
  expect(r.stdout).toBe(
    " 1) SIGHUP\t 2) SIGINT\t 3) SIGQUIT\t 4) SIGILL\t 6) SIGABRT\n" +
      " 7) SIGBUS\t 8) SIGFPE\t 9) SIGKILL\t10) SIGUSR1\t11) SIGSEGV\n" +
      "12) SIGUSR2\t13) SIGPIPE\t14) SIGALRM\t15) SIGTERM\nKILL\n15\n",
  );
});

test("kill speaks bash: one errno format, status 1; init and the login shell ignore SIGTERM", () => {
  const r = runScript("kill 999; echo $?\nkill 1; echo $?\nkill 2; echo $?\nkill abc; echo $?");
  expect(r.stdout).toBe("1\n0\n0\n1\n");
  expect(r.stderr).toBe(
    "kill: (999) - No such process\nkill: abc: arguments must be process IDs\n",
  );
});
