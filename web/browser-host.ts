/**
 * The host's files as the web page has them: none. A page cannot read or
 * write the files of the computer it runs on, so every call fails with
 * ENOSYS and `save`, `load`, `export-proc` and `source FILE` each say so in
 * one line ("save: host file m.img: Function not implemented"), as they do in a
 * session without a host. The web build puts this module in place of
 * src/shell/host.ts (scripts/build-web.mjs), so the page's bundle holds no
 * node:fs.
 */
import type { HostFs, HostResult } from "../src/shell/session.js";

const unavailable = <T>(): HostResult<T> => ({ ok: false, errno: "ENOSYS" });

export const browserHost: HostFs = {
  resolve: (path) => path,
  stat: unavailable,
  readdir: unavailable,
  mkdir: unavailable,
  unlink: unavailable,
  rmdir: unavailable,
  createFile: unavailable,
};

/** The name src/shell/host.ts exports, for the web build's alias. */
export const nodeHost: HostFs = browserHost;
