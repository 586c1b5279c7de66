/**
 * The page's small pieces, without a browser: a share link holds the
 * session's lines (compressed, URI-safe) and gives them back, a damaged one
 * gives nothing; the history kept in the browser's storage; the smaps
 * panel's comparison; the page's cast recorder writes asciicast v2.
 */
import { describe, expect, test } from "vitest";
import { Machine } from "../../src/kernel/machine.js";
import { createSession } from "../../src/shell/runtime.js";
import { browserHost } from "../../web/browser-host.js";
import { CastRecorder } from "../../web/cast-recorder.js";
import { decodeSession, encodeSession } from "../../web/share-link.js";
import { shownWhole, smapsBlocks } from "../../web/smaps-panel.js";
import { createStorageHistoryStore } from "../../web/storage-history.js";
import { run } from "../export/scenario.js";

describe("share links", () => {
  const lines = ["P=$(spawn /bin/sh)", "mmap $P 16M --name buf", "write $P buf", 'echo "a b" | wc'];

  test("give back the lines they hold, in a fragment safe in a URL", () => {
    const hash = encodeSession({ lines, options: [] });
    expect(hash).toMatch(/^#s=[A-Za-z0-9+\-$]+$/);
    expect(decodeSession(hash)).toEqual({ lines, options: [] });
    const small = encodeSession({ lines, options: ["--mem", "64M"] });
    expect(decodeSession(small)).toEqual({ lines, options: ["--mem", "64M"] });
  });

  test("are shorter than the text for a long session", () => {
    const long = Array.from({ length: 50 }, (_, i) => `write $P buf+${i}M 1M -v`);
    expect(encodeSession({ lines: long, options: [] }).length).toBeLessThan(
      long.join("\n").length / 2,
    );
  });

  test("a damaged or foreign fragment holds no session", () => {
    expect(decodeSession("")).toBeUndefined();
    expect(decodeSession("#top")).toBeUndefined();
    expect(decodeSession("#s=garbage")).toBeUndefined();
    expect(decodeSession(encodeSession({ lines, options: [] }).slice(0, 20))).toBeUndefined();
  });
});

describe("history in the browser's storage", () => {
  const storage = () => {
    const map = new Map<string, string>();
    return {
      map,
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
    };
  };

  test("saves and loads the lines, oldest first, at most `cap` of them", () => {
    const s = storage();
    const store = createStorageHistoryStore(s, "h", 3);
    expect(store.load()).toEqual([]);
    store.save(["a", "b", "c", "d"]);
    expect(s.map.get("h")).toBe("a\nb\nc\nd");
    expect(store.load()).toEqual(["b", "c", "d"]);
  });

  test("a full storage throws, for the shell to report", () => {
    const store = createStorageHistoryStore({
      getItem: () => null,
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
    });
    expect(() => store.save(["x"])).toThrow("QuotaExceededError");
  });
});

describe("the smaps panel", () => {
  test("marks the fields that changed, and shows file mappings whole only when they changed", () => {
    const s = createSession(Machine.boot({}), browserHost);
    run(s, "P=$(spawn /bin/sh)");
    run(s, "mmap $P 1M --name buf");
    const read = () => {
      const r = s.readFile!(`/proc/${s.vars.get("P")}/smaps`);
      if (!r.ok) throw new Error(r.errno);
      return r.text;
    };
    const before = read();
    expect(smapsBlocks(undefined, before).every((b) => !b.changed)).toBe(true);
    run(s, "write $P buf");
    const blocks = smapsBlocks(before, read());
    const buf = blocks.find((b) => b.header.text.includes("[anon:buf]"))!;
    expect(buf.changed).toBe(true);
    const rss = buf.fields.find((f) => f.text.startsWith("Rss:"))!;
    expect(rss.kind).toBe("changed");
    if (rss.kind === "changed")
      expect(rss.spans.filter((p) => p.changed)).toEqual([{ text: "1024", changed: true }]);
    const dash = blocks.find((b) => b.header.text.endsWith("/usr/bin/dash"))!;
    expect(shownWhole(dash)).toBe(dash.changed);
    expect(shownWhole(buf)).toBe(true);
  });
});

test("the page's cast recorder writes asciicast v2, timed from the first write", () => {
  let now = 1000;
  const rec = new CastRecorder(100, 34, () => now, 1_700_000_000_000);
  rec.record("cowsh$ ");
  now += 1500;
  rec.record("echo hi\r\n");
  rec.record("");
  const [header, ...events] = rec.text().trimEnd().split("\n");
  expect(JSON.parse(header!)).toEqual({
    version: 2,
    width: 100,
    height: 34,
    timestamp: 1_700_000_000,
    title: "cowsh",
    env: { SHELL: "cowsh", TERM: "xterm-256color" },
  });
  expect(events.map((e) => JSON.parse(e))).toEqual([
    [0, "o", "cowsh$ "],
    [1.5, "o", "echo hi\r\n"],
  ]);
});
