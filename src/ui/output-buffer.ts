/**
 * Output waiting to be printed: the blocks a command produced, handed out a
 * bounded number of lines at a time so that 100,000 lines of output are
 * printed over many ticks and the prompt keeps reacting to keys.
 */
import type { Block } from "../shell/types.js";
import { expandTabs } from "./format.js";
import type { ScrollItem } from "./scrollback.js";

type TextKind = "out" | "err";

export class OutputBuffer {
  /** Pending blocks from `head` on (a head index: shifting 100,000 blocks one by one is quadratic). */
  private blocks: Block[] = [];
  private head = 0;
  /** Where the unread text of blocks[head] starts. */
  private offset = 0;
  /** A line begun without its newline, waiting for the rest. */
  private carry: { kind: TextKind; text: string } | undefined;

  push(block: Block): void {
    if (block.text === "" && block.kind !== "view") return;
    this.blocks.push(block);
  }

  /** Blocks are waiting (an unterminated line held back does not count). */
  get hasBlocks(): boolean {
    return this.head < this.blocks.length;
  }

  clear(): void {
    this.blocks = [];
    this.head = 0;
    this.offset = 0;
    this.carry = undefined;
  }

  /**
   * Takes at most `maxLines` lines (a view counts as one) as scroll items,
   * consecutive lines of one kind merged into one item. A line without its
   * newline is held back for the next block of the same kind, unless `final`
   * (the command has finished) or a block of another kind follows.
   */
  take(maxLines: number, final: boolean): ScrollItem[] {
    const items: ScrollItem[] = [];
    let budget = maxLines;
    while (budget > 0 && this.head < this.blocks.length) {
      const block = this.blocks[this.head] as Block;
      if (block.kind === "view") {
        this.flushCarry(items);
        items.push({ kind: "view", text: block.text.replace(/\n$/, ""), view: block.view });
        this.shift();
        budget--;
        continue;
      }
      if (this.carry && this.carry.kind !== block.kind) this.flushCarry(items);
      if (this.takeLine(block.kind, block.text, items)) budget--;
    }
    if (final && this.head >= this.blocks.length) this.flushCarry(items);
    return items;
  }

  /** Consumes one line (true) or the unterminated rest (false) of the block at `head`. */
  private takeLine(kind: TextKind, text: string, items: ScrollItem[]): boolean {
    const before = this.carry?.text ?? "";
    const nl = text.indexOf("\n", this.offset);
    if (nl < 0) {
      this.carry = { kind, text: before + text.slice(this.offset) };
      this.shift();
      return false;
    }
    this.carry = undefined;
    emitLine(items, kind, before + text.slice(this.offset, nl));
    this.offset = nl + 1;
    if (this.offset >= text.length) this.shift();
    return true;
  }

  private flushCarry(items: ScrollItem[]): void {
    if (!this.carry) return;
    emitLine(items, this.carry.kind, this.carry.text);
    this.carry = undefined;
  }

  private shift(): void {
    this.head++;
    this.offset = 0;
    if (this.head >= this.blocks.length) {
      this.blocks = [];
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.blocks.length) {
      this.blocks = this.blocks.slice(this.head);
      this.head = 0;
    }
  }
}

/** Appends a line to the last item if it is of the same kind, else starts an item. */
function emitLine(items: ScrollItem[], kind: TextKind, line: string): void {
  const last = items[items.length - 1];
  const text = expandTabs(line);
  if (last && last.kind === kind) items[items.length - 1] = { kind, text: `${last.text}\n${text}` };
  else items.push({ kind, text });
}
