/**
 * exec of each captured Debian program builds the address space Linux built
 * for it (test/rootfs/fixtures/NAME/run1/final, captured under setarch -R):
 * the same maps, byte for byte, and per VMA the same resident, anonymous
 * and dirty memory.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { showMaps, showSmaps } from "../../fs/proc/task-mmu.js";
import { Machine } from "../../src/kernel/machine.js";
import { LAZY_PROGRAMS } from "../../src/kernel/rootfs-image.js";
import { capturedPrograms } from "../rootfs/captured.js";

const fixture = (name: string, file: string): string =>
  readFileSync(new URL(`../rootfs/fixtures/${name}/run1/final/${file}`, import.meta.url), "utf8");

/** smaps: per VMA header -> the fields that do not depend on who else maps the pages. */
function ownFigures(smaps: string): Map<string, string> {
  const figures = new Map<string, string>();
  let header = "";
  let values: string[] = [];
  for (const line of smaps.split("\n")) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) {
      header = line;
      values = [];
    } else if (/^(Rss|Private_Dirty|Anonymous|Size):/.test(line)) {
      values.push(line.replace(/\s+/g, " "));
    } else if (line.startsWith("VmFlags:")) {
      figures.set(header, [...values, line].join(" | "));
    }
  }
  return figures;
}

const captured = capturedPrograms.filter(({ spec }) => spec.parent === undefined);
/** The programs whose image is read at their first exec (src/kernel/programs/NAME.json). */
const lazy = new Set(LAZY_PROGRAMS.map((p) => p.name));

/** maps with the inode column blanked (a shared anonymous zone's inode is the kernel's own). */
const withoutInodes = (maps: string): string =>
  maps.replace(/^(\S+ \S+ \S+ \S+) +\d+ */gm, "$1 - ");

describe("exec builds the address space Linux builds", () => {
  test.each(captured.filter((p) => !lazy.has(p.spec.name)).map((p) => [p.spec.name, p] as const))(
    "%s",
    (name, { spec, capture }) => {
      const m = Machine.boot();
      const pid = m.spawn(capture.execPath, spec.argv);
      expect(pid.ok).toBe(true);
      if (!pid.ok) return;
      const mm = m.tasks.get(pid.value)!.mm;
      if (capture.capturedAt === "exit_group") {
        // true and ls exit at once in cowsh; the capture stopped them just before.
        expect(m.tasks.get(pid.value)!.isZombie).toBe(true);
        return;
      }
      expect(showMaps(mm)).toBe(fixture(name, "maps"));
      expect(ownFigures(showSmaps(m.phys, mm, false))).toEqual(ownFigures(fixture(name, "smaps")));
    },
  );
});

describe("exec of a program read at its first exec builds what Linux built (issue 14)", () => {
  test.each(captured.filter((p) => lazy.has(p.spec.name)).map((p) => [p.spec.name, p] as const))(
    "%s: every VMA byte-exact apart from inode numbers, and its own smaps figures",
    (name, { spec, capture }) => {
      const m = Machine.boot();
      const pid = m.spawn(capture.execPath, spec.argv);
      expect(pid.ok).toBe(true);
      if (!pid.ok) return;
      // nginx's master forks its workers itself (program-actions.ts): its smaps
      // are the capture's after they ran (test/rootfs/nginx-forks-its-workers-as-captured.test.ts)
      const mm = m.tasks.get(pid.value)!.mm;
      const maps = showMaps(mm);
      expect(withoutInodes(maps)).toBe(withoutInodes(fixture(name, "maps")));
      // the files' inodes are the capture's too; only anonymous shared memory differs
      const fileLines = (text: string): string[] =>
        text.split("\n").filter((l) => / \/(?!dev\/zero)/.test(l));
      expect(fileLines(maps)).toEqual(fileLines(fixture(name, "maps")));
      expect(ownFigures(withoutInodes(showSmaps(m.phys, mm, false)))).toEqual(
        ownFigures(withoutInodes(fixture(name, "smaps"))),
      );
    },
  );

  test("the four are not in the root image every start-up loads, and are in src/kernel/programs", () => {
    expect([...lazy].sort()).toEqual(["nginx", "perl", "python3", "redis-server"]);
    for (const name of lazy)
      expect(
        capturedPrograms.find((p) => p.spec.name === name)?.spec.startup.length,
      ).toBeGreaterThan(0);
  });
});
