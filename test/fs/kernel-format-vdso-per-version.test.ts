/**
 * `--kernel VERSION`: the vDSO block exec maps (src/kernel/vdso.ts), and the
 * programs' start-ups replayed under it. Before 6.13 there is no
 * [vvar_vclock]; [vvar] is 3 pages before 5.6 and 4 after; everything ld.so
 * mapped top-down below the block moves up by what the block lost, and the
 * stack, executable, interpreter and heap stay (docs/KERNEL-FORMATS.md).
 */
import { describe, expect, test } from "vitest";
import { KERNEL_VERSIONS, type KernelVersion } from "../../src/kernel/kernel.js";
import { Machine } from "../../src/kernel/machine.js";
import { LAZY_PROGRAMS, PROGRAMS } from "../../src/kernel/rootfs-image.js";
import { readText } from "./proc-helpers.js";
import "../rootfs/program-images.js";

/** `argv` exec'd from `path` on a machine booted as `version`: the machine and pid. */
function run(version: KernelVersion, path: string, argv: readonly string[]) {
  const m = Machine.boot({ kernelVersion: version });
  const r = m.spawn(path, [...argv]);
  if (!r.ok) throw new Error(`${version} ${path}: ${r.errno}`);
  return { m, pid: r.value };
}

interface MapsLine {
  start: number;
  end: number;
  rest: string;
}
/** maps' lines but the [vsyscall] gate (its perms differ before 5.3: kernel-format-files-and-flags). */
const mapsOf = (text: string): MapsLine[] =>
  text
    .trimEnd()
    .split("\n")
    .filter((l) => !l.endsWith("[vsyscall]"))
    .map((l) => {
      const [range, ...rest] = l.split(" ");
      const [s, e] = range!.split("-");
      return { start: Number.parseInt(s!, 16), end: Number.parseInt(e!, 16), rest: rest.join(" ") };
    });
const named = (maps: MapsLine[], name: string): MapsLine | undefined =>
  maps.find((l) => l.rest.endsWith(` ${name}`) || l.rest.endsWith(name));
const LIBC = "/usr/lib/x86_64-linux-gnu/libc.so.6";
const KB = 1024;

describe("sh's maps, by hand from vdso-layout.lds.S and map_vdso", () => {
  const maps = (v: KernelVersion) => {
    const { m, pid } = run(v, "/usr/bin/dash", ["sh"]);
    return mapsOf(readText(m, `/proc/${pid}/maps`));
  };
  const base = maps("6.18");

  test("6.18 (and 6.13+): [vvar] 16 kB, [vvar_vclock] 8 kB, [vdso] 8 kB, libc's first page at 0x7ffff7dd5000", () => {
    for (const v of ["6.18", "6.12"] as const) {
      const m = maps(v);
      const vvar = named(m, "[vvar]")!;
      if (v === "6.18") {
        expect(vvar.end - vvar.start).toBe(16 * KB);
        expect(named(m, "[vvar_vclock]")).toMatchObject({
          start: vvar.end,
          end: vvar.end + 8 * KB,
        });
        expect(named(m, LIBC)!.start).toBe(0x7ffff7dd5000);
      } else {
        expect(named(m, "[vvar_vclock]")).toBeUndefined(); // 6.12 < 6.13
      }
    }
  });

  test("5.10: [vvar] 16 kB then [vdso] 8 kB, no [vvar_vclock], the libraries 8 kB higher", () => {
    const m = maps("5.10");
    const vvar = named(m, "[vvar]")!;
    const vdso = named(m, "[vdso]")!;
    expect(named(m, "[vvar_vclock]")).toBeUndefined();
    expect(vvar).toMatchObject({ start: 0x7ffff7fc4000, end: 0x7ffff7fc8000 });
    expect(vdso).toMatchObject({ start: 0x7ffff7fc8000, end: 0x7ffff7fca000 });
    expect(named(m, LIBC)!.start).toBe(0x7ffff7dd5000 + 8 * KB);
    expect(m.map((l) => l.rest)).toEqual(
      base.filter((l) => !l.rest.endsWith("[vvar_vclock]")).map((l) => l.rest),
    );
  });

  test("4.19 and 5.4: [vvar] 12 kB, the libraries 12 kB higher", () => {
    for (const v of ["4.19", "5.4"] as const) {
      const m = maps(v);
      expect(named(m, "[vvar]")).toMatchObject({ start: 0x7ffff7fc5000, end: 0x7ffff7fc8000 });
      expect(named(m, "[vdso]")).toMatchObject({ start: 0x7ffff7fc8000, end: 0x7ffff7fca000 });
      expect(named(m, LIBC)!.start).toBe(0x7ffff7dd5000 + 12 * KB);
    }
  });

  test("[vvar] stays a PFN map without Rss on 5.10", () => {
    const { m, pid } = run("5.10", "/usr/bin/dash", ["sh"]);
    const smaps = readText(m, `/proc/${pid}/smaps`);
    const block = smaps.slice(smaps.indexOf("[vvar]"), smaps.indexOf("[vdso]"));
    expect(block).toMatch(/\nSize: +16 kB\n/);
    expect(block).toMatch(/\nRss: +0 kB\n/);
    expect(block).toMatch(/VmFlags: rd mr pf io de dd/);
  });
});

describe("every captured program starts on every version", () => {
  const programs = [
    ...PROGRAMS.filter((p) => p.parent === undefined).map((p) => [p.name, p.path, p.argv] as const),
    ...LAZY_PROGRAMS.map((p) => [p.name, p.path, p.argv] as const),
  ];
  /**
   * Programs ld.so maps a library of 2 MiB or more for: thp_get_unmapped_area
   * aligns it, it keeps its place, and what is mapped below it or in the
   * gaps around it lands where the allocator finds room (and anonymous
   * neighbours meet or part differently): each file and special mapping is
   * there, in order, and the same pages are resident.
   */
  const ALIGNED = new Set(["redis-server", "nginx"]);
  test.each(programs)(
    "%s: the same mappings, those below the block moved up by what it lost",
    (name, path, argv) => {
      const rss = new Map<KernelVersion, string>();
      const mapsAt = (v: KernelVersion) => {
        const { m, pid } = run(v, path, argv);
        const text = readText(m, `/proc/${pid}/maps`);
        rss.set(v, /VmRSS:.*/.exec(readText(m, `/proc/${pid}/status`))?.[0] ?? "");
        return text === "" ? [] : mapsOf(text); // true and ls have exited: their start-up ran
      };
      const base = mapsAt("6.18");
      for (const v of KERNEL_VERSIONS) {
        const maps = mapsAt(v);
        if (base.length === 0) {
          expect(maps).toEqual([]);
          continue;
        }
        const vvar618 = named(base, "[vvar]")!.start;
        const lost = v === "4.19" || v === "5.4" ? 12 * KB : atLeastFor(v) ? 0 : 8 * KB;
        const expected = base
          .filter((l) => !(lost > 0 && l.rest.endsWith("[vvar_vclock]")))
          .map((l) => {
            if (l.rest.endsWith("[vvar]"))
              return lost === 0
                ? l
                : { ...l, start: l.start + lost, end: named(base, "[vdso]")!.start };
            const moves = l.start < vvar618 && l.start >= 0x7f0000000000;
            return moves ? { ...l, start: l.start + lost, end: l.end + lost } : l;
          });
        const files = (ls: MapsLine[]) => ls.map((l) => l.rest).filter((r) => !r.endsWith(" 0 "));
        expect(files(maps), v).toEqual(files(expected));
        expect(rss.get(v), `${v}: the same pages made resident`).toBe(rss.get("6.18"));
        if (!ALIGNED.has(name)) expect(maps, v).toEqual(expected);
      }
    },
  );
});

/** 6.13 and later map 6.18's block. */
const atLeastFor = (v: KernelVersion): boolean => v === "6.18";

describe("the threads and workers a start-up makes, on every version", () => {
  const redis = LAZY_PROGRAMS.find((p) => p.name === "redis-server")!;
  const nginx = LAZY_PROGRAMS.find((p) => p.name === "nginx")!;

  test.each(KERNEL_VERSIONS)(
    "%s: redis-server's threads run on the stacks its start-up mapped",
    (v) => {
      const { m, pid } = run(v, redis.path, redis.argv);
      const leader = m.tasks.get(pid)!;
      const stacks = leader.group!.stacks;
      expect(stacks).toHaveLength(4);
      for (const s of stacks) {
        // glibc's stack mapping: the guard page at its base, the stack above it up to base + size
        const guard = leader.mm!.vmaAt(s.base)!;
        expect(guard.start, `${v}: a stack's guard starts a VMA`).toBe(s.base);
        expect(leader.mm!.vmaAt(s.base + s.size - 1)!.end).toBe(s.base + s.size);
      }
    },
  );

  test("nginx's workers: on every version the mappings and resident pages of 6.18's, less [vvar_vclock]", () => {
    const workers = (v: KernelVersion) => {
      const { m, pid } = run(v, nginx.path, nginx.argv);
      const pids = [...m.tasks.values()].filter((t) => t.ppid === pid).map((t) => t.pid);
      return pids.map((w) => ({
        files: mapsOf(readText(m, `/proc/${w}/maps`))
          .map((l) => l.rest)
          .filter((r) => !r.endsWith(" 0 ") && !r.endsWith("[vvar_vclock]")),
        rss: /VmRSS:.*/.exec(readText(m, `/proc/${w}/status`))?.[0],
      }));
    };
    const base = workers("6.18");
    expect(base).toHaveLength(2);
    for (const v of KERNEL_VERSIONS) expect(workers(v), v).toEqual(base);
  });
});
