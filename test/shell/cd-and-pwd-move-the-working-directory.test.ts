/**
 * The shell has a working directory, as bash does: `cd` and `pwd` change and
 * show it, PWD and OLDPWD follow it, and every simulated path typed
 * relative (command operands, redirections, globs, Tab completion) is taken
 * from it. Host paths (save, load, export-proc) are not.
 */
import { describe, expect, it } from "vitest";
import { complete } from "../../src/shell/complete.js";
import { runScript } from "../helpers/run-script.js";

describe("cd and pwd", () => {
  it("starts at /, cd with no argument goes $HOME, .. and . are normalised", () => {
    const r = runScript("pwd\necho $PWD $HOME\ncd /proc/1/../.\npwd\ncd\npwd; echo $PWD $OLDPWD");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("/\n/ /root\n/proc\n/root\n/root /proc\n");
  });

  it("cd - goes back to $OLDPWD and prints it; OLDPWD unset is an error", () => {
    const r = runScript("cd -; echo $?\ncd /tmp\ncd /proc\ncd -\npwd\ncd -\necho $OLDPWD");
    expect(r.stderr).toBe("cowsh: cd: OLDPWD not set\n");
    expect(r.stdout).toBe("1\n/tmp\n/tmp\n/proc\n/tmp\n");
  });

  it("fails as bash 5 does: missing directory, a file, too many arguments, bad option", () => {
    const r = runScript(
      "cd /nope; echo $?\ncd /proc/1/maps; echo $?\ncd /tmp /proc; echo $?\ncd -x /; echo $?\npwd x; echo $?\npwd",
    );
    expect(r.stderr).toBe(
      "cowsh: cd: /nope: No such file or directory\n" +
        "cowsh: cd: /proc/1/maps: Not a directory\n" +
        "cowsh: cd: too many arguments\n" +
        "cowsh: cd: -x: invalid option\ncd: usage: cd [-L|[-P [-e]] [-@]] [dir]\n" +
        "cowsh: pwd: too many arguments\n",
    );
    expect(r.stdout).toBe("1\n1\n1\n2\n1\n/\n");
  });

  it("-L keeps the path as typed, -P resolves /proc/self", () => {
    const r = runScript("cd /proc/self\npwd\npwd -L\npwd -P\ncd -P /proc/self\npwd");
    expect(r.stdout).toBe("/proc/self\n/proc/self\n/proc/2\n/proc/2\n");
  });

  it("a subshell's cd does not move its parent", () => {
    const r = runScript("(cd /proc; pwd)\npwd\necho $(cd /tmp; pwd) $PWD");
    expect(r.stdout).toBe("/proc\n/\n/tmp /\n");
  });

  it("help says what cd and pwd do", () => {
    const r = runScript("help cd; help pwd");
    expect(r.stdout).toContain("cd: change the shell's working directory");
    expect(r.stdout).toContain("usage: pwd [-LP]");
  });
});

describe("relative paths are taken from the working directory", () => {
  it("cat, head, wc, grep read relative to it", () => {
    const r = runScript(
      "P=$(spawn /bin/sleep 100)\ncd /proc/$P && cat smaps | head -1\ncat comm\nhead -n1 status\nwc -l < comm\ngrep -c Rss smaps_rollup\ncat ../1/comm",
    );
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^[0-9a-f]+-[0-9a-f]+ r/);
    expect(lines.slice(1)).toEqual(["sleep", "Name:\tsleep", "1", "1", "init", ""]);
  });

  it("ls with no operand lists it, ls NAME lists a name in it", () => {
    const r = runScript("truncate -s 4K /tmp/a /tmp/b\ncd /tmp\nls\nls a\nls -d .");
    expect(r.stdout).toBe("a\nb\na\n.\n");
  });

  it("redirections, truncate, rm and test use it", () => {
    const r = runScript(
      "cd /tmp\necho hi > f\ncat /tmp/f\necho more >> ./f\ncat < f\ntruncate -s 8K g\nls /tmp\nrm g\n[ -f f ] && echo yes\nls /tmp",
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("hi\nhi\nmore\nf\ng\nyes\nf\n");
  });

  it("globs match in it and stay relative", () => {
    const r = runScript("cd /proc/1\necho sm*\necho ../1/c*");
    expect(r.stdout).toBe("smaps smaps_rollup\n../1/clear_refs ../1/cmdline ../1/comm\n");
  });

  it("spawn ./prog and mmap --file NAME find the file from it", () => {
    const r = runScript(
      "cd /bin\nP=$(spawn ./sleep 100)\ncat /proc/$P/comm\ncd /tmp\ntruncate -s 8K data\nmmap $P 8K --file data > /dev/null; echo $?\ngrep -c /tmp/data /proc/$P/maps",
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("sleep\n0\n1\n");
  });

  it("Tab completes relative paths from it", () => {
    const { session } = runScript("cd /proc/1");
    const candidates = (line: string) => complete(session, line, line.length).candidates;
    expect(candidates("cat sm")).toEqual(["smaps", "smaps_rollup"]);
    expect(candidates("cat ../1/com")).toEqual(["../1/comm"]);
    expect(candidates("cat /proc/1/com")).toEqual(["/proc/1/comm"]);
  });
});

it("run PID 'exec ./prog' execs the file named from the directory at the time of run", () => {
  const r = runScript(
    "P=$(spawn /bin/sh)\ncd /bin\nrun $P 'sleep 1; exec ./sleep 5'\ncd /\nsleep 2\nps -o cmd -p $P",
  );
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe("CMD\nsleep 5\n");
});
