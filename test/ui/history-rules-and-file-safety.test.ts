import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { addHistoryEntry, createMemoryHistoryStore } from "../../src/ui/history.js";
import {
  createFileHistoryStore,
  defaultHistoryPath,
  type HistoryFs,
  parseHistory,
} from "../../src/ui/history-file.js";

describe("addHistoryEntry (HISTCONTROL=ignoreboth)", () => {
  it("appends a line", () => {
    expect(addHistoryEntry(["ls"], "ps")).toEqual(["ls", "ps"]);
  });

  it("does not add a repeat of the previous line, a blank line, or one starting with a space", () => {
    const entries = ["ls", "ps"];
    expect(addHistoryEntry(entries, "ps")).toBe(entries);
    expect(addHistoryEntry(entries, "   ")).toBe(entries);
    expect(addHistoryEntry(entries, " secret")).toBe(entries);
    expect(addHistoryEntry(entries, "ls")).toEqual(["ls", "ps", "ls"]);
  });

  it("keeps at most `cap` lines, dropping the oldest", () => {
    expect(addHistoryEntry(["a", "b", "c"], "d", 3)).toEqual(["b", "c", "d"]);
  });

  it("memory store saves and loads", () => {
    const store = createMemoryHistoryStore(["a"]);
    store.save(["a", "b"]);
    expect(store.load()).toEqual(["a", "b"]);
  });
});

describe("history file", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "cowsh-history-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("defaults to ~/.cowsh_history, overridden by COWSH_HISTORY", () => {
    expect(defaultHistoryPath({}, "/home/ada")).toBe("/home/ada/.cowsh_history");
    expect(defaultHistoryPath({ COWSH_HISTORY: "/tmp/h" }, "/home/ada")).toBe("/tmp/h");
    expect(defaultHistoryPath({ COWSH_HISTORY: "" }, "/home/ada")).toBe("/home/ada/.cowsh_history");
  });

  it("reads a missing file as an empty history", () => {
    expect(createFileHistoryStore(join(tempDir(), "none")).load()).toEqual([]);
  });

  it("round-trips lines, one per line, private to the user, leaving no temporary file", () => {
    const dir = tempDir();
    const path = join(dir, ".cowsh_history");
    const store = createFileHistoryStore(path);
    store.save(["spawn /bin/sleep", "cat /proc/$!/smaps | grep Pss"]);
    expect(readFileSync(path, "utf8")).toBe("spawn /bin/sleep\ncat /proc/$!/smaps | grep Pss\n");
    expect(store.load()).toEqual(["spawn /bin/sleep", "cat /proc/$!/smaps | grep Pss"]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual([".cowsh_history"]);
  });

  it("keeps the last `cap` lines of a long file", () => {
    const path = join(tempDir(), "h");
    writeFileSync(path, "a\nb\nc\nd");
    expect(createFileHistoryStore(path, undefined, 2).load()).toEqual(["c", "d"]);
    expect(parseHistory("")).toEqual([]);
  });

  it("writes a temporary file then renames it over the history", () => {
    const calls: string[] = [];
    const fs: HistoryFs = {
      readFileSync: () => "",
      writeFileSync: (p, _data, options) => {
        calls.push(`write ${p} flush=${options.flush}`);
      },
      renameSync: (from, to) => {
        calls.push(`rename ${from} ${to}`);
      },
      rmSync: (p) => {
        calls.push(`rm ${p}`);
      },
    };
    createFileHistoryStore("/h/.cowsh_history", fs).save(["ls"]);
    const tmp = `/h/.cowsh_history.${process.pid}.tmp`;
    expect(calls).toEqual([`write ${tmp} flush=true`, `rename ${tmp} /h/.cowsh_history`]);
  });

  it("never truncates the old history when writing fails midway (disk full, crash)", () => {
    const dir = tempDir();
    const path = join(dir, ".cowsh_history");
    writeFileSync(path, "old 1\nold 2\n");
    const failing: HistoryFs = {
      readFileSync: (p, e) => readFileSync(p, e),
      writeFileSync: (p, data) => {
        writeFileSync(p, data.slice(0, 3));
        throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
      },
      renameSync: () => {
        throw new Error("not reached");
      },
      rmSync: (p, o) => rmSync(p, o),
    };
    const store = createFileHistoryStore(path, failing);
    expect(() => store.save(["new 1", "new 2", "new 3"])).toThrow(/ENOSPC/);
    expect(readFileSync(path, "utf8")).toBe("old 1\nold 2\n");
    expect(readdirSync(dir)).toEqual([".cowsh_history"]);
  });

  it("reports errors other than a missing file", () => {
    const dir = tempDir();
    expect(() => createFileHistoryStore(dir).load()).toThrow(/EISDIR/);
  });
});
