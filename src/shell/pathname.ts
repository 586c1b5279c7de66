/**
 * Pathname expansion over the simulated machine's files (/proc included):
 * the paths a pattern such as `/proc/[0-9]*\/smaps` matches, sorted, as
 * bash's glob gives them. Relative patterns are taken from the working
 * directory `cwd` and give relative paths; names starting with `.` match
 * only a pattern starting with `.`.
 */
import { resolve } from "../../fs/vfs.js";
import type { Machine } from "../kernel/machine.js";
import { hasGlob, patternSource, unescapePattern } from "./pattern.js";

export function globPaths(m: Machine, pattern: string, cwd = "/"): string[] {
  const absolute = pattern.startsWith("/");
  const components = pattern.split("/").filter((c) => c !== "");
  let paths = [absolute ? "/" : ""];
  for (const component of components) {
    const next: string[] = [];
    if (!hasGlob(component)) {
      const name = unescapePattern(component);
      for (const p of paths) next.push(join(p, name));
    } else {
      const re = new RegExp(`^(?:${patternSource(component, true)})$`);
      for (const p of paths) {
        const node = resolve(m, p === "" ? "." : p, cwd);
        if (!node.ok || node.value.kind !== "dir") continue;
        for (const name of node.value.entries()) {
          if (name.startsWith(".") && !component.startsWith(".")) continue;
          if (re.test(name)) next.push(join(p, name));
        }
      }
    }
    paths = next;
  }
  const found = paths.filter((p) => resolve(m, p === "" ? "." : p, cwd).ok);
  return pattern.endsWith("/") ? found.map((p) => `${p}/`) : found.sort(compareNames);
}

const join = (dir: string, name: string): string =>
  dir === "" ? name : dir.endsWith("/") ? `${dir}${name}` : `${dir}/${name}`;

/** bash sorts glob results by the locale; in the C locale, by bytes. */
const compareNames = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
