/**
 * src/kernel/snapshot.ts saves the kernel's objects field by field. This
 * test lists the fields it knows; a field added to Machine, Task, Mm, Vma,
 * an inode, the Vfs, PhysMem or a page table fails here until the snapshot
 * saves it too (or it is listed as not needing to be saved, with why).
 */
import { expect, test } from "vitest";
import { Machine } from "../../src/kernel/machine.js";
import { createSession, runSource } from "../../src/shell/runtime.js";

const KNOWN: Record<string, readonly string[]> = {
  // trace is the attached tracer (a hook, not state); bootTime is a constant;
  // ttyErr and loginShellStatus are output in flight, which the console
  // takes after every command.
  Machine: [
    "config",
    "phys",
    "vfs",
    "tasks",
    "trace",
    "now",
    "bootTime",
    "log",
    "logTimes",
    "ttyErr",
    "loginShellStatus",
    "nextPid",
    "swap",
    "swapHeaders",
    "commit",
    "hugetlb",
    "thp",
    "ksm",
    "randomState",
  ],
  // KsmState (ksm.ts): saved whole by its save(); liveMms() is a method;
  // nextPfn is scratch between nextItem() and its caller inside one batch;
  // epoch, seenFrees and seenMax date the chains' search index, which a load
  // starts afresh (each chain's first search then starts at its head).
  KsmState: [
    "nextPfn",
    "epoch",
    "seenFrees",
    "seenMax",
    "tun",
    "pagesShared",
    "pagesSharing",
    "pagesUnshared",
    "rmapItems",
    "fullScans",
    "pagesScanned",
    "nextScanAt",
    "slots",
    "cursor",
    "cursorAddr",
    "cursorItem",
    "stable",
    "unstable",
    "byPfn",
  ],
  // files is the hugetlbfs files the VMAs map, found again from them on load.
  HugetlbPool: ["free", "total", "resv", "surplus", "files"],
  // enabled, defrag, shmemEnabled and sizes are saved (mthpOn follows sizes);
  ThpState: ["enabled", "defrag", "shmemEnabled", "sizes", "mthpOn"],
  // committed and objects are recounted from the mappings on load; unchecked
  // and refused live only inside one system call; the rl* fields are
  // printk's rate limit, which starts afresh.
  CommitState: [
    "committed",
    "overcommitMemory",
    "overcommitRatio",
    "overcommitKbytes",
    "adminReserveKbytes",
    "userReserveKbytes",
    "unchecked",
    "objects",
    "refused",
    "rlBegin",
    "rlPrinted",
    "rlMissed",
  ],
  // entryOf is the swap cache's reverse map, rebuilt from each area's cache;
  // lastRead only passes a fact from readSwapCacheAsync to its caller.
  SwapState: [
    "areas",
    "entryOf",
    "nextPriority",
    "lazyfreeBatch",
    "lastRead",
    "pageCluster",
    "raHits",
    "raPrevOffset",
    "raLastPages",
  ],
  // inuse follows from counts and cache.
  SwapArea: ["path", "pages", "priority", "kind", "counts", "data", "cache", "inuse", "cursor"],
  // SwapHeaders (swapon.ts): bySeed is the image's swapHeaders rows.
  SwapHeaders: ["bySeed"],
  // exitSignal is a constant (SIGCHLD). tgid and group: a thread's image
  // names its group, a leader's carries its ThreadGroup (saveThread).
  Task: [
    "pid",
    "tgid",
    "group",
    "ppid",
    "pgrp",
    "session",
    "comm",
    "argv",
    "env",
    "exe",
    "state",
    "mm",
    "minflt",
    "majflt",
    "cminflt",
    "cmajflt",
    "exitStatus",
    "startTime",
    "actions",
    "wakeAt",
    "forkNoExec",
    "oomScoreAdj",
    "exitSignal",
    "vforkParent",
    "vforkChild",
    "vforkSavedState",
    "vforkPausedNs",
  ],
  // users (mm_users) is not saved: a load counts the tasks using the mm (a thread's leader's, linkThreads; a vfork child names its parent's).
  Mm: [
    "vmas",
    "pt",
    "hugePtes",
    "users",
    "rssAnon",
    "rssFile",
    "rssShmem",
    "swapents",
    "hiwaterRss",
    "hiwaterVm",
    "startCode",
    "endCode",
    "startData",
    "endData",
    "startBrk",
    "brk",
    "startStack",
    "argStart",
    "argEnd",
    "envStart",
    "envEnd",
    "mmapBase",
  ],
  Vma: [
    "start",
    "end",
    "flags",
    "pgoff",
    "file",
    "anonVma",
    "anonVmaForked",
    "anonName",
    "special",
    "ra",
  ],
  // initialWord is saved as `words` (zeros, or the root image file's words).
  Inode: [
    "ino",
    "dev",
    "type",
    "mode",
    "size",
    "nlink",
    "shmem",
    "path",
    "cache",
    "disk",
    "swapped",
    "initialWord",
    "mtime",
    "entries",
    "target",
    "text",
    "elf",
    "hugetlb",
  ],
  Vfs: ["root", "mounts", "nextIno", "nextShmemIno", "cached", "now"],
  // freeStack's spare capacity is not state: only its first freeTop entries are
  // (and of those only the live ones: allocatorState drops the stale).
  // mapcounts and mapcountOverflow are saved as one 32-bit count per frame;
  // largeOrders is recounted from `large` on load.
  PhysMem: [
    "nrFrames",
    "mapcounts",
    "mapcountOverflow",
    "flags",
    "content",
    "firstUsable",
    "nrFree",
    "bump",
    "freeStack",
    "freeTop",
    "large",
    "largeOrders",
    // blockUsed is recounted from the flags on load (restoreAllocator)
    "blockUsed",
    // entire (per-folio PMD mappings) and its two counts are recounted from
    // the huge PMDs on load (recountEntire); mapcounts are saved as totals
    "entire",
    "pmdMappedAnon",
    "pmdMappedShmem",
    "vm",
    // lruExplicit, runPfn and runSeq are saved as one stamp per frame (lruStamps)
    "lruExplicit",
    "runPfn",
    "runSeq",
    "lruSeq",
    // counts renumberings of lru stamps, for lru.ts's caches (derived state)
    "lruGeneration",
  ],
  // cachedKey and cachedSlot are a lookup cache of `slots`; walkKey and
  // walkSlot are set only while a walk calls hugePmdEntry. The slots' huge
  // marks are saved as MmImage.huge, and hugeCount counts them.
  PageTable: ["slots", "hugeCount", "walkKey", "walkSlot", "cachedKey", "cachedSlot"],
};

test("the snapshot knows every field of the kernel's objects", () => {
  const session = createSession(Machine.boot({ swapBytes: 1024 * 1024 }));
  runSource(
    session,
    "echo hi > /tmp/t\nP=$(spawn /bin/sh)\nmmap $P 1M --file /tmp/t\nwrite $P [heap] 4K\nrun $P 'sleep 5; exit 1'",
    () => {},
  );
  const m = session.machine;
  const inode = (path: string, nofollow = false): object => {
    const r = m.vfs.lookup(path, nofollow);
    if (!r.ok) throw new Error(path);
    return r.value;
  };
  const task = m.tasks.get(3)!;
  const found: Record<string, object[]> = {
    Machine: [m],
    Task: [task],
    Mm: [task.mm!],
    Vma: task.mm!.vmas,
    Inode: [m.vfs.root, inode("/tmp/t"), inode("/bin", true)],
    Vfs: [m.vfs],
    PhysMem: [m.phys],
    PageTable: [task.mm!.pt],
    SwapState: [m.swap],
    CommitState: [m.commit],
    KsmState: [m.ksm],
    ThpState: [m.thp],
    SwapArea: m.swap.areas.filter((a) => a !== null),
    SwapHeaders: [m.swapHeaders],
    HugetlbPool: [m.hugetlb],
  };
  for (const [kind, objects] of Object.entries(found))
    for (const object of objects)
      for (const key of Object.keys(object))
        expect(KNOWN[kind], `${kind}.${key} is not saved by src/kernel/snapshot.ts`).toContain(key);
});
