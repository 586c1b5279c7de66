/**
 * /proc/sys/vm/page-cluster (fs/proc/sysctl.ts): reads 3 at boot, takes
 * what proc_dointvec_minmax takes (0..31; only the first value of a
 * write counts), and the swap read-ahead follows it.
 */
import { expect, test } from "vitest";
import { SYSCTL_DIRS, sysctlFile } from "../../fs/proc/sysctl.js";
import { Machine } from "../../src/kernel/machine.js";
import { createSession, runSource } from "../../src/shell/runtime.js";

const pageClusterFile = (m: Machine) => sysctlFile(m, SYSCTL_DIRS.get("vm")!.get("page-cluster")!);

test("reads 3 at boot; writes 0..31 (decimal, hex, octal) and refuses the rest with EINVAL", () => {
  const m = Machine.boot({});
  const f = pageClusterFile(m);
  expect(f.read()).toEqual({ ok: true, value: "3\n" });
  expect(f.write!("0\n")).toEqual({ ok: true, value: 2 });
  expect(f.read()).toEqual({ ok: true, value: "0\n" });
  expect(f.write!(" 0x1f ")).toMatchObject({ ok: true });
  expect(m.swap.pageCluster).toBe(31);
  expect(f.write!("010")).toMatchObject({ ok: true });
  expect(m.swap.pageCluster).toBe(8);
  expect(f.write!("1 2")).toMatchObject({ ok: true });
  expect(m.swap.pageCluster).toBe(1);
  expect(f.write!("010")).toMatchObject({ ok: true });
  for (const bad of ["32", "-1", "", "3x", "abc"])
    expect(f.write!(bad), JSON.stringify(bad)).toMatchObject({ ok: false, errno: "EINVAL" });
  expect(m.swap.pageCluster).toBe(8);
});

test("with page-cluster 1 the read-ahead window is at most 2 slots", () => {
  const m = Machine.boot({ swapBytes: 1024 * 1024 });
  let text = "";
  runSource(
    createSession(m),
    `echo 1 > /proc/sys/vm/page-cluster
P=$(spawn /bin/sh)
B=$(mmap $P 64K)
write $P $B 64K
madvise $P $B 64K pageout
read $P $B 64K
madvise $P $B 64K pageout
echo $(read $P $B 64K -v)`,
    (b) => {
      text += b.text;
    },
  );
  // Slots 1..16 (swapin_nr_pages): 1 alone (slot 0 is the header), 2 alone
  // (not next to the last window without hits, half of 2 is 1), 3 (its
  // pair's 2 is cached already), then [4,5], [6,7], …, [16,17]: each read
  // brings its neighbour, found by the next fault: 10 major, 6 minor.
  expect(text.trim()).toMatch(/^minflt=6 majflt=10 /);
});
