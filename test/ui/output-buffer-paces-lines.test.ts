import { describe, expect, it } from "vitest";
import { OutputBuffer } from "../../src/ui/output-buffer.js";

describe("OutputBuffer", () => {
  it("hands out at most N lines per take, merging lines of one kind", () => {
    const b = new OutputBuffer();
    b.push({ kind: "out", text: "1\n2\n3\n" });
    b.push({ kind: "err", text: "e\n" });
    expect(b.take(2, false)).toEqual([{ kind: "out", text: "1\n2" }]);
    expect(b.take(10, false)).toEqual([
      { kind: "out", text: "3" },
      { kind: "err", text: "e" },
    ]);
    expect(b.hasBlocks).toBe(false);
  });

  it("joins a line split across blocks, and flushes an unterminated line at the end", () => {
    const b = new OutputBuffer();
    b.push({ kind: "out", text: "ab" });
    expect(b.take(10, false)).toEqual([]);
    b.push({ kind: "out", text: "c\nd" });
    expect(b.take(10, false)).toEqual([{ kind: "out", text: "abc" }]);
    expect(b.take(10, true)).toEqual([{ kind: "out", text: "d" }]);
  });

  it("keeps views whole, expands tabs and keeps empty lines", () => {
    const b = new OutputBuffer();
    b.push({ kind: "out", text: "a\tb\n\n" });
    b.push({ kind: "view", text: "[##..]\n", view: { kind: "vmmap" } });
    expect(b.take(10, true)).toEqual([
      { kind: "out", text: "a       b\n" },
      { kind: "view", text: "[##..]", view: { kind: "vmmap" } },
    ]);
  });

  it("takes 100,000 one-line blocks in linear time", () => {
    const b = new OutputBuffer();
    for (let i = 0; i < 100_000; i++) b.push({ kind: "out", text: `${i}\n` });
    const started = performance.now();
    let lines = 0;
    while (b.hasBlocks) {
      for (const item of b.take(1000, true)) lines += item.text.split("\n").length;
    }
    expect(lines).toBe(100_000);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
