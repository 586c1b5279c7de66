/**
 * pmap's output, as procps-ng 4.0.2's src/pmap.c prints it, computed from
 * the text of /proc/PID/maps (plain and -d) or /proc/PID/smaps (-x, -X,
 * -XX), the way pmap reads them: line by line, with its sscanf patterns.
 * Pure functions of that text, so they can be checked against the real
 * pmap on a real process's /proc as well as run on cowsh's.
 *
 * Addresses are BigInts here: the [vsyscall] line's 0xffffffffff600000 is
 * beyond 2^53, and pmap is no hot path.
 */
import { hexPad } from "../../../fs/hex.js";

export type PmapMode = "maps" | "device" | "extended" | "X" | "XX";

export interface PmapOptions {
  readonly mode: PmapMode;
  /** -q: no header and footer. */
  readonly quiet: boolean;
  /** -p: whole paths instead of file names. */
  readonly showPath: boolean;
}

/** What pmap learns about one process before reading its map. */
export interface PmapProcess {
  readonly tgid: number;
  /** The command as libproc2 gives it (pmapCommand). */
  readonly command: string;
  /** stat's start_stack: the mapping holding it is "[ stack ]". */
  readonly startStack: bigint;
  /** The maps text for "maps" and "device", the smaps text otherwise. */
  readonly text: string;
}

/** True when `mode` reads smaps rather than maps. */
export const readsSmaps = (mode: PmapMode): boolean => mode !== "maps" && mode !== "device";

/** Control characters as escape_str() shows them. */
const printable = (s: string): string => s.replace(/[\x00-\x1f\x7f]/g, "?");

/**
 * PIDS_CMDLINE (libproc2 fill_cmdline_cvt): the arguments joined by spaces
 * (read_unvectored), or, when cmdline is empty, "[comm]" and " <defunct>"
 * for a zombie (escape_command with ESC_BRACKETS | ESC_DEFUNCT).
 */
export function pmapCommand(cmdline: string, comm: string, state: string): string {
  let text = cmdline.replace(/\0+$/, "").replace(/[\0\n]/g, " ");
  if (cmdline.length > 0 && cmdline.endsWith(" ")) text = text.slice(0, -1);
  if (text !== "") return printable(text);
  return `[${printable(comm)}]${state === "Z" ? " <defunct>" : ""}`;
}

/** justify_print: STR padded to WIDTH (at least its length) and a space; a width below 1 ends the line. */
function justify(str: string, width: number, right: boolean): { text: string; width: number } {
  if (width < 1) return { text: `${str}\n`, width };
  const w = Math.max(width, str.length);
  return { text: `${right ? str.padStart(w) : str.padEnd(w)} `, width: w };
}

const lines = (text: string): string[] => text.split(/(?<=\n)/).filter((l) => l !== "");

/** "%lx-%lx %31s %llx %x:%x %llu" of a maps line. */
const MAPS_LINE =
  /^([0-9a-fA-F]+)-([0-9a-fA-F]+)\s+(\S{1,31})\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+):([0-9a-fA-F]+)\s+([0-9]+)/;

interface MapsLine {
  start: bigint;
  end: bigint;
  perms: string;
  offset: bigint;
  major: number;
  minor: number;
}

function parseMapsLine(line: string): MapsLine | null {
  const f = MAPS_LINE.exec(line);
  if (f === null) return null;
  return {
    start: BigInt(`0x${f[1]}`),
    end: BigInt(`0x${f[2]}`),
    perms: f[3]!,
    offset: BigInt(`0x${f[4]}`),
    major: Number.parseInt(f[5]!, 16),
    minor: Number.parseInt(f[6]!, 16),
  };
}

/**
 * mapping_name: the file name after the last "/" of the line (from the
 * first "/" with -p), else "  [ stack ]" for the mapping holding
 * start_stack, else "  [ anon ]" ([heap], [vdso], [anon:NAME] alike).
 */
function mappingName(p: PmapProcess, m: MapsLine, line: string, showPath: boolean): string {
  const last = line.lastIndexOf("/");
  if (last >= 0) {
    if (showPath) return line.slice(line.indexOf("/"));
    return last + 1 < line.length ? line.slice(last + 1) : line.slice(last);
  }
  const len = m.end - m.start;
  return p.startStack >= m.start && p.startStack <= m.start + len ? "  [ stack ]" : "  [ anon ]";
}

/** one_proc for every mode but -X/-XX: the rows and the footer. */
function oneProc(p: PmapProcess, o: PmapOptions): string {
  const x = o.mode === "extended";
  const d = o.mode === "device";
  let out = "";
  let w1 = 0;
  let w2 = 0;
  let w3 = 0;
  let w4 = 0;
  let w5 = 0;
  const head = (cols: [string, number, boolean][]): void => {
    const widths = cols.map(([s, w, r]) => {
      const j = justify(s, w, r);
      out += j.text;
      return j.width;
    });
    [w1, w2, w3, w4, w5] = widths as [number, number, number, number, number];
    out += "Mapping\n";
  };
  if (x) {
    [w1, w2, w3, w4, w5] = [16, 7, 7, 7, 5];
    if (!o.quiet)
      head([
        ["Address", w1, false],
        ["Kbytes", w2, true],
        ["RSS", w3, true],
        ["Dirty", w4, true],
        ["Mode", w5, false],
      ]);
  }
  if (d) {
    [w1, w2, w3, w4, w5] = [16, 7, 5, 16, 9];
    if (!o.quiet)
      head([
        ["Address", w1, false],
        ["Kbytes", w2, true],
        ["Mode", w3, false],
        ["Offset", w4, false],
        ["Device", w5, false],
      ]);
  }
  let shared = 0n;
  let privateRo = 0n;
  let privateRw = 0n;
  let rss = 0n;
  let dirty = 0n;
  let totalRss = 0n;
  let totalDirty = 0n;
  let row: { m: MapsLine; perms: string; name: string } | null = null;
  for (const raw of lines(p.text)) {
    const line = raw.replace(/\n$/, "");
    if (/^[A-Z]/.test(line)) {
      const kv = /^([^:]{1,20}):\s*([0-9]+)/.exec(line);
      if (kv === null) continue;
      const value = BigInt(kv[2]!);
      if (kv[1] === "Rss") {
        rss = value;
        totalRss += value;
      } else if (kv[1] === "Shared_Dirty" || kv[1] === "Private_Dirty") {
        dirty += value;
        totalDirty += value;
      } else if (kv[1] === "Swap") {
        if (row !== null)
          out += `${hexPad(row.m.start, w1)} ${String((row.m.end - row.m.start) >> 10n).padStart(w2)} ${String(rss).padStart(w3)} ${String(dirty).padStart(w4)} ${row.perms.padStart(w5)} ${row.name}\n`;
        rss = 0n;
        dirty = 0n;
        row = null;
      }
      continue;
    }
    const m = parseMapsLine(line);
    if (m === null) continue;
    const diff = m.end - m.start;
    let perms = m.perms;
    if (perms[3] === "s") shared += diff;
    if (perms[3] === "p") {
      perms = `${perms.slice(0, 3)}-${perms.slice(4)}`;
      if (perms[1] === "w") privateRw += diff;
      else privateRo += diff;
    }
    perms = `${perms.slice(0, 4)}-`; // perms[4] = '-', perms[5] = '\0'
    const name = mappingName(p, m, line, o.showPath);
    if (x) row = { m, perms, name };
    else if (d)
      out += `${hexPad(m.start, w1)} ${String(diff >> 10n).padStart(w2)} ${perms.padStart(w3)} ${hexPad(m.offset, w4)} ${hexPad(m.major, 3)}:${hexPad(m.minor, 5)} ${name}\n`;
    else out += `${hexPad(m.start, 16)} ${String(diff >> 10n).padStart(6)}K ${perms} ${name}\n`;
  }
  if (o.quiet) return out;
  const mapped = (shared + privateRw + privateRo) >> 10n;
  if (x) {
    out += justify("----------------", w1, false).text;
    for (const w of [w2, w3, w4]) out += justify("-------", w, true).text;
    out += "\n";
    out += `${"total kB".padEnd(w1)} ${String(mapped).padStart(w2)} ${String(totalRss).padStart(w3)} ${String(totalDirty).padStart(w4)}\n`;
  } else if (d) {
    out += `mapped: ${mapped}K    writeable/private: ${privateRw >> 10n}K    shared: ${shared >> 10n}K\n`;
  } else {
    out += ` total ${String(mapped).padStart(16)}K\n`;
  }
  return out;
}

/* ---- -X and -XX: print_extended_maps ---- */

/** One column of -X: a field of smaps, in the order the first mapping lists them. */
interface Column {
  readonly description: string;
  valueStr: string;
  total: bigint;
  maxWidth: number;
}

/** The columns, kept from one process to the next as pmap keeps its list. */
export interface ExtendedState {
  readonly columns: Column[];
}

export const newExtendedState = (): ExtendedState => ({ columns: [] });

/** Fields -X leaves out (is_unimportant); -XX shows everything. */
const UNIMPORTANT = new Set([
  "AnonHugePages",
  "KernelPageSize",
  "MMUPageSize",
  "Shared_Dirty",
  "Private_Dirty",
  "Shared_Clean",
  "Private_Clean",
  "VmFlags",
]);

/** "%20[0-9a-f]-%20[0-9a-f] %31s %20[0-9a-f] %63[0-9a-f:] %20s %127[^\n]" */
const SMAPS_HEADER =
  /^([0-9a-f]{1,20})-([0-9a-f]{1,20})\s*(\S{1,31})\s*([0-9a-f]{1,20})\s*([0-9a-f:]{1,63})\s*(\S{1,20})\s*([^\n]{0,127})/;
/** "%31[^:]: %20[0-9] kB %c" giving 2 fields. */
const DETAIL = /^([^:]{1,31}):\s*([0-9]{1,20})/;
/** "VmFlags: %127[a-z ]" */
const VMFLAGS = /^VmFlags:\s*([a-z ]{1,127})/;

export class PmapFormatError extends Error {}

function extendedMaps(text: string, o: PmapOptions, state: ExtendedState): string {
  const enabled = (s: string) => o.mode === "XX" || !UNIMPORTANT.has(s);
  const all = lines(text);
  let i = 0;
  const next = (): string | null => (i < all.length ? all[i++]! : null);
  const widths = [0, 0, 0, 0, 0];
  let flagsWidth = 0;
  let hasFlags = false;
  let first = 2;
  let out = "";
  let line = next();
  while (line !== null) {
    const h = SMAPS_HEADER.exec(line);
    if (h === null) throw new PmapFormatError("Unknown format in smaps file!");
    const fields = [h[1]!, h[3]!, h[4]!, h[5]!, h[6]!];
    const desc = h[7]!;
    fields.forEach((f, k) => {
      widths[k] = Math.max(widths[k]!, f.length);
    });
    line = next();
    let detail = line === null ? null : DETAIL.exec(line);
    let col = 0;
    while (line !== null && detail !== null) {
      const [, description, valueStr] = detail as unknown as [string, string, string];
      if (enabled(description)) {
        let c = state.columns[col];
        if (c === undefined) {
          c = { description, valueStr, total: 0n, maxWidth: o.quiet ? 0 : description.length };
          state.columns.push(c);
        } else if (c.description !== description) {
          throw new PmapFormatError(
            `ERROR: inconsistent detail field in smaps file, line:\n ${line}`,
          );
        }
        c.valueStr = valueStr;
        if (first === 2) {
          c.total += BigInt(valueStr);
          if (o.quiet) c.maxWidth = Math.max(c.maxWidth, valueStr.length);
        }
        col++;
      }
      line = next();
      detail = line === null ? null : DETAIL.exec(line);
    }
    let flags = "";
    const vf = line === null ? null : VMFLAGS.exec(line);
    if (vf !== null) {
      flags = vf[1]!.replace(/ $/, "");
      flagsWidth = Math.max(flagsWidth, flags.length);
      hasFlags = true;
      line = next();
    }
    if (first === 2) {
      if (line === null) {
        first = 1;
        i = 0;
        line = next();
        if (!o.quiet)
          for (const c of state.columns)
            c.maxWidth = Math.max(c.maxWidth, c.total.toString().length);
      }
      continue;
    }
    if (first === 1 && !o.quiet) {
      ["Address", "Perm", "Offset", "Device", "Inode"].forEach((name, k) => {
        const j = justify(name, widths[k]!, true);
        widths[k] = j.width;
        out += j.text;
      });
      for (const c of state.columns) out += justify(c.description, c.maxWidth, true).text;
      if (hasFlags && enabled("VmFlags")) {
        const j = justify("VmFlags", flagsWidth, true);
        flagsWidth = j.width;
        out += j.text;
      }
      out += "Mapping\n";
    }
    out += fields.map((f, k) => f.padStart(widths[k]!)).join(" ");
    for (const c of state.columns) out += ` ${c.valueStr.padStart(c.maxWidth)}`;
    if (hasFlags && enabled("VmFlags")) out += ` ${flags.padStart(flagsWidth)}`;
    const slash = desc.lastIndexOf("/");
    out += ` ${o.showPath || slash < 0 ? desc : desc.slice(slash + 1)}\n`;
    first = 0;
  }
  if (!o.quiet && state.columns.length > 0) {
    const gap = " ".repeat(widths.reduce((a, w) => a + w + 1, 0));
    out += `${gap}${state.columns.map((c) => `${"=".repeat(c.maxWidth)} `).join("")}\n`;
    // 4.0.2 never resets the totals: a later process's footer adds up every process so far.
    out += `${gap}${state.columns.map((c) => `${c.total.toString().padStart(c.maxWidth)} `).join("")}KB \n`;
  }
  return out;
}

/**
 * The output for one process: "PID:   COMMAND" then its map. `state`
 * carries -X's columns across the processes of one pmap run.
 */
export function formatPmap(p: PmapProcess, o: PmapOptions, state: ExtendedState): string {
  const head = `${p.tgid}:   ${p.command}\n`;
  if (o.mode === "X" || o.mode === "XX") return head + extendedMaps(p.text, o, state);
  return head + oneProc(p, o);
}
