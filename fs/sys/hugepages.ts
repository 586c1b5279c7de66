/**
 * /sys/kernel/mm/hugepages/hugepages-2048kB (mm/hugetlb_sysfs.c
 * hstate_attrs): the 2 MiB pool's counters, and nr_hugepages, which takes
 * a write as nr_hugepages_store_common does (kstrtoul, base 10: EINVAL
 * for anything but an unsigned number and one trailing newline) and
 * resizes the pool as /proc/sys/vm/nr_hugepages does.
 */
import { failure, success } from "../../src/kernel/result.js";
import type { SysfsAttr, SysfsAttrs } from "./index.js";

const counter = (get: (m: Parameters<SysfsAttr["show"]>[0]) => number): SysfsAttr => ({
  show: (m) => `${get(m)}\n`,
});

export const HUGETLB_ATTRS: SysfsAttrs = new Map<string, SysfsAttr>([
  ["free_hugepages", counter((m) => m.hugetlb.free.length)],
  [
    "nr_hugepages",
    {
      show: (m) => `${m.hugetlb.persistent}\n`,
      store(m, text) {
        const digits = /^\+?([0-9]{1,20})\n?$/.exec(text);
        if (digits === null) return failure("EINVAL");
        const count = Number(digits[1]);
        if (count >= 2 ** 64) return failure("ERANGE");
        m.setNrHugepages(Math.min(count, Number.MAX_SAFE_INTEGER));
        return success(text.length);
      },
    },
  ],
  ["nr_overcommit_hugepages", counter(() => 0)],
  ["resv_hugepages", counter((m) => m.hugetlb.resv)],
  ["surplus_hugepages", counter((m) => m.hugetlb.surplus)],
]);
