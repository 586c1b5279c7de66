/** fsync FILE...: writes a file's dirty pages back; they become clean (and shared mappings write-protected). */
import { pageCacheCommand } from "./lib/files/machine-files.js";

export const fsync = pageCacheCommand(
  "fsync",
  "write a file's dirty pages back to disk",
  (m, path) => m.fsync(path),
  "written back",
);
