/**
 * `NAME --help` works for every command, so the "Try 'NAME --help'" that
 * usage errors suggest is honest: the GNU tools print their own help, echo
 * prints the word as bash's does, every other command the text of `help NAME`.
 */
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../commands/index.js";
import { runScript } from "../helpers/run-script.js";

describe("NAME --help", () => {
  for (const command of COMMANDS.values()) {
    it(`${command.name} --help prints its help and succeeds`, () => {
      const t = runScript(`${command.name} --help`);
      expect(t.stderr).toBe("");
      expect(t.status).toBe(0);
      if (command.name === "echo") expect(t.stdout).toBe("--help\n");
      else if (command.ownHelp) expect(t.stdout).toMatch(/^\n?Usage:/);
      else expect(t.stdout).toBe(runScript(`help ${command.name}`).stdout);
    });
  }

  it("is read only as the first argument: a program's own --help stays an argument", () => {
    const t = runScript("spawn /bin/sleep --help");
    expect(t.stdout).not.toContain("usage:");
  });

  it("answers the suggestion a usage error makes", () => {
    const bad = runScript("vmmap --bogus");
    expect(bad.stderr).toContain("Try 'vmmap --help' for more information.");
    expect(runScript("vmmap --help").stdout).toMatch(/^vmmap: picture a process's pages/);
  });
});

describe("help NAME says what the command prints", () => {
  for (const command of COMMANDS.values()) {
    it(`help ${command.name} has a prints: line`, () => {
      const t = runScript(`help '${command.name}'`);
      expect(t.stdout).toMatch(/\nprints: \S.*\n$/);
    });
  }

  it("spawn prints the PID; write without LENGTH writes the whole mapping", () => {
    expect(runScript("help spawn").stdout).toContain("prints: the new process's PID\n");
    expect(runScript("help write").stdout).toContain("without LENGTH it writes the whole mapping");
  });
});
