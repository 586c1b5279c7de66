import { describe, expect, it } from "vitest";
import {
  applyCompletion,
  commonPrefix,
  displayName,
  formatColumns,
} from "../../src/ui/completion.js";

describe("applyCompletion", () => {
  it("completes a single candidate and adds a space", () => {
    expect(applyCompletion("spa", 3, { from: 0, candidates: ["spawn"] })).toEqual({
      kind: "insert",
      text: "spawn ",
      cursor: 6,
    });
  });

  it("adds no space after a directory, and keeps the text after the cursor", () => {
    expect(applyCompletion("cat /pr x", 7, { from: 4, candidates: ["/proc/"] })).toEqual({
      kind: "insert",
      text: "cat /proc/ x",
      cursor: 10,
    });
  });

  it("extends several candidates to their common prefix, then reports them as ambiguous", () => {
    const many = ["/proc/1/smaps", "/proc/1/smaps_rollup", "/proc/1/stat"];
    expect(
      applyCompletion("cat /proc/1/sm", 14, { from: 4, candidates: many.slice(0, 2) }),
    ).toEqual({
      kind: "insert",
      text: "cat /proc/1/smaps",
      cursor: 17,
    });
    expect(applyCompletion("cat /proc/1/s", 13, { from: 4, candidates: many })).toEqual({
      kind: "ambiguous",
      candidates: many,
    });
  });

  it("reports no candidates", () => {
    expect(applyCompletion("zz", 2, { from: 0, candidates: [] })).toEqual({ kind: "none" });
  });

  it("computes common prefixes", () => {
    expect(commonPrefix(["smaps", "smaps_rollup", "stat"])).toBe("s");
    expect(commonPrefix([])).toBe("");
  });
});

describe("listing", () => {
  it("shows paths by their last component, as bash", () => {
    expect(displayName("/proc/1/smaps")).toBe("smaps");
    expect(displayName("/proc/1/")).toBe("1/");
    expect(displayName("spawn")).toBe("spawn");
  });

  it("lays candidates out in columns, down then across", () => {
    expect(formatColumns(["a", "bb", "c", "d", "e"], 12)).toEqual(["a   c   e", "bb  d"]);
    expect(formatColumns(["only"], 80)).toEqual(["only"]);
  });
});
