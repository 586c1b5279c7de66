/**
 * export-proc DIR writes every file of /proc as reading it gives it: text
 * files byte for byte, kpagecount and kpageflags whole, each pagemap as a
 * sparse 256 GiB file whose entries are the process's; files nobody can
 * read (a zombie's smaps_rollup, environ, pagemap) are left out.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PAGEMAP_ENTRIES, pagemapEntries } from "../../fs/proc/task-mmu.js";
import { PROC_SELF_LINKS, resolve } from "../../fs/vfs.js";
import { PAGE_SIZE } from "../../src/kernel/constants.js";
import type { ShellSession } from "../../src/shell/runtime.js";
import { run, scenarioSession, tempDir } from "./scenario.js";

/** Reads `length` bytes at `offset` of a host file. */
function readAt(path: string, offset: number, length: number): Uint8Array {
  const fd = openSync(path, "r");
  try {
    const buf = new Uint8Array(length);
    readSync(fd, buf, 0, length, offset);
    return buf;
  } finally {
    closeSync(fd);
  }
}

describe("export-proc DIR", () => {
  const { dir, cleanup } = tempDir();
  const root = join(dir, "proc");
  let session: ShellSession;

  beforeAll(() => {
    session = scenarioSession();
    const r = run(session, `export-proc ${root}`);
    expect(r).toEqual({ stdout: "", stderr: "", status: 0 });
  });
  afterAll(cleanup);

  /** What cowsh's /proc serves: [path under /proc, bytes or null when unreadable]. */
  function procFiles(): [string, Uint8Array | null][] {
    const m = session.machine;
    const files: [string, Uint8Array | null][] = [];
    const visit = (path: string) => {
      const node = resolve(m, `/proc/${path}`);
      if (!node.ok) throw new Error(path);
      const n = node.value;
      // /proc/self and thread-self are links to PID 2's directory: not copied twice.
      const own = (e: string) => path !== "" || !PROC_SELF_LINKS.has(e);
      if (n.kind === "dir")
        for (const e of n.entries().filter(own)) visit(path === "" ? e : `${path}/${e}`);
      else if (n.kind === "file") {
        if (n.file.kind === "text") {
          const r = n.file.read();
          files.push([path, r.ok ? new TextEncoder().encode(r.value) : null]);
        } else {
          const probe = n.file.read(0, 0);
          if (!probe.ok) files.push([path, null]);
          else if (path.endsWith("/pagemap"))
            files.push([path, new Uint8Array(0)]); // checked apart
          else {
            const r = n.file.read(0, n.file.size);
            files.push([path, r.ok ? r.value : null]);
          }
        }
      }
    };
    visit("");
    return files;
  }

  test("every readable file is there, and nothing Linux would not show", () => {
    const listed = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? listed(join(d, e.name)).map((f) => `${e.name}/${f}`) : [e.name],
      );
    const want = procFiles()
      .filter(([, bytes]) => bytes !== null)
      .map(([p]) => p);
    const extra = resolve(session.machine, "/proc/stat").ok ? [] : ["stat"];
    expect(listed(root).sort()).toEqual([...want, ...extra].sort());
  });

  test("text files and kpagecount, kpageflags hold the bytes reading /proc gives", () => {
    for (const [path, bytes] of procFiles()) {
      if (bytes === null || path.endsWith("/pagemap")) continue;
      // Buffer.equals: vitest's deep equality walks a 16 MiB array key by key.
      expect(readFileSync(join(root, path)).equals(bytes), path).toBe(true);
    }
  });

  test("pagemap is sparse: 256 GiB long, a few blocks on disk, the process's entries", () => {
    const m = session.machine;
    for (const task of m.tasks.values()) {
      if (task.mm === null) continue;
      const file = join(root, String(task.pid), "pagemap");
      const st = statSync(file);
      expect(st.size).toBe(PAGEMAP_ENTRIES * 8);
      expect(st.blocks * 512).toBeLessThan(16 * 1024 * 1024);
      for (const vma of task.mm.vmas) {
        const first = vma.start / PAGE_SIZE;
        const count = Math.min((vma.end - vma.start) / PAGE_SIZE, 4096);
        const want = pagemapEntries(m.phys, task.mm, first, count, m.config.softDirty);
        const got = Buffer.from(readAt(file, first * 8, count * 8));
        expect(got.equals(want), `${task.pid} ${vma.start.toString(16)}`).toBe(true);
      }
      // Below the first VMA there is nothing: a hole, read as zeros.
      expect(readAt(file, 0, 4096).every((b) => b === 0)).toBe(true);
    }
  });

  test("stat carries the machine's boot time for psutil", () => {
    const stat = readFileSync(join(root, "stat"), "utf8");
    expect(stat).toMatch(/^cpu {2}\d+ /);
    expect(stat).toContain(`\nbtime ${session.machine.bootTime}\n`);
  });
});
