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

describe("exec builds the address space Linux builds", () => {
  test.each(captured.map((p) => [p.spec.name, p] as const))("%s", (name, { spec, capture }) => {
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
  });
});
