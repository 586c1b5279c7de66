/**
 * A digest of everything a machine holds: frames, page tables (with their
 * young bits and sharing), VMAs, counters, tasks, the file tree and the
 * page caches, the clock. Two machines (or one machine at two moments) with
 * equal digests are in the same state, so a test can prove that a failed
 * command changed nothing. `withLog` false leaves the kernel log out (a
 * call overcommit refuses changes nothing but logs the kernel's warning).
 */
import type { Machine } from "../../src/kernel/machine.js";
import type { PteTable } from "../../src/kernel/page-table.js";
import type { Inode } from "../../src/kernel/vfs.js";

/** FNV-1a over 32-bit words: fast, and collisions do not matter for tests. */
class Hasher {
  private h = 0x811c9dc5;
  word(n: number): void {
    this.h = Math.imul(this.h ^ (n >>> 0), 0x01000193) >>> 0;
    this.h = Math.imul(this.h ^ Math.floor(n / 2 ** 32), 0x01000193) >>> 0;
  }
  text(s: string): void {
    this.word(s.length);
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
  }
  get value(): string {
    return this.h.toString(16).padStart(8, "0");
  }
}

export function machineDigest(m: Machine, withLog = true): string {
  const h = new Hasher();
  h.word(m.now);
  h.word(m.lastPid);
  if (withLog) h.word(m.log.length);
  const { phys } = m;
  const sw = m.swap;
  h.text(
    `${sw.lazyfreeBatch.join(",")} ${sw.pageCluster} ${sw.raHits} ${sw.raPrevOffset} ${sw.raLastPages}`,
  );
  h.word(phys.nrFree);
  // KSM: ksmd's tunables, counters, cursor, next wake-up, trees and rmap items.
  const pidOf = (mm: unknown) => [...m.tasks.values()].find((t) => t.mm === mm)?.pid ?? -1;
  h.text(JSON.stringify(m.ksm.save(pidOf)));
  for (let pfn = 0; pfn < phys.highWater; pfn++) {
    h.word(phys.mapcountOf(pfn));
    h.word(phys.flags[pfn]!);
    h.word(phys.content[pfn]!);
  }
  const tables = new Map<Uint32Array, number>();
  const unlinked: Inode[] = [];
  for (const task of [...m.tasks.values()].sort((a, b) => a.pid - b.pid)) {
    h.text(
      `${task.pid} ${task.ppid} ${task.pgrp} ${task.session} ${task.comm} ${task.state} ${task.argv.join("\0")}`,
    );
    h.text(
      `${task.minflt} ${task.majflt} ${task.cminflt} ${task.cmajflt} ${task.exitStatus} ${task.wakeAt} ${JSON.stringify(task.actions)}`,
    );
    const mm = task.mm;
    if (mm === null) continue;
    h.text(
      `${mm.rssAnon} ${mm.rssFile} ${mm.rssShmem} ${mm.hiwaterRss} ${mm.hiwaterVm} ${mm.brk} ${mm.startBrk}`,
    );
    for (const v of mm.vmas) {
      h.text(
        `${v.start} ${v.end} ${v.flags} ${v.pgoff} ${v.file?.ino} ${v.anonVma !== null} ${v.anonVmaForked} ${v.anonName} ${v.special} ${JSON.stringify(v.ra)}`,
      );
      if (v.file !== null && v.file.nlink === 0) unlinked.push(v.file);
    }
    const slots: [number, PteTable, Uint32Array | null][] = [];
    mm.pt.forEachTable((key, table, young) => slots.push([key, table, young]));
    for (const [key, table, young] of slots.sort((a, b) => a[0] - b[0])) {
      h.word(key);
      if (!tables.has(table.entries)) tables.set(table.entries, tables.size);
      h.word(tables.get(table.entries)!);
      h.word(table.sharers);
      for (const pte of table.entries) h.word(pte);
      for (const y of young ?? []) h.word(y);
    }
  }
  const seen = new Set<Inode>();
  hashTree(h, m.vfs.root, seen);
  for (const inode of unlinked) hashTree(h, inode, seen);
  return h.value;
}

function hashTree(h: Hasher, inode: Inode, seen: Set<Inode>): void {
  if (seen.has(inode)) return;
  seen.add(inode);
  h.text(
    `${inode.ino} ${inode.type} ${inode.mode} ${inode.size} ${inode.nlink} ${inode.path} ${inode.text ?? ""} ${inode.mtime}`,
  );
  for (const [index, pfn] of inode.cache.entries()) {
    h.word(index);
    h.word(pfn);
  }
  for (const [index, word] of inode.disk) {
    h.word(index);
    h.word(word);
  }
  for (const [name, child] of [...(inode.entries ?? new Map<string, Inode>())].sort()) {
    h.text(name);
    hashTree(h, child, seen);
  }
}
