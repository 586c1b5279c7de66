/**
 * vmmap, frames and explain with KSM pages: pages ksmd merged are drawn as
 * K (with their map count), the KSM frame as K, and explain tells the
 * merge and that a write always copies a KSM page.
 */
import { describe, expect, test } from "vitest";
import { smapsBlock } from "../../fs/proc/task-mmu.js";
import { tallyRuns } from "../../src/views/cells.js";
import { PAGE_KSM, PAGE_STATES, vmaItems } from "../../src/views/vmmap.js";
import { boot, kbFields, longest, sh } from "./pictures-helpers.js";

/** Two unrelated processes, each writing 64 pages of the same byte into mergeable memory; ksmd merges them. */
function merged() {
  const s = boot();
  const r = sh(
    s,
    `echo 1000 > /sys/kernel/mm/ksm/pages_to_scan
echo 1 > /sys/kernel/mm/ksm/run
A=$(spawn /bin/sh)
B=$(spawn /bin/sh)
for p in $A $B; do
  mmap $p 512K --name mem > /dev/null
  madvise $p mem 512K mergeable
  write $p mem 256K --byte 7
  write $p mem+256K 256K --random
done
sleep 1`,
  );
  if (r.stderr !== "") throw new Error(r.stderr);
  return s;
}

describe("KSM pages in the pictures", () => {
  test("vmmap draws merged pages as K with their map count, and a legend line for them", () => {
    const s = merged();
    const out = sh(s, "vmmap $A mem").stdout;
    const lines = out.split("\n");
    const at = lines.findIndex((l) => l.includes("[anon:mem]"));
    expect(lines[at + 1]).toBe(`7ffff7d52000 ${"K".repeat(64)}`);
    // 128 mappings (64 in each process) of one KSM page: 10 or more
    expect(lines[at + 2]).toBe(`${" ".repeat(13)}${"+".repeat(64)}`);
    expect(lines[at + 3]).toBe(`7ffff7d92000 ${"P".repeat(64)}`);
    expect(out).toContain("K KSM page: merged by ksmd, shared by content (under it: map count)");
    expect(longest(out)).toBeLessThanOrEqual(80);
  });

  test("the K pages are smaps' KSM line", () => {
    const s = merged();
    const m = s.machine;
    const mm = m.tasks.get(Number(s.vars.get("B")))!.mm!;
    const vma = mm.vmas.find((v) => v.end - v.start === 512 * 1024)!;
    const tally = tallyRuns(vmaItems(m.phys, mm, vma).runs, PAGE_STATES);
    expect(tally[PAGE_KSM]! * 4).toBe(kbFields(smapsBlock(m.phys, mm, vma, false)).get("KSM"));
    expect(tally[PAGE_KSM]).toBe(64);
  });

  test("frames draws the KSM page as K, mapped 10 or more times", () => {
    const s = merged();
    const out = sh(s, "frames --width 144").stdout;
    expect(out).toMatch(/\n[0-9a-f]{6} [^\n]*K[^\n]*\n/);
    expect(out).toContain("K KSM page: one frame for every page of its content that ksmd merged");
    const meminfo = kbFields(sh(s, "cat /proc/meminfo").stdout);
    expect(out).toMatch(new RegExp(`\\nanon +\\d+ +${meminfo.get("AnonPages")}   AnonPages`));
  });

  test("explain tells the merge, and that a write copies the page even when it is mapped once", () => {
    const s = merged();
    const story = sh(s, "explain $A mem+8K").stdout.replace(/\s+/g, " ");
    expect(story).toContain("KSM page: merged by ksmd");
    expect(story).toContain("128 mappings in 2 processes now share it");
    expect(story).toContain("A write now: do_wp_page -> wp_page_copy (a KSM page is never reused)");
    expect(story).toContain("The KSM page stays for the 127 other mappings");
    // B unmaps its memory, and A all but one page: the KSM page is mapped once
    const r = sh(s, "munmap $B mem 512K\nmunmap $A mem 8K\nmunmap $A mem+4K 500K");
    expect(r.stderr).toBe("");
    const once = sh(s, "explain $A mem+0").stdout.replace(/\s+/g, " ");
    expect(once).toContain("1 mapping in 1 process now share it");
    expect(once).toContain("A write now: do_wp_page -> wp_page_copy (a KSM page is never reused)");
    expect(once).toContain("This was its last mapping: the KSM page is freed");
    expect(sh(s, "write $A mem 1 -v").stdout).toContain("cow-copy=1");
  });
});
