/**
 * Tab completion over the live machine: command names, options from the
 * usage lines, PIDs where a command's usage says PID, mapping names where it
 * says `PID ADDR|MAPPING`, variables and paths.
 */
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../commands/index.js";
import { complete } from "../../src/shell/complete.js";
import { runScript } from "../helpers/run-script.js";

const { session } = runScript(
  "p=$(spawn /bin/sleep 100)\nmmap $p 16M --name buf\nmmap $p 8K --shared --name bulk\nfork $p",
);
const candidates = (line: string) => complete(session, line, line.length).candidates;

describe("completion", () => {
  it("completes command names, then a PID where the usage begins NAME PID", () => {
    expect(candidates("vm")).toEqual(["vmmap"]);
    expect(candidates("fork ")).toEqual(["1", "2", "3", "4"]);
    expect(candidates("vmmap 3")).toEqual(["3"]);
  });

  it("completes mapping names of that process for every command whose usage says PID ADDR|MAPPING", () => {
    const targets = [...COMMANDS.values()]
      .filter((c) =>
        c.usage.some((u) =>
          new RegExp(`^${c.name.replace(/[[\]\\^$.|?*+()]/g, "\\$&")} PID \\[?ADDR\\|MAPPING`).test(
            u,
          ),
        ),
      )
      .map((c) => c.name);
    expect(targets).toEqual(expect.arrayContaining(["write", "read", "vmmap", "explain", "smaps"]));
    for (const name of targets) {
      expect(candidates(`${name} 3 bu`), name).toEqual(["buf", "bulk"]);
      expect(candidates(`${name} $p bu`), name).toEqual(["buf", "bulk"]);
      expect(candidates(`${name} 4 bu`), name).toEqual(["buf", "bulk"]);
    }
  });

  it("skips options when counting operands, and lists PIDs throughout for PID...", () => {
    expect(candidates("write -v 3 [h")).toEqual(["[heap]"]);
    expect(candidates("pmap -x 1 ")).toEqual(["1", "2", "3", "4"]);
    expect(candidates("kill -9 2 ")).toEqual(["1", "2", "3", "4"]);
  });

  it("completes options, variables and paths", () => {
    expect(candidates("mmap 3 4K --sh")).toEqual(["--shared"]);
    expect(candidates("echo $")).toContain("$p");
    expect(candidates("cat /proc/3/smaps")).toEqual(["/proc/3/smaps", "/proc/3/smaps_rollup"]);
    expect(candidates("write 3 4K ")).not.toContain("buf");
  });
});

describe("completion of mremap", () => {
  it("completes its flags, and mapping names after --fixed (a place in the same process)", () => {
    expect(candidates("mremap 3 buf 16M 32M --")).toEqual(["--dontunmap", "--fixed", "--maymove"]);
    expect(candidates("mremap 3 buf 8K 8K --maymove --fixed bu")).toEqual(["buf", "bulk"]);
    expect(candidates("mremap $p bulk 8K 8K --maymove --fixed ")).toContain("[stack]");
  });
});

describe("completion of the swap commands", () => {
  const swapped = runScript(
    "fallocate -l 1M /s2; chmod 600 /s2; mkswap /s2 >/dev/null; swapon /s2",
    {
      swapBytes: 1024 * 1024,
    },
  ).session;
  const of = (line: string) => complete(swapped, line, line.length).candidates;

  it("swapoff offers the areas in use; mkswap and swapon files; their options from the usage", () => {
    expect(of("swapoff ")).toEqual(["/s2", "/swapfile"]);
    expect(of("swapoff /sw")).toEqual(["/swapfile"]);
    expect(of("mks")).toEqual(["mkswap"]);
    expect(of("swapon /s")).toEqual(expect.arrayContaining(["/s2", "/swapfile"]));
    expect(of("swapon --")).toEqual(["--bytes", "--noheadings", "--raw", "--show"]);
    expect(of("fallocate -")).toEqual(["-l"]);
  });
});
