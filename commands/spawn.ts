/**
 * spawn [--via fork|vfork|posix-spawn] PATH [ARG...]: what typing a command
 * name does in a shell: the login shell forks and the child execs PATH.
 * Prints the new PID; sets $!. A name without `/` is looked up in $PATH, as
 * execvp(3) does. --via vfork: vfork then exec (nothing of the shell's
 * memory is copied or write-protected); --via posix-spawn: glibc's
 * posix_spawn (CLONE_VM|CLONE_VFORK on a 36 KiB stack it maps and unmaps
 * in the shell's mm).
 */

/** The file `name` names: itself if it holds a `/`, else the first $PATH entry holding it. */
function lookPath(m: Machine, session: Session, name: string): string {
  if (name.includes("/")) return name;
  const dirs = (session.vars.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin").split(":");
  for (const dir of dirs) {
    const path = `${dir === "" ? "." : dir}/${name}`;
    const node = resolve(m, path, session.cwd);
    if (node.ok && node.value.kind !== "dir") return path;
  }
  return name;
}

import { resolve } from "../fs/vfs.js";
import { type Machine, SPAWN_VIAS, type SpawnVia } from "../src/kernel/machine.js";
import type { Session } from "../src/shell/session.js";
import { type Command, ok, out } from "../src/shell/types.js";
import { failed, machineOf, setLastPid, usage } from "./lib/args/operands.js";
import { absPath } from "./lib/files/machine-files.js";

export const spawn: Command = {
  name: "spawn",
  summary:
    "start a program: the login shell forks (or vforks, or posix_spawns), the child execs it",
  prints: "the new process's PID",
  usage: [
    "spawn PATH|NAME [ARG...]   (prints the new PID; a NAME is looked up in $PATH)",
    "spawn --via fork|vfork|posix-spawn PATH [ARG...]   (how the shell starts it; fork by default)",
  ],
  run(ctx, argv) {
    let via: SpawnVia = "fork";
    let args = argv;
    if (args[0] === "--via" || args[0]?.startsWith("--via=")) {
      const value = args[0] === "--via" ? args[1] : args[0].slice("--via=".length);
      if (value === undefined || !SPAWN_VIAS.includes(value as SpawnVia))
        return usage(`spawn: --via: expected ${SPAWN_VIAS.join(", ")}, not '${value ?? ""}'`);
      via = value as SpawnVia;
      args = args.slice(args[0] === "--via" ? 2 : 1);
    }
    const name = args[0];
    if (name === undefined)
      return usage("spawn: usage: spawn [--via fork|vfork|posix-spawn] PATH [ARG...]");
    const m = machineOf(ctx);
    const path = lookPath(m, ctx.session, name);
    const r = m.spawnVia(via, absPath(path, ctx.session), [
      name.slice(name.lastIndexOf("/") + 1),
      ...args.slice(1),
    ]);
    if (!r.ok) {
      const f = failed("spawn", path, r);
      return { ...f, status: r.errno === "ENOENT" ? 127 : 126 };
    }
    setLastPid(ctx.session, r.value);
    return ok(out(`${r.value}\n`));
  },
};
