/**
 * evict FILE...: drops a file's clean, unmapped pages from the page cache
 * (posix_fadvise POSIX_FADV_DONTNEED), so the next access is a major fault.
 */
import { pageCacheCommand } from "./lib/files/machine-files.js";

export const evict = pageCacheCommand(
  "evict",
  "drop a file's clean, unmapped pages from the page cache",
  (m, path) => m.evict(path),
  "evicted",
);
