import { describe, expect, test } from "vitest";
import { type ChangesView, compareText, markedText } from "../../src/views/changes.js";
import { forked, sh } from "./pictures-helpers.js";

describe("cat of a /proc file it showed before", () => {
  test("prints the file's bytes exactly, as a changes view the terminal can colour", () => {
    const s = forked();
    sh(s, "cat /proc/$P/smaps_rollup");
    sh(s, "write $P buf+2M 1M");
    const again = sh(s, "cat /proc/$P/smaps_rollup");
    const plain = s.readFile!(`/proc/${s.vars.get("P")}/smaps_rollup`);
    expect(plain.ok && again.stdout).toBe(plain.ok ? plain.text : "");
    const block = again.blocks[0]!;
    expect(block.kind).toBe("view");
    if (block.kind !== "view") return;
    const view = block.view as ChangesView;
    expect(view.kind).toBe("changes");
    const pss = view.lines.find((l) => l.text.startsWith("Pss:"))!;
    expect(pss.kind).toBe("changed");
    if (pss.kind === "changed") {
      expect(pss.was).toBe("10457");
      expect(pss.spans.filter((x) => x.changed).map((x) => x.text)).toEqual(["10969"]);
    }
    expect(view.lines.find((l) => l.text.startsWith("Rss:"))?.kind).toBe("same");
  });

  test("--changes marks changed lines in plain text", () => {
    const s = forked();
    sh(s, "cat /proc/$P/smaps_rollup");
    sh(s, "write $P buf+2M 1M");
    const out = sh(s, "cat --changes /proc/$P/smaps_rollup").stdout;
    expect(out).toContain("Pss:               10969 kB  <- was 10457\n");
    expect(out).toContain("Private_Dirty:      3072 kB  <- was 2048\n");
    expect(out).toContain("Rss:               19144 kB\n");
  });

  test("pipes and redirections get the plain bytes", () => {
    const s = forked();
    sh(s, "cat /proc/$P/status");
    sh(s, "write $P buf+2M 1M");
    expect(sh(s, "cat /proc/$P/smaps_rollup | grep -c kB").stdout).toBe("22\n");
    sh(s, "cat /proc/$P/smaps_rollup");
    sh(s, "write $P buf+4M 1M");
    const piped = sh(s, "cat /proc/$P/smaps_rollup | grep ^Pss:").stdout;
    expect(piped).toBe(sh(s, "grep ^Pss: /proc/$P/smaps_rollup").stdout);
    sh(s, "cat /proc/$P/smaps_rollup > /tmp/rollup");
    expect(sh(s, "cat /tmp/rollup").stdout).toBe(sh(s, "cat /proc/$P/smaps_rollup").stdout);
  });

  test("new and vanished mappings show as new and gone lines", () => {
    const s = forked();
    sh(s, "cat /proc/$P/maps");
    sh(s, "mmap $P 64K --name extra; munmap $P shm 1M");
    const out = sh(s, "cat --changes /proc/$P/maps").stdout;
    expect(out).toMatch(/\[anon:extra\] {2}<- new\n/);
    expect(out).toMatch(/<- gone: 7ffff7cd2000-7ffff7dd2000 rw-s .*\[anon_shmem:shm\]\n/);
  });

  test("nothing changed, or never shown: plain output", () => {
    const s = forked();
    const first = sh(s, "cat --changes /proc/$P/smaps_rollup");
    expect(first.blocks[0]?.kind).toBe("out");
    expect(first.stdout).not.toContain("<-");
    const same = sh(s, "cat /proc/$P/smaps_rollup");
    expect(same.blocks[0]?.kind).toBe("out");
  });

  test("remembers per session", () => {
    const a = forked();
    const b = forked();
    sh(a, "cat /proc/$P/smaps_rollup");
    sh(b, "write $P buf+2M 1M");
    expect(sh(b, "cat /proc/$P/smaps_rollup").blocks[0]?.kind).toBe("out");
  });

  test("help documents the marks", () => {
    expect(sh(forked(), "help cat").stdout).toContain("<- was OLD");
  });
});

describe("compareText", () => {
  test("pairs a changed line with the old one by its label and marks the words that differ", () => {
    const lines = compareText(
      "A: 1 kB\nB: 2 kB\nC: 3 kB\n",
      "A: 1 kB\nB: 20 kB\nC: 3 kB\nD: 4 kB\n",
    );
    expect(lines.map((l) => l.kind)).toEqual(["same", "changed", "same", "new"]);
    expect(markedText(lines)).toBe("A: 1 kB\nB: 20 kB  <- was 2\nC: 3 kB\nD: 4 kB  <- new\n");
  });

  test("a replaced line with another label is new, and the old one gone", () => {
    const lines = compareText("A: 1\nB: 2\n", "A: 1\nX: 2\n");
    expect(markedText(lines)).toBe("A: 1\nX: 2  <- new\n<- gone: B: 2\n");
  });

  test("keeps the new text's spacing and tabs in its spans", () => {
    const [line] = compareText("VmRSS:\t    100 kB\n", "VmRSS:\t   1000 kB\n");
    expect(line?.kind).toBe("changed");
    if (line?.kind === "changed")
      expect(line.spans.map((x) => x.text).join("")).toBe("VmRSS:\t   1000 kB");
  });
});
