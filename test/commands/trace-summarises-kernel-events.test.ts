import { describe, expect, test } from "vitest";
import { Tracer } from "../../commands/lib/trace/tracer.js";
import { boot, forked, sh } from "./pictures-helpers.js";

const traceLines = (stderr: string): string[] =>
  stderr.split("\n").filter((l) => l.startsWith("trace: "));

describe("trace on", () => {
  test("sums a command's faults per process and kind, with the range they hit", () => {
    const s = forked();
    sh(s, "exec $C /bin/sleep 10");
    const on = sh(s, "trace on");
    expect(on.stdout).toBe("tracing kernel events after each command (trace off to stop)\n");
    const r = sh(s, "write $P buf+1M 1M");
    expect(traceLines(r.stderr)).toEqual([
      "trace: pid 3: 256 faults: reuse ×256 at 0x7ffff6d00000-0x7ffff6e00000",
    ]);
  });

  test("COW copies allocate frames, and say so", () => {
    const s = forked();
    sh(s, "trace on");
    const r = sh(s, "write $P buf+2M 1M");
    expect(traceLines(r.stderr)).toEqual([
      "trace: pid 3: 256 faults: cow-copy ×256 at 0x7ffff6e00000-0x7ffff6f00000",
      "trace: MemFree -1024 kB: 256 frames allocated, net",
    ]);
  });

  test("a GiB of writes is one line, not 262,144", () => {
    const s = boot();
    sh(s, "P=$(spawn /bin/sh); mmap $P 1G --name big; trace on");
    const lines = traceLines(sh(s, "write $P big").stderr);
    expect(lines).toEqual([
      "trace: pid 3: 262144 faults: new-page ×262144 at 0x7fffb7c00000-0x7ffff7c00000",
      "trace: MemFree -1048576 kB: 262144 frames allocated, net",
    ]);
  });

  test("fork, exec and exit: PTEs copied, map counts dropped, frames freed", () => {
    const s = forked();
    sh(s, "trace on");
    expect(traceLines(sh(s, "D=$(fork $P)").stderr)[0]).toMatch(
      /^trace: pid 3: fork -> pid 5: \d+ PTEs copied \(each a map count \+1\)$/,
    );
    const exec = traceLines(sh(s, "exec $C /bin/sleep 10").stderr);
    expect(exec[0]).toMatch(
      /^trace: pid 4: exec \/bin\/sleep: the old mm torn down: \d+ PTEs unmapped \(each a map count -1\), 256 frames freed$/,
    );
    const exit = traceLines(sh(s, "kill $D").stderr);
    expect(exit[0]).toMatch(/^trace: pid 5: exit, killed by signal 15: \d+ PTEs unmapped/);
  });

  test("an OOM kill is traced with the kernel's message", () => {
    const s = boot({ memBytes: 128 * 1024 * 1024 });
    // MAP_NORESERVE: more than RAM, which overcommit would refuse to charge
    sh(s, "P=$(spawn /bin/sh); mmap $P 256M --noreserve --name big; trace on");
    const lines = traceLines(sh(s, "write $P big").stderr);
    expect(
      lines.some((l) => l.startsWith("trace: oom-kill: Out of memory: Killed process 3 (sh)")),
    ).toBe(true);
    expect(lines.some((l) => /^trace: pid 3: exit, killed by signal 9: /.test(l))).toBe(true);
  });

  test("MADV_PAGEOUT says what became of each page: swapped, shmem swapped or dropped, lazy-free discarded", () => {
    const s = boot({ swapBytes: 16 * 1024 * 1024 });
    sh(
      s,
      `P=$(spawn /bin/sh); mmap $P 1M --name buf; write $P buf
mmap $P 64K --shared --name shm; write $P shm 32K; read $P shm+32K 32K > /dev/null
mmap $P 64K --name lazy; write $P lazy; madvise $P lazy 64K free; trace on`,
    );
    expect(traceLines(sh(s, "madvise $P buf 1M pageout").stderr)).toEqual([
      "trace: pid 3: MADV_PAGEOUT: 256 pages out: swap-out ×256 at 0x7ffff7cd2000-0x7ffff7dd2000 (written to swap, each PTE now a swap entry)",
    ]);
    expect(traceLines(sh(s, "madvise $P shm 64K pageout").stderr)).toEqual([
      "trace: pid 3: MADV_PAGEOUT: 16 pages out: shmem-swap-out ×8 at 0x7ffff7cc2000-0x7ffff7cca000 (shmem written to swap, PTEs cleared, the object keeps the entry); shmem-drop ×8 at 0x7ffff7cca000-0x7ffff7cd2000 (clean shmem, only zeros: freed)",
      "trace: MemFree +32 kB: 8 frames freed, net",
    ]);
    expect(traceLines(sh(s, "madvise $P lazy 64K pageout").stderr)).toEqual([
      "trace: pid 3: MADV_PAGEOUT: 16 pages out: lazy-discard ×16 at 0x7ffff7cb2000-0x7ffff7cc2000 (clean MADV_FREE page freed: the next touch reads zeros)",
      "trace: MemFree +64 kB: 16 frames freed, net",
    ]);
  });

  test("reclaim under pressure: what it took from each process and from the page cache", () => {
    const s = boot({ memBytes: 40 * 1024 * 1024, swapBytes: 64 * 1024 * 1024 });
    sh(
      s,
      `seq 1 100000 > /tmp/n; P=$(spawn /bin/sh); mmap $P 28M --name buf
mmap $P 4M --shared --name shm; write $P shm; trace on`,
    );
    const lines = traceLines(sh(s, "write $P buf").stderr);
    expect(lines[0]).toBe(
      "trace: pid 3: 7168 faults: new-page ×7168 at 0x7ffff6000000-0x7ffff7c00000",
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^trace: reclaim: \d+ unmapped pages freed: file-drop ×\d+ \(clean page-cache page freed: the next touch rereads the file\); file-writeback ×\d+ \(dirty page-cache page written to its file, then freed\)$/,
      ),
    );
    const own = lines.find((l) => l.startsWith("trace: pid 3: reclaim: "));
    // Oldest first (the LRU lists' order): the program's own pages, written at exec, lead the list.
    expect(own).toMatch(/ swap-out ×\d+ at 0x555555/);
    expect(own).toContain(
      "shmem-swap-out ×1024 at 0x7ffff5c00000-0x7ffff6000000 (shmem written to swap, PTEs cleared, the object keeps the entry)",
    );
    // The shells' pages went too: reclaim takes from every process.
    expect(lines.some((l) => l.startsWith("trace: pid 1: reclaim: "))).toBe(true);
  });

  test("goes to stderr only: captures and pipes are unchanged", () => {
    const s = forked();
    sh(s, "trace on");
    const r = sh(s, "D=$(fork $P); echo $D; read $P buf 4K | wc -l");
    expect(r.stdout).toBe("5\n0\n");
  });

  test("trace off stops it; trace alone says which", () => {
    const s = forked();
    sh(s, "trace on");
    expect(sh(s, "trace").stdout).toBe("trace is on\n");
    sh(s, "trace off");
    expect(sh(s, "trace").stdout).toBe("trace is off\n");
    expect(s.machine.trace).toBeNull();
    expect(traceLines(sh(s, "write $P buf+2M 1M").stderr)).toEqual([]);
  });

  test("rejects other words", () => {
    expect(sh(boot(), "trace maybe").stderr).toBe("trace: 'maybe': say on or off\n");
  });
});

describe("the tracer's summary", () => {
  const fault = (pid: number, addr: number, fault: "file-read" | "new-page", mapped = 1) =>
    ({ kind: "fault", pid, addr, fault, major: false, pfn: 0, mapped }) as const;

  test("fault-around steps extend one range; far faults start new ones, the rest counted", () => {
    const t = new Tracer();
    for (let i = 0; i < 4; i++) t.record(fault(7, 0x10000 + i * 0x10000, "file-read", 16));
    for (let i = 0; i < 5; i++) t.record(fault(7, 0x1000000 * (i + 1), "new-page"));
    expect(t.drain()).toEqual([
      "pid 7: 9 faults: new-page ×5 at 0x1000000-0x1001000, 0x2000000-0x2001000, 0x3000000-0x3001000 and 2 more; file-read ×4, 64 pages mapped at 0x10000-0x41000",
    ]);
    expect(t.drain()).toEqual([]);
  });

  test("pages reclaimed inside faults do not split the faults' summary", () => {
    const t = new Tracer();
    const out = (pid: number, addr: number) =>
      ({ kind: "pageout", by: "reclaim", out: "swap-out", pid, addr }) as const;
    t.record(fault(3, 0x1000, "new-page"));
    t.record(out(4, 0x9000));
    t.record(fault(3, 0x2000, "new-page"));
    t.record(out(4, 0xa000));
    t.record({ kind: "pageout", by: "reclaim", out: "file-drop", pid: 0, addr: -1 });
    expect(t.drain()).toEqual([
      "pid 3: 2 faults: new-page ×2 at 0x1000-0x3000",
      "pid 4: reclaim: 2 pages out: swap-out ×2 at 0x9000-0xb000 (written to swap, each PTE now a swap entry)",
      "reclaim: 1 unmapped page freed: file-drop ×1 (clean page-cache page freed: the next touch rereads the file)",
    ]);
  });

  test("keeps events in order, faults between them batched apart", () => {
    const t = new Tracer();
    t.record(fault(3, 0x1000, "new-page"));
    t.record({ kind: "fork", parent: 3, child: 4, copied: 10 });
    t.record(fault(3, 0x2000, "new-page"));
    expect(t.drain()).toEqual([
      "pid 3: 1 fault: new-page ×1 at 0x1000-0x2000",
      "pid 3: fork -> pid 4: 10 PTEs copied (each a map count +1)",
      "pid 3: 1 fault: new-page ×1 at 0x2000-0x3000",
    ]);
  });
});
