/**
 * explain and huge pages: why a page is (or is not) mapped huge, why a
 * mapping's THPeligible is what smaps prints, and a hugetlb page's story.
 */
import { describe, expect, test } from "vitest";
import { boot, kbFields, longest, sh } from "./pictures-helpers.js";

const flat = (text: string): string => text.replace(/\s+/g, " ");

/** Runs `script` on a fresh machine booted with `config`; returns a runner for more. */
function session(config: Parameters<typeof boot>[0], script: string) {
  const s = boot(config);
  const r = sh(s, script);
  if (r.stderr !== "") throw new Error(r.stderr);
  return (source: string) => sh(s, source).stdout;
}

/** smaps' THPeligible for a mapping. */
const eligible = (run: (s: string) => string, target: string): number =>
  Number(/THPeligible:\s+(\d)/.exec(run(`smaps $P ${target}`))![1]);

describe("explain PID ADDR: THPs (the tests run in order, on one machine)", () => {
  const run = session(
    { thp: "madvise" },
    "P=$(spawn /bin/sh)\nmmap $P 4M --name buf\nmadvise $P buf 4M hugepage\nwrite $P buf 2M",
  );

  test("a page mapped by a huge PMD: the folio, its head, this tail, AnonHugePages", () => {
    const out = run("explain $P buf+4K");
    expect(out).toContain(
      "Huge page: a THP mapped by one PMD over 0x7ffff7800000-0x7ffff7a00000\n",
    );
    expect(flat(out)).toMatch(
      /an order-9 folio of 512 frames, head PFN 0x[0-9a-f]+; this page is its tail frame 1\./,
    );
    expect(flat(out)).toContain("1 PMD in all processes maps the folio whole");
    expect(longest(out)).toBeLessThanOrEqual(80);
  });

  test("explain PID MAPPING: AnonHugePages and THPeligible 1, as smaps prints them", () => {
    const out = run("explain $P buf");
    const smaps = kbFields(run("smaps $P buf"));
    expect(out).toContain(
      `AnonHugePages:  ${String(smaps.get("AnonHugePages")).padStart(8)} kB = 1 huge PMD × 2048 kB`,
    );
    expect(eligible(run, "buf")).toBe(1);
    expect(out).toContain("THPeligible:           1\n");
    expect(flat(out)).toContain(
      "An aligned 2 MiB fits: 0x7ffff7800000-0x7ffff7a00000 lies inside the VMA.",
    );
  });

  test("an untouched page of an eligible 2 MiB: the first touch maps a THP", () => {
    const out = flat(run("explain $P buf+2M"));
    expect(out).toContain("Huge page: no, a 4 KiB page");
    expect(out).toContain("enabled is always [madvise] never; the VMA has hg (MADV_HUGEPAGE) set");
    expect(out).toContain("has no page table yet: the first touch maps a THP");
  });

  test("after a read: the huge zero page, and a write would make a new THP", () => {
    run("read $P buf+2M 1");
    const out = flat(run("explain $P buf+3M"));
    expect(out).toContain(
      "Huge page: the huge zero page, by one PMD over 0x7ffff7a00000-0x7ffff7c00000",
    );
    expect(out).toContain("A write now: do_huge_pmd_wp_page, a new THP");
    // its frame as pagemap names it, and no list of the 512 PTEs that map the zero page
    const pfn = /pfn=(0x[0-9a-f]+)/.exec(run("pagemap $P buf+3M"))![1];
    expect(out).toContain(`Frame: PFN ${pfn}, a page of the huge zero page`);
    expect(out).not.toContain("Mapped by");
  });

  test("after fork and a write: the written 2 MiB is a split THP, mapped by PTEs", () => {
    run("C=$(fork $P)\nwrite $P buf 1");
    const out = flat(run("explain $P buf+8K"));
    expect(out).toContain("Huge page: a frame of a THP, mapped by a PTE (its PMD was split)");
    expect(out).toMatch(/The frame is page 2 of the order-9 folio at PFN 0x[0-9a-f]+/);
  });
});

describe("explain: why THPeligible is 0, and why a page is small", () => {
  test("madvise mode without hg: THPeligible 0; an ordinary page gets no huge-page section", () => {
    const run = session({}, "P=$(spawn /bin/sh)\nmmap $P 4M --name buf\nwrite $P buf 4K");
    expect(eligible(run, "buf")).toBe(0);
    expect(flat(run("explain $P buf"))).toContain(
      "THPeligible: 0 THP mode: enabled is always [madvise] never; the VMA has neither hg nor nh set; it is private anonymous memory. The policy gives no THP: in madvise mode only VMAs that asked with MADV_HUGEPAGE (hg) get one",
    );
    expect(run("explain $P buf+4K")).not.toContain("Huge page");
  });

  test("nh wins over mode always", () => {
    const run = session(
      { thp: "always" },
      "P=$(spawn /bin/sh)\nmmap $P 4M --name buf\nmadvise $P buf 4M nohugepage\nwrite $P buf 4K",
    );
    expect(eligible(run, "buf")).toBe(0);
    const out = flat(run("explain $P buf"));
    expect(out).toContain("the VMA has nh (MADV_NOHUGEPAGE) set");
    expect(out).toContain("MADV_NOHUGEPAGE (nh) wins over every mode");
    expect(flat(run("explain $P buf+0"))).toContain("Huge page: no, a 4 KiB page");
  });

  test("mode never, even with hg", () => {
    const run = session(
      { thp: "never" },
      "P=$(spawn /bin/sh)\nmmap $P 4M --name buf\nmadvise $P buf 4M hugepage",
    );
    expect(eligible(run, "buf")).toBe(0);
    expect(flat(run("explain $P buf"))).toContain("the mode is never");
  });

  test("a VMA too small for an aligned 2 MiB: the policy allows, the alignment does not", () => {
    const run = session(
      { thp: "always" },
      "P=$(spawn /bin/sh)\nmmap $P 1M --name small\nwrite $P small 4K",
    );
    expect(eligible(run, "small")).toBe(0);
    const out = flat(run("explain $P small"));
    expect(out).toContain("The policy allows a THP: mode always");
    expect(out).toMatch(/No aligned 2 MiB fits: the first 2 MiB boundary inside the VMA is 0x/);
    expect(flat(run("explain $P small+4K"))).toMatch(
      /But the aligned 2 MiB around this page, 0x[0-9a-f]+-0x[0-9a-f]+, does not fit in the VMA/,
    );
  });

  test("touched before madvise hugepage: the PMD already has a page table", () => {
    const run = session(
      {},
      "P=$(spawn /bin/sh)\nmmap $P 4M --name buf\nwrite $P buf 4K\nmadvise $P buf 4M hugepage",
    );
    expect(eligible(run, "buf")).toBe(1);
    expect(flat(run("explain $P buf+4K"))).toContain(
      "its PMD already points to a page table: a page of 0x7ffff7800000-0x7ffff7a00000 was touched before it became eligible",
    );
  });
});

describe("explain PID ADDR: hugetlb pages", () => {
  test("reserved, not faulted in: the touch takes the page reserved at mmap", () => {
    const run = session({ hugepages: 2 }, "P=$(spawn /bin/sh)\nH=$(mmap $P 4M --hugetlb)");
    const out = run("explain $P $H");
    expect(out).toContain("Huge page: hugetlb, 2 MiB page 0 of 2 at 0x7ffff7800000-0x7ffff7a00000");
    expect(out).toContain("Entry: none\n");
    expect(flat(out)).toContain("HugePages_Total 2, HugePages_Free 2, HugePages_Rsvd 2");
    expect(flat(out)).toContain("A touch faults in the page this mapping reserved at mmap.");
    expect(longest(out)).toBeLessThanOrEqual(80);
  });

  test("mapped once: Private_Hugetlb, not Rss; a write goes through", () => {
    const run = session(
      { hugepages: 2 },
      "P=$(spawn /bin/sh)\nH=$(mmap $P 4M --hugetlb)\nwrite $P $H 4K",
    );
    const out = flat(run("explain $P $H+8K"));
    expect(out).toContain("Entry: present, writable, dirty");
    expect(out).toMatch(/this 4 KiB is its frame 0x[0-9a-f]+2\./);
    expect(out).toContain("In smaps: Private_Hugetlb 2048 kB, not Rss");
    expect(out).toContain("A write now: no fault");
    expect(kbFields(run("smaps $P $H")).get("Private_Hugetlb")).toBe(2048);
  });

  test("after fork: shared, and a write copies 2 MiB, or with no page left, SIGBUS", () => {
    const run = session(
      { hugepages: 3 },
      "P=$(spawn /bin/sh)\nH=$(mmap $P 2M --hugetlb)\nwrite $P $H 4K\nC=$(fork $P)",
    );
    const copy = flat(run("explain $C $H"));
    expect(copy).toContain("Entry: present, read-only, dirty");
    expect(copy).toContain("Map count 2 (kept on the head)");
    expect(copy).toContain("In smaps: Shared_Hugetlb 2048 kB, not Rss");
    expect(copy).toContain("A write now: a 2 MiB copy");
    // take the last free pages: the child's copy has nowhere to come from
    run("Q=$(spawn /bin/sh)\nX=$(mmap $Q 4M --hugetlb)\nwrite $Q $X 4M");
    const none = flat(run("explain $C $H"));
    expect(none).toContain("A write now: no free huge page for the copy");
    expect(none).toContain("The pool has no free page: the process gets SIGBUS.");
    expect(flat(run("explain $P $H"))).toContain("This mapping owns the reservation");
  });

  test("explain PID MAPPING of a hugetlb mapping: its huge pages, *_Hugetlb, why THPeligible is 0", () => {
    const run = session(
      { hugepages: 2 },
      "P=$(spawn /bin/sh)\nH=$(mmap $P 4M --hugetlb)\nwrite $P $H 4K",
    );
    const out = run("explain $P anon_hugepage");
    expect(flat(out)).toContain(
      "1024 pages (4096 kB) in 2 huge pages of 2 MiB: 1 mapped, by PMD-level entries that no PTE walk sees.",
    );
    expect(out).toContain(
      "Private_Hugetlb:    2048 kB = hugetlb pages mapped once, 2048 kB each\n",
    );
    expect(flat(out)).toContain(
      "THPeligible: 0 A hugetlb mapping (VM_HUGETLB) has its own 2 MiB pages from the pool, never transparent ones",
    );
    expect(eligible(run, "$H")).toBe(0);
    expect(longest(out)).toBeLessThanOrEqual(80);
  });
});
