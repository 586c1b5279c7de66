/**
 * `kill -9 2` as root kills the login shell, as on Linux: cowsh says once
 * what that means and goes on; init adopts the shell's children, /proc/self
 * is init's directory, new processes are init's children, and commands
 * that take PIDs keep working for the other processes.
 */
import { expect, test } from "vitest";
import { runMore, runScript } from "../helpers/run-script.js";

const NOTE =
  "cowsh: the login shell (PID 2) was killed by SIGKILL. On Linux that ends this session.\n" +
  "cowsh: the machine goes on: init (PID 1) adopts the shell's children, and commands now run as init (/proc/self is 1).\n";

test("kill of the login shell with a signal it ignores or handles changes nothing", () => {
  const r = runScript("kill 2; echo $?\nkill -INT 2; echo $?\nkill -s QUIT 2; echo $?\nps -p 2");
  expect(r.stderr).toBe("");
  expect(r.stdout).toMatch(/^0\n0\n0\n.*\n +2 .* bash\n$/);
});

test("kill -9 2 kills the login shell; cowsh says what that means, once, as the kill ends", () => {
  const r = runScript("P=$(spawn sleep 100)\nkill -9 2; echo $?\necho after\nps -o pid,ppid,cmd");
  expect(r.text).toBe(
    `${NOTE}0\nafter\n  PID  PPID CMD\n    1     0 /sbin/init\n    3     1 sleep 100\n`,
  );
});

test("afterwards commands run as init, and spawn, kill and wait still work", () => {
  const r = runScript("kill -HUP 2");
  expect(r.stderr).toContain("the login shell (PID 2) was killed by SIGHUP.");
  expect(runMore(r.session, "head -1 /proc/self/status; ls -l /proc | grep self")).toBe(
    "Name:\tinit\nlrwxrwxrwx 1 root root 0 Jan  1 00:00 self -> 1\n" +
      "lrwxrwxrwx 1 root root 0 Jan  1 00:00 thread-self -> 1\n",
  );
  expect(
    runMore(
      r.session,
      "P=$(spawn sleep 1); ps -o ppid -p $P\nwait $P; echo $?\nQ=$(spawn sleep 9); kill $Q; echo $?\nps -o pid",
    ),
  ).toBe(" PPID\n    1\n0\n0\n  PID\n    1\n");
  expect(runMore(r.session, "kill -9 2")).toBe("kill: (2) - No such process\n");
});

test("a script that _exits the login shell is told so too", () => {
  const r = runScript("_exit 2 3");
  expect(r.stderr).toBe(NOTE.replace("was killed by SIGKILL", "exited with status 3"));
});
