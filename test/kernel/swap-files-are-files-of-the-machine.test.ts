/**
 * Swap files as files (src/kernel/swapon.ts): the header mkswap writes,
 * sys_swapon's refusals (EBUSY, EINVAL for no signature, holes, too small;
 * EPERM past MAX_SWAPFILES), S_SWAPFILE's (unlink EPERM, truncate, write
 * and fallocate ETXTBSY), and a machine saved with a swap file of its own
 * and a file with holes loading back the same.
 */
import { expect, test } from "vitest";
import { decodeImage, encodeImage } from "../../src/image/machine-image.js";
import { assertInvariants } from "../../src/kernel/invariants.js";
import { Machine } from "../../src/kernel/machine.js";
import { loadMachine, saveMachine } from "../../src/kernel/snapshot.js";
import {
  MAX_SWAPFILES,
  swapHeaderOf,
  swapSignatureSeed,
  swapUuid,
} from "../../src/kernel/swapon.js";

const errnoOf = (r: { ok: boolean; errno?: string }) => (r.ok ? "ok" : r.errno);

test("swapon needs a signature, no holes and a file not in use; a swap file in use cannot be removed or changed", () => {
  const m = Machine.boot({ swapBytes: 0 });
  m.truncate("/holes", 1 << 20);
  expect(errnoOf(m.mkswap("/holes"))).toBe("ok");
  expect(errnoOf(m.swapon("/holes", -1))).toBe("EINVAL"); // holes
  m.fallocate("/f", 1 << 20);
  expect(errnoOf(m.swapon("/f", -1))).toBe("EINVAL"); // no signature
  m.fallocate("/tiny", 9 * 4096);
  expect(errnoOf(m.mkswap("/tiny"))).toBe("EINVAL"); // below 40 KiB
  expect(errnoOf(m.mkswap("/f"))).toBe("ok");
  expect(errnoOf(m.swapon("/f", 7))).toBe("ok");
  expect(errnoOf(m.swapon("/f", -1))).toBe("EBUSY");
  expect(errnoOf(m.mkswap("/f"))).toBe("ETXTBSY");
  expect(errnoOf(m.unlink("/f"))).toBe("EPERM");
  expect(errnoOf(m.truncate("/f", 4096))).toBe("ETXTBSY");
  expect(errnoOf(m.writeFile("/f", "x", true))).toBe("ETXTBSY");
  expect(errnoOf(m.fallocate("/f", 2 << 20))).toBe("ETXTBSY");
  expect(m.swap.areas.map((a) => a && [a.path, a.slots, a.priority])).toEqual([["/f", 255, 7]]);
  expect(m.log.at(-1)).toBe("\x016Adding 1020k swap on /f.  Priority:7 extents:1 across:1020k ");
  expect(errnoOf(m.swapoff("/f"))).toBe("ok");
  expect(errnoOf(m.unlink("/f"))).toBe("ok");
  expect(errnoOf(m.swapoff("/f"))).toBe("ENOENT");
  expect(errnoOf(m.swapoff("/holes"))).toBe("EINVAL");
});

test("fallocate fills the holes truncate leaves; growing by truncate makes new ones", () => {
  const m = Machine.boot({});
  const f = m.truncate("/t", 8192);
  if (!f.ok) throw new Error("truncate");
  expect(f.value.allocated).toBe(0);
  m.fallocate("/t", 4096);
  expect(f.value.allocated).toBe(4096);
  m.fallocate("/t", 8192);
  expect(f.value.allocated).toBeUndefined();
  m.truncate("/t", 16384);
  expect(f.value.allocated).toBe(8192);
  m.truncate("/t", 8192);
  expect(f.value.allocated).toBeUndefined();
});

test("at most MAX_SWAPFILES areas: the next swapon fails with EPERM", () => {
  const m = Machine.boot({});
  for (let i = 0; i < MAX_SWAPFILES; i++) {
    m.fallocate(`/s${i}`, 40 * 1024);
    m.mkswap(`/s${i}`);
    expect(errnoOf(m.swapon(`/s${i}`, -1))).toBe("ok");
  }
  m.fallocate("/last", 40 * 1024);
  m.mkswap("/last");
  expect(errnoOf(m.swapon("/last", -1))).toBe("EPERM");
  expect(m.swap.areas.at(-1)?.priority).toBe(-2 - (MAX_SWAPFILES - 1));
});

test("a machine with its own swap file and a file with holes saves and loads the same", () => {
  const m = Machine.boot({ swapBytes: 1 << 20 });
  m.fallocate("/s", 1 << 20);
  m.mkswap("/s");
  m.swapon("/s", -1);
  m.truncate("/holes", 1 << 20);
  const loaded = loadMachine(saveMachine(m));
  if (!loaded.ok) throw new Error(loaded.problem);
  const l = loaded.machine;
  assertInvariants(l);
  expect(l.swap.areas.map((a) => a?.path)).toEqual(["/swapfile", "/s"]);
  const holes = l.vfs.lookup("/holes");
  expect(holes.ok && holes.value.allocated).toBe(0);
  expect(errnoOf(l.unlink("/s"))).toBe("EPERM");
  const s = l.vfs.lookup("/s");
  if (!s.ok) throw new Error("lookup");
  const seed = swapSignatureSeed(s.value.disk.get(0) ?? 0);
  expect(seed).toBeGreaterThanOrEqual(0);
  expect(swapUuid(s.value.ino, seed)).toMatch(
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  expect(saveMachine(l)).toEqual(saveMachine(m));
});

test("no file of the root image reads as a swap signature", () => {
  const m = Machine.boot({});
  const walk = (path: string): string[] => {
    const r = m.vfs.lookup(path, true);
    if (!r.ok || r.value.type === "lnk") return [];
    if (r.value.type === "dir")
      return [...r.value.entries!.keys()].flatMap((n) =>
        walk(path === "/" ? `/${n}` : `${path}/${n}`),
      );
    return swapSignatureSeed(r.value.disk.get(0) ?? r.value.initialWord(0)) >= 0 ? [path] : [];
  };
  expect(walk("/")).toEqual([]);
  // Test of the test: a file that is one is found.
  m.fallocate("/x", 1 << 20);
  m.mkswap("/x");
  expect(walk("/")).toEqual(["/x"]);
});

test("a saved machine keeps the headers mkswap wrote: label, UUID and an area smaller than its file", () => {
  const m = Machine.boot({ swapBytes: 0 });
  m.fallocate("/s", 1 << 20);
  const uuid = "01234567-89ab-cdef-0123-456789abcdef";
  expect(errnoOf(m.mkswap("/s", { pages: 100, uuid, label: "lab" }))).toBe("ok");
  expect(errnoOf(m.mkswap("/s", { pages: 257, uuid, label: "" }))).toBe("EINVAL"); // past the file
  const loaded = decodeImage(encodeImage(m)); // as save and load write and read it
  if (!loaded.ok) throw new Error(loaded.kind);
  const l = loaded.machine;
  const s = l.vfs.lookup("/s");
  if (!s.ok) throw new Error("lookup");
  expect(swapHeaderOf(l, s.value)).toEqual({ lastPage: 99, uuid, label: "lab" });
  expect(errnoOf(l.swapon("/s", -1))).toBe("ok");
  expect(l.swap.areas.at(-1)?.pages).toBe(100);
  const bad = structuredClone(saveMachine(m));
  (bad.swapHeaders as unknown as unknown[][])[0]![2] = "not-a-uuid";
  const refused = loadMachine(bad);
  expect(refused.ok ? "" : refused.problem).toMatch(/^swapHeaders: /);
});
