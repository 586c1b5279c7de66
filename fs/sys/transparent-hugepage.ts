/**
 * /sys/kernel/mm/transparent_hugepage (mm/huge_memory.c hugepage_attr_group):
 * `enabled`, `defrag` and `shmem_enabled` (mm/shmem.c: `always within_size
 * advise [never] deny force`) show every mode with the chosen one in
 * brackets (`always [madvise] never`) and take one mode word (sysfs_streq:
 * a trailing newline is allowed), else EINVAL; so does each mTHP size's
 * `hugepages-<size>kB/enabled` (`always inherit madvise [never]`); `hpage_pmd_size` is 2 MiB
 * and `use_zero_page` 1 (read only here).
 */
import {
  HPAGE_PMD_NR,
  MTHP_MODES,
  MTHP_ORDERS,
  SHMEM_ENABLED_MODES,
  showModes,
  THP_DEFRAG_MODES,
  THP_ENABLED_MODES,
} from "../../src/kernel/huge-memory.js";
import { failure, type Result, success } from "../../src/kernel/result.js";
import type { SysfsAttr, SysfsAttrs } from "./index.js";

/** sysfs_streq: `text` is `word`, or `word` and one newline. */
const streq = (text: string, word: string): boolean => text === word || text === `${word}\n`;

/** The mode of `modes` that `text` names, or EINVAL. */
function parseMode<T extends string>(modes: readonly T[], text: string): Result<T> {
  const mode = modes.find((m) => streq(text, m));
  return mode === undefined ? failure("EINVAL") : success(mode);
}

export const THP_ATTRS: SysfsAttrs = new Map<string, SysfsAttr>([
  [
    "enabled",
    {
      show: (m) => showModes(THP_ENABLED_MODES, m.thp.enabled),
      store: (m, text) => {
        const mode = parseMode(THP_ENABLED_MODES, text);
        if (!mode.ok) return mode;
        m.thp.enabled = mode.value;
        return success(text.length);
      },
    },
  ],
  [
    "defrag",
    {
      show: (m) => showModes(THP_DEFRAG_MODES, m.thp.defrag),
      store: (m, text) => {
        const mode = parseMode(THP_DEFRAG_MODES, text);
        if (!mode.ok) return mode;
        m.thp.defrag = mode.value;
        return success(text.length);
      },
    },
  ],
  [
    "shmem_enabled",
    {
      show: (m) => showModes(SHMEM_ENABLED_MODES, m.thp.shmemEnabled),
      store: (m, text) => {
        const mode = parseMode(SHMEM_ENABLED_MODES, text);
        if (!mode.ok) return mode;
        m.thp.shmemEnabled = mode.value;
        return success(text.length);
      },
    },
  ],
  ["hpage_pmd_size", { show: () => `${HPAGE_PMD_NR * 4096}\n` }],
  ["use_zero_page", { show: () => "1\n" }],
  ...MTHP_ORDERS.map((order): [string, SysfsAttr] => [
    `hugepages-${4 << order}kB/enabled`,
    {
      show: (m) => showModes(MTHP_MODES, m.thp.sizes.get(order)!),
      store: (m, text) => {
        const mode = parseMode(MTHP_MODES, text);
        if (!mode.ok) return mode;
        m.thp.setSize(order, mode.value);
        return success(text.length);
      },
    },
  ]),
]);
