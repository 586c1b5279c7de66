import { describe, expect, test } from "vitest";
import { explainVma } from "../../commands/lib/explain/vma.js";
import { smapsBlock } from "../../fs/proc/task-mmu.js";
import { forked, kbFields, longest, pidOf, sh } from "./pictures-helpers.js";

describe("explain PID MAPPING", () => {
  const s = forked();
  const out = sh(s, "explain $P buf").stdout;

  test("groups the pages by map count, dirtiness and kind", () => {
    expect(out).toContain("4096 pages (16384 kB): 4096 present and counted, 0 not present.\n");
    expect(out).toContain(
      "   3840          2  yes    anon   Shared_Dirty     8388608 = 4096<<12 / 2\n" +
        "    256          1  yes    anon   Private_Dirty   16777216 = 4096<<12\n",
    );
  });

  test("shows how Pss 8704 kB arises, in the kernel's fixed point", () => {
    expect(out).toContain(
      "Pss:                8704 kB = (3840 × 4096<<12/2 + 256 × 4096<<12) >> 22\n" +
        "                            = (32212254720 + 4294967296) >> 22\n" +
        "                            = 36507222016 >> 22 = 8704\n",
    );
    expect(out).toContain(
      "Pss_Dirty:          8704 kB = the same sum: every counted page is dirty\n",
    );
    expect(out).toContain(
      "Shared_Dirty:      15360 kB = 3840 pages × 4 kB: map count 2 or more, dirty\n",
    );
    expect(out).toContain("Private_Dirty:      1024 kB = 256 pages × 4 kB: map count 1, dirty\n");
    expect(out).not.toContain("warning");
    expect(longest(out)).toBeLessThanOrEqual(80);
  });

  test("a third sharer: 5461 kB, and the truncation the shift makes", () => {
    const t = forked();
    sh(t, "exec $C /bin/sleep 9; D=$(fork $P); E=$(fork $P)");
    const three = sh(t, "explain $P buf").stdout;
    expect(three).toContain(
      "Pss:                5461 kB = 4096 × 4096<<12/3 >> 22\n" +
        "                            = 22906490880 >> 22 = 5461\n",
    );
  });

  test.each(["P", "C"] as const)("every figure of every mapping of %s is smaps's", (who) => {
    const m = s.machine;
    sh(s, "read $C shm");
    const task = m.tasks.get(pidOf(s, who))!;
    const mm = task.mm!;
    for (const vma of mm.vmas) {
      const text = explainVma(m, task as typeof task & { mm: typeof mm }, vma);
      const mine = kbFields(text);
      const theirs = kbFields(smapsBlock(m.phys, mm, vma, false));
      for (const [label, kb] of mine)
        expect(kb, `${label} of ${vma.start.toString(16)}`).toBe(theirs.get(label));
      expect(text).not.toContain("warning");
    }
  });
});
