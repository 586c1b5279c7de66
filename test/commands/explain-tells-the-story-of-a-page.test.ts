import { describe, expect, test } from "vitest";
import { runScript } from "../helpers/run-script.js";
import { boot, forked, longest, sh } from "./pictures-helpers.js";

/** Every /proc figure a test might look at, to prove explain changes nothing. */
const snapshot = (s: ReturnType<typeof boot>) =>
  sh(s, "cat /proc/meminfo /proc/$P/smaps /proc/$C/smaps; pagemap $P buf 8K; pagemap $C buf 8K")
    .stdout;

describe("explain PID ADDR after fork", () => {
  const s = forked();
  const shared = sh(s, "explain $P buf+2M").stdout;
  const flatShared = shared.replace(/\s+/g, " ");

  test("tells the PTE, the frame, its counts and who maps it", () => {
    expect(shared).toContain("pid 3 (sh), address 0x7ffff6e00000: page 512 of 4096 in\n");
    expect(shared).toContain("PTE: present, read-only, dirty, young\n");
    expect(flatShared).toContain("fork write-protected it in every process that maps it");
    expect(shared).toMatch(/Frame: PFN 0x[0-9a-f]+, anonymous memory/);
    expect(flatShared).toContain("Map count 2: 2 PTEs in all processes map it.");
    expect(flatShared).toContain("Ref count 2 = its map count");
    expect(flatShared).toContain("AnonExclusive is clear");
    expect(shared).toContain("Mapped by: 2 PTEs in 2 processes");
    expect(shared).toContain("  pid 3 at 0x7ffff6e00000 in [anon:buf] (this one)\n");
    expect(shared).toContain("  pid 4 at 0x7ffff6e00000 in [anon:buf]\n");
  });

  test("says why smaps counts it Shared_Dirty and gives its Pss in fixed point", () => {
    expect(shared).toContain(
      "In smaps: Shared_Dirty; counted in Rss, Pss, Pss_Dirty, Referenced, Anonymous",
    );
    expect(flatShared).toContain("Shared: 2 PTEs map the frame.");
    expect(flatShared).toContain("Dirty: the PTE's dirty bit is set.");
    expect(shared.replace(/\s+/g, " ")).toContain(
      "Pss: 4096 << 12 / 2 = 8388608, i.e. 2048 bytes.",
    );
  });

  test("says a write would copy it, and what that does to the child", () => {
    const flat = shared.replace(/\s+/g, " ");
    expect(shared).toContain("A write now: do_wp_page -> wp_page_copy, a copy\n");
    expect(flat).toContain("wp_can_reuse_anon_folio refuses");
    expect(flat).toContain("The old frame's map count drops to 1. pid 4 then maps it alone");
  });

  test("the page the parent copied is private, exclusive, and writes without a fault", () => {
    const copied = sh(s, "explain $P buf+4K").stdout;
    const flat = copied.replace(/\s+/g, " ");
    expect(copied).toContain("PTE: present, writable, dirty, young\n");
    expect(flat).toContain("Flags: AnonExclusive (kpageflags 0x400005828)");
    expect(copied).toContain("In smaps: Private_Dirty;");
    expect(flat).toContain("Pss: 4096 << 12 = 16777216, i.e. 4096 bytes");
    expect(copied).toContain("A write now: no fault\n");
  });

  test("the child's original of a copied page is private now, and a write would reuse it", () => {
    const original = sh(s, "explain $C buf+0").stdout;
    const flat = original.replace(/\s+/g, " ");
    expect(original).toContain("PTE: present, read-only, dirty, old\n");
    expect(flat).toContain("The other process has let go of the page since");
    expect(flat).toContain("Old: not accessed since fork copied it");
    expect(original).toContain("In smaps: Private_Dirty;");
    expect(original).toContain("A write now: do_wp_page -> wp_page_reuse (ref count 1)\n");
  });

  test("after the child's exec the parent's write would reuse, not copy", () => {
    const e = forked();
    sh(e, "exec $C /bin/sleep 10");
    const out = sh(e, "explain $P buf+2M").stdout;
    expect(out).toContain("Mapped by: 1 PTE in 1 process");
    expect(out).toContain("A write now: do_wp_page -> wp_page_reuse (ref count 1)\n");
  });

  test("changes nothing, and keeps to 80 columns", () => {
    const before = snapshot(s);
    sh(s, "explain $P buf+2M; explain $C buf; explain $P shm+4K; explain $P buf");
    expect(snapshot(s)).toBe(before);
    expect(longest(shared)).toBeLessThanOrEqual(80);
  });
});

describe("explain PID ADDR in other states", () => {
  test("three sharers: a third of a page, with the remainder the division drops", () => {
    const s = forked();
    sh(s, "D=$(fork $P)");
    const out = sh(s, "explain $P buf+2M").stdout.replace(/\s+/g, " ");
    expect(out).toContain(
      "Pss: 4096 << 12 / 3 = 5592405, i.e. 1365.33 bytes (integer division drops a remainder of 1).",
    );
    expect(out).toContain("It stays Shared for the 2 other mappings.");
  });

  test("no PTE yet: a write is do_anonymous_page, a read maps the zero page", () => {
    const s = boot();
    const out = sh(s, "P=$(spawn /bin/sh); mmap $P 1M --name fresh; explain $P fresh+8K").stdout;
    expect(out).toContain("PTE: none (pte_none)\n");
    expect(out).toContain("In smaps: nothing\n");
    expect(out).toContain("A write now: do_anonymous_page, a new page\n");
    expect(out).toContain("A read now: do_anonymous_page\n");
    expect(out).toContain("shared zero page");
  });

  test("the zero page counts for nothing, and a write replaces it", () => {
    const s = boot();
    const out = sh(
      s,
      "P=$(spawn /bin/sh); mmap $P 1M --name z; read $P z 4K; explain $P z+0",
    ).stdout;
    expect(out).toContain("Frame: PFN 0xe00, the shared zero page\n");
    expect(out).toContain("In smaps: nothing, not even Rss\n");
    expect(out).toContain("A write now: do_wp_page -> wp_page_copy of the zero page\n");
  });

  test("a read-only mapping: a write is SIGSEGV", () => {
    const s = boot();
    const out = sh(s, "P=$(spawn /bin/sh); mmap $P 64K --prot r --name ro; explain $P ro+0").stdout;
    expect(out).toContain("A write now: SIGSEGV\n");
    expect(out).toContain("mprotect could make it writable.");
  });

  test("shmem mapped once is Private although the mapping is MAP_SHARED", () => {
    const s = forked();
    const out = sh(s, "explain $P shm+4K").stdout.replace(/\s+/g, " ");
    expect(out).toContain("shmem page 1 of /dev/zero (deleted)");
    expect(out).toContain(
      "Private: only this PTE maps the frame, even though the mapping is MAP_SHARED.",
    );
    expect(out).toContain("Not Anonymous: shmem is a file");
    expect(out).toContain("Ref count 2 = map count + 1 for the page cache.");
  });

  test("a private file page: a write copies it into an anonymous page", () => {
    const s = boot();
    const out = sh(
      s,
      "P=$(spawn /bin/sh); truncate -s 64K /tmp/f; mmap $P 64K --file /tmp/f; read $P /tmp/f 4K; explain $P /tmp/f+0",
    ).stdout;
    expect(out).toContain("page-cache page 0 of /tmp/f");
    expect(out.replace(/\s+/g, " ")).toContain(
      "Read-only: a private mapping maps file pages read-only",
    );
    expect(out).toContain("A write now: do_wp_page -> wp_page_copy, a private copy\n");
  });

  test("a shared file page read first: a write is write-notify", () => {
    const s = boot();
    const out = sh(
      s,
      "P=$(spawn /bin/sh); truncate -s 64K /tmp/f; mmap $P 64K --file /tmp/f --shared; read $P /tmp/f 4K; explain $P /tmp/f+0",
    ).stdout;
    expect(out).toContain("A write now: do_wp_page -> wp_page_shared (write-notify)\n");
  });

  test("a file page beyond the end of the file: SIGBUS", () => {
    const s = boot();
    const out = sh(
      s,
      "P=$(spawn /bin/sh); truncate -s 4K /tmp/f; mmap $P 64K --file /tmp/f; explain $P /tmp/f+16K",
    ).stdout;
    expect(out).toContain("A write now: SIGBUS\n");
  });

  test("errors read like the other commands'", () => {
    const s = forked();
    expect(sh(s, "explain").stderr).toBe("explain: missing process id\n");
    expect(sh(s, "explain $P").stderr).toBe("explain: missing address or mapping\n");
    expect(sh(s, "explain $P 0x1000").stderr).toBe("explain: 0x1000: no mapping in process 3\n");
    expect(sh(s, "explain $P nosuch").stderr).toBe(
      "explain: nosuch: no such mapping in process 3\n",
    );
  });
});

describe("explain PID ADDR of memory mremap moved", () => {
  const { text } = runScript(`P=$(spawn /bin/sleep 100)
B=$(mmap $P 64K --name buf)
write $P buf 64K
N=$(mremap $P $B 64K 128K --maymove)
echo ORIGIN $B
explain $P $N+4K
explain $P [stack]+0x20000
explain $P [heap]
explain $P $(mmap $P 4K)
`);
  const [moved, ...others] = text.split(/(?=^pid \d+ \(sleep\))/m).slice(1);
  const origin = /^ORIGIN (0x[0-9a-f]+)$/m.exec(text)![1]!;

  test("says where the memory was made and that its page tables moved, not its pages", () => {
    expect(moved!.replace(/\s+/g, " ")).toContain(
      `Moved by mremap: this memory was made at ${origin}; an anonymous mapping keeps that offset (vm_pgoff) wherever it moves, and its page tables moved with it, not its pages.`,
    );
  });

  test("says nothing of the kind for memory that never moved: the stack, the heap, a new mapping", () => {
    expect(others).toHaveLength(3);
    for (const other of others) expect(other).not.toContain("Moved by mremap");
  });
});
