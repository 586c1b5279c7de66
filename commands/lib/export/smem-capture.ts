/**
 * The capture `smem --source FILE` reads: the tarball busybox's smemcap
 * writes from /proc (procps/smemcap.c). Members, in smemcap's order:
 *
 *     meminfo, version,
 *     then for each process: PID/ (a directory, mode 0555, uid 0),
 *     PID/smaps, PID/cmdline, PID/stat
 *
 * with no leading "proc/" (smem's tardata reads `PID/smaps` and `meminfo`
 * by those exact names, and lists processes by the members ending in
 * "/smaps"). A file smemcap could not open is left out.
 */
import { resolve } from "../../../fs/vfs.js";
import { NSEC_PER_SEC } from "../../../src/kernel/constants.js";
import type { Machine } from "../../../src/kernel/machine.js";
import { readWhole } from "../files/machine-files.js";
import type { TarMember } from "./tar.js";

/** The per-process files smemcap archives, in its order. */
const PID_FILES = ["smaps", "cmdline", "stat"] as const;

const encoder = new TextEncoder();

/** The members of an smemcap capture of machine `m` now. */
export function smemCapture(m: Machine): TarMember[] {
  const mtime = m.bootTime + Math.floor(m.now / NSEC_PER_SEC);
  const file = (name: string): TarMember[] => {
    const r = readWhole(m, `/proc/${name}`);
    if (!r.ok) return [];
    const data = encoder.encode(r.value.text);
    return [{ name, type: "file", mode: 0o444, uid: 0, gid: 0, mtime, data }];
  };
  const members = [...file("meminfo"), ...file("version")];
  const top = resolve(m, "/proc");
  const names = top.ok && top.value.kind === "dir" ? top.value.entries() : [];
  for (const pid of names.filter((n) => /^[0-9]/.test(n))) {
    members.push({
      name: pid,
      type: "dir",
      mode: 0o555,
      uid: 0,
      gid: 0,
      mtime: 0,
      data: new Uint8Array(0),
    });
    for (const f of PID_FILES) members.push(...file(`${pid}/${f}`));
  }
  return members;
}
