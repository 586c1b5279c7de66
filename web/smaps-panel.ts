/**
 * The panel beside the terminal: /proc/PID/smaps of a chosen process, read
 * again after every command, with the fields that changed since the panel
 * last showed it highlighted (the same comparison as `cat`'s changes,
 * src/views/changes.ts). Only the mappings a cowsh command made or that
 * changed are shown whole; the rest fold to their header line. Pure: the
 * page draws the blocks (smaps-draw.ts).
 */
import { compareText, type LineChange } from "../src/views/changes.js";

/** A mapping's block of smaps: its header line and its field lines, compared. */
export interface SmapsBlock {
  readonly header: LineChange;
  readonly fields: readonly LineChange[];
  /** Any of its lines changed since the last reading. */
  readonly changed: boolean;
}

const isHeader = (line: string): boolean => /^[0-9a-f]+-[0-9a-f]+ /.test(line);

/** `after` cut into mapping blocks, each line compared with `before` (undefined: nothing changed). */
export function smapsBlocks(before: string | undefined, after: string): SmapsBlock[] {
  const lines = compareText(before ?? after, after).filter((l) => l.kind !== "gone");
  const blocks: { header: LineChange; fields: LineChange[] }[] = [];
  for (const line of lines) {
    if (isHeader(line.text) || blocks.length === 0) blocks.push({ header: line, fields: [] });
    else blocks[blocks.length - 1]!.fields.push(line);
  }
  return blocks.map((b) => ({
    ...b,
    changed: b.header.kind !== "same" || b.fields.some((f) => f.kind !== "same"),
  }));
}

/** Shown whole: a mapping that changed, or an anonymous or named one (no file path). */
export function shownWhole(block: SmapsBlock): boolean {
  if (block.changed) return true;
  const path = block.header.text.split(/\s+/).slice(5).join(" ");
  return path === "" || path.startsWith("[anon") || path.startsWith("/dev/zero");
}
