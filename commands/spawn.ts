/**
 * spawn PATH [ARG...]: what typing a command name does in a shell: the login
 * shell forks and the child execs PATH. Prints the new PID; sets $!. A
 * name without `/` is looked up in $PATH, as execvp(3) does.
 */

/** The file `name` names: itself if it holds a `/`, else the first $PATH entry holding it. */
function lookPath(m: Machine, session: Session, name: string): string {
  if (name.includes("/")) return name;
  const dirs = (session.vars.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin").split(":");
  for (const dir of dirs) {
    const path = `${dir === "" ? "." : dir}/${name}`;
    const node = resolve(m, path);
    if (node.ok && node.value.kind !== "dir") return path;
  }
  return name;
}

import { resolve } from "../fs/vfs.js";
import type { Machine } from "../src/kernel/machine.js";
import type { Session } from "../src/shell/session.js";
import { type Command, ok, out } from "../src/shell/types.js";
import { failed, machineOf, setLastPid, usage } from "./lib/args/operands.js";

export const spawn: Command = {
  name: "spawn",
  summary: "start a program: the login shell forks, the child execs it",
  prints: "the new process's PID",
  usage: ["spawn PATH|NAME [ARG...]   (prints the new PID; a NAME is looked up in $PATH)"],
  run(ctx, argv) {
    const name = argv[0];
    if (name === undefined) return usage("spawn: usage: spawn PATH [ARG...]");
    const m = machineOf(ctx);
    const path = lookPath(m, ctx.session, name);
    const r = m.spawn(path, [name.slice(name.lastIndexOf("/") + 1), ...argv.slice(1)]);
    if (!r.ok) {
      const f = failed("spawn", path, r);
      return { ...f, status: r.errno === "ENOENT" ? 127 : 126 };
    }
    setLastPid(ctx.session, r.value);
    return ok(out(`${r.value}\n`));
  },
};
