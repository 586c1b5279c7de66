/**
 * /proc/PID/clear_refs, type by type, as fs/proc/task_mmu.c does it:
 * 1 clears Referenced everywhere, 2 only in VMAs without a file, 3 only in
 * VMAs with one; 4 resets soft-dirty tracking (nothing at all on a kernel
 * without CONFIG_MEM_SOFT_DIRTY, such as the capture machine, where the
 * write still succeeds); 5 resets VmHWM to VmRSS. Scenarios 45 and 46 of
 * test/truth check types 1 and 5 against the real kernel.
 */
import { describe, expect, test } from "vitest";
import type { KernelConfig } from "../../src/kernel/kernel.js";
import { runScript } from "../helpers/run-script.js";

/** An anonymous region A written and a cached file region F read, 64 KiB each, in process P. */
const SETUP = `P=$(spawn /bin/sh)
A=$(mmap $P 64K --prot none); madvise $P $A 64K nohugepage; mprotect $P $A 64K rw
write $P $A 64K
truncate -s 64K /tmp/f
F=$(mmap $P 64K --file /tmp/f --prot r)
read $P $F 64K
`;

const REFERENCED = "smaps $P $A | grep ^Referenced; smaps $P $F | grep ^Referenced\n";

function run(script: string, config: Partial<KernelConfig> = {}): string {
  const r = runScript(SETUP + script, config);
  expect(r.stderr).toBe("");
  return r.stdout;
}

const referenced = (anon: number, file: number): string =>
  `Referenced:     ${String(anon).padStart(8)} kB\nReferenced:     ${String(file).padStart(8)} kB\n`;

describe("clear_refs 1, 2 and 3 clear young bits and PG_referenced", () => {
  test("before: both regions referenced", () => {
    expect(run(REFERENCED)).toBe(referenced(64, 64));
  });

  test("1: all pages, and the next access references a page again, with no fault", () => {
    expect(run(`echo 1 > /proc/$P/clear_refs\n${REFERENCED}`)).toBe(referenced(0, 0));
    expect(
      run(`echo 1 > /proc/$P/clear_refs\nread $P $A 8K -v\nread $P $F+4K 4K -v\n${REFERENCED}`),
    ).toBe(`minflt=0 majflt=0 pages=2\nminflt=0 majflt=0 pages=1\n${referenced(8, 4)}`);
  });

  test("2: anonymous VMAs only", () => {
    expect(run(`echo 2 > /proc/$P/clear_refs\n${REFERENCED}`)).toBe(referenced(0, 64));
  });

  test("3: file-backed VMAs only", () => {
    expect(run(`echo 3 > /proc/$P/clear_refs\n${REFERENCED}`)).toBe(referenced(64, 0));
  });

  test("another process's pages keep their young bits", () => {
    const out = run(
      `C=$(fork $P); write $C $A 64K\necho 1 > /proc/$P/clear_refs\nsmaps $C $A | grep ^Referenced\n`,
    );
    expect(out).toBe("Referenced:           64 kB\n");
  });

  test("a zombie: the write succeeds and changes nothing", () => {
    const out = run(`C=$(fork $P); _exit $C 0\necho 1 > /proc/$C/clear_refs; echo $?\n`);
    expect(out).toBe("0\n");
  });
});

describe("clear_refs 4: soft-dirty", () => {
  const PAGEMAP = "pagemap $P $A | cut -d' ' -f4; smaps $P $A | grep ^VmFlags\n";

  test("with CONFIG_MEM_SOFT_DIRTY: sd and the PTE bits are cleared, a write faults and sets them", () => {
    const out = run(
      `${PAGEMAP}echo 4 > /proc/$P/clear_refs\n${PAGEMAP}write $P $A 4K -v\n${PAGEMAP}${REFERENCED}`,
      { softDirty: true },
    );
    expect(out).toBe(
      [
        "softdirty=1",
        "VmFlags: rd wr mr mw me ac sd nh ",
        "softdirty=0",
        "VmFlags: rd wr mr mw me ac nh ",
        "minflt=1 majflt=0 pages=1 reuse=1",
        "softdirty=1",
        "VmFlags: rd wr mr mw me ac nh ",
        referenced(64, 64),
      ].join("\n"),
    );
  });

  test("without it (the capture machine): nothing changes, not even Referenced", () => {
    const out = run(`echo 4 > /proc/$P/clear_refs; echo $?\n${PAGEMAP}${REFERENCED}`);
    expect(out).toBe(
      ["0", "softdirty=0", "VmFlags: rd wr mr mw me ac nh ", referenced(64, 64)].join("\n"),
    );
  });
});

describe("clear_refs 5: VmHWM", () => {
  test("drops to VmRSS after an unmap, and grows again with the next writes", () => {
    const out = run(
      `hwm() { grep -E '^Vm(HWM|RSS)' /proc/$P/status; }
B=$(mmap $P 1M); write $P $B 1M; munmap $P $B 1M; hwm
echo 5 > /proc/$P/clear_refs; hwm
B=$(mmap $P 256K); write $P $B 256K; hwm
`,
    );
    const kb = out.match(/\d+/g)!.map(Number);
    const [hwm0, rss0, hwm1, rss1, hwm2, rss2] = kb;
    expect(hwm0! - rss0!).toBe(1024);
    expect(hwm1).toBe(rss1);
    expect(rss1).toBe(rss0);
    expect(hwm2).toBe(rss2);
    expect(rss2! - rss1!).toBe(256);
  });
});
