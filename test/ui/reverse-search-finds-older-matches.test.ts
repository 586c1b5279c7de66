import { describe, expect, it } from "vitest";
import {
  eraseInSearch,
  findOlder,
  NEW_SEARCH,
  searchAgain,
  searchLine,
  typeInSearch,
} from "../../src/ui/reverse-search.js";

const entries = ["cat /proc/1/smaps", "pstree", "cat /proc/2/maps", "cat /proc/2/maps", "ls"];

describe("reverse incremental search", () => {
  it("finds the newest entry containing the query", () => {
    expect(findOlder(entries, "cat", entries.length)).toBe(3);
    expect(findOlder(entries, "zzz", entries.length)).toBeUndefined();
  });

  it("narrows as the query grows, keeping the current match while it still matches", () => {
    const c = typeInSearch(NEW_SEARCH, entries, "cat");
    expect(c.match).toBe(3);
    const s = typeInSearch(c, entries, " /proc/1");
    expect(s).toEqual({ query: "cat /proc/1", match: 0, failed: false });
  });

  it("Ctrl-R again finds older matches, skipping repeats of the current one, then fails", () => {
    const first = typeInSearch(NEW_SEARCH, entries, "cat");
    const second = searchAgain(first, entries, "");
    expect(second.match).toBe(0);
    const third = searchAgain(second, entries, "");
    expect(third).toEqual({ query: "cat", match: 0, failed: true });
  });

  it("Ctrl-R on an empty query reuses the last search", () => {
    expect(searchAgain(NEW_SEARCH, entries, "tree")).toEqual({
      query: "tree",
      match: 1,
      failed: false,
    });
  });

  it("Backspace shortens the query and searches again from the newest entry", () => {
    const s = typeInSearch(NEW_SEARCH, entries, "treex");
    expect(s.failed).toBe(true);
    expect(eraseInSearch(s, entries)).toEqual({ query: "tree", match: 1, failed: false });
  });

  it("shows bash's label with the cursor at the match", () => {
    const s = typeInSearch(NEW_SEARCH, entries, "proc");
    expect(searchLine(s, "cat /proc/2/maps")).toEqual({
      line: "(reverse-i-search)`proc': cat /proc/2/maps",
      cursor: "(reverse-i-search)`proc': cat /".length,
    });
    expect(searchLine({ ...s, failed: true }, "x").line).toBe("(failed reverse-i-search)`proc': x");
  });
});
