import { describe, expect, test } from "vitest";
import type { FramesView } from "../../src/views/frames.js";
import { boot, forked, kbFields, longest, sh } from "./pictures-helpers.js";

/** The totals table: owner -> [frames, kB, the meminfo figure beside it]. */
function totals(text: string): Map<string, number[]> {
  const rows = new Map<string, number[]>();
  for (const line of text.split("\n")) {
    const m = /^(anon|file|shmem|free|total|kernel|mapped) +(\d+) +(\d+) {3}.*?(\d+)? kB$/.exec(
      line,
    );
    if (m !== null) rows.set(m[1]!, [Number(m[2]), Number(m[3]), Number(m[4])]);
    const k = /^kernel +(\d+) +(\d+)/.exec(line);
    if (k !== null) rows.set("kernel", [Number(k[1]), Number(k[2])]);
  }
  return rows;
}

describe("frames", () => {
  const s = forked();
  const r = sh(s, "frames");
  const meminfo = kbFields(sh(s, "cat /proc/meminfo").stdout);
  const t = totals(r.stdout);

  test("is a view block of kind frames, 80 columns wide", () => {
    expect(r.status).toBe(0);
    expect(r.blocks[0]?.kind).toBe("view");
    if (r.blocks[0]?.kind === "view") expect((r.blocks[0].view as FramesView).kind).toBe("frames");
    expect(longest(r.stdout)).toBeLessThanOrEqual(80);
  });

  test("its totals by owner are the /proc/meminfo figures", () => {
    expect(t.get("anon")![1]).toBe(meminfo.get("AnonPages"));
    expect(t.get("shmem")![1]).toBe(meminfo.get("Shmem"));
    expect(t.get("file")![1]).toBe(meminfo.get("Cached")! - meminfo.get("Shmem")!);
    expect(t.get("free")![1]).toBe(meminfo.get("MemFree"));
    expect(t.get("total")![1]).toBe(meminfo.get("MemTotal"));
    expect(t.get("mapped")![1]).toBe(meminfo.get("Mapped"));
    for (const [owner, [frames, kb, shown]] of t) {
      expect(kb, owner).toBe(frames! * 4);
      if (owner !== "kernel") expect(shown, owner).toBe(kb);
    }
  });

  test("the buffer's 4096 pages are anonymous frames, 3840 of them mapped twice", () => {
    expect(r.stdout).toMatch(/mapped frames by map count: 1: \d+ {3}2: \d+/);
    const twice = Number(/ 2: (\d+)/.exec(r.stdout)![1]);
    expect(twice).toBeGreaterThanOrEqual(3840);
    expect(r.stdout).toMatch(/\n[0-9a-f]{6} A+\n {7}2+\n/);
  });

  test("draws the frames handed out so far with its alphabet and a legend", () => {
    const rows = r.stdout.split("\n").filter((l) => /^[0-9a-f]{6} /.test(l));
    expect(rows.length).toBeGreaterThan(4);
    for (const row of rows) expect(row.slice(7)).toMatch(/^[#.AFfSsa~]+$/);
    expect(r.stdout).toContain("the frames handed out so far, PFN 0x9000-");
    expect(r.stdout).toContain("# kernel   . free   A anonymous   F file, mapped");
  });

  test("--all draws all of RAM: the kernel's frames first, then the rest, mostly free", () => {
    const all = sh(s, "frames --all").stdout;
    expect(all).toContain("all 2097152 frames of RAM, PFN 0x0-0x200000: 1 cell = 1024 frames");
    expect(all).toMatch(/\n000000 #{36}/);
    expect(all).toMatch(/\*\s+\(\d+ more rows the same\)/);
    expect(longest(all)).toBeLessThanOrEqual(80);
  });

  test("after the child exits, its frames are counted free again", () => {
    const e = forked();
    const before = totals(sh(e, "frames").stdout);
    sh(e, "kill $C");
    const after = totals(sh(e, "frames").stdout);
    expect(after.get("free")![0]).toBeGreaterThan(before.get("free")![0]!);
    expect(after.get("total")![0]).toBe(before.get("total")![0]);
  });

  test("rejects operands and bad options", () => {
    expect(sh(boot(), "frames 3").status).toBe(2);
    expect(sh(boot(), "frames --nope").stderr).toContain("unrecognized option '--nope'");
  });
});
