/**
 * /proc/sys/vm/page-cluster (mm/swap_state.c swap_readahead_sysctl_table):
 * swap read-ahead reads up to 2^N pages (swapin_nr_pages); 3 at boot, 0
 * turns read-ahead off. Read: the value and a newline. Write:
 * proc_dointvec_minmax with 0..31: one integer (decimal, 0x hex or 0 octal,
 * as strtoul with base 0 reads it) between blanks; anything else, or a
 * value outside 0..31, is EINVAL and changes nothing.
 *
 * The file is ready for /proc/sys/vm's table: the directory itself comes
 * with the overcommit sysctls (issue 12, part 6), which list it there.
 */
import type { Machine } from "../../src/kernel/machine.js";
import { failure, success } from "../../src/kernel/result.js";
import type { TextFile } from "./index.js";

/** The largest page-cluster (page_cluster_max). */
export const PAGE_CLUSTER_MAX = 31;

export function pageClusterFile(m: Machine): TextFile {
  return {
    kind: "text",
    read: () => success(`${m.swap.pageCluster}\n`),
    write(text) {
      const word = text.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, "");
      const n = /^(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$/i.exec(word);
      if (n === null) return failure("EINVAL");
      const value = Number.parseInt(word, /^0x/i.test(word) ? 16 : word.startsWith("0") ? 8 : 10);
      if (!(value >= 0 && value <= PAGE_CLUSTER_MAX)) return failure("EINVAL");
      m.swap.pageCluster = value;
      return success(new TextEncoder().encode(text).length);
    },
  };
}
