/**
 * execve (fs/exec.c, fs/binfmt_elf.c): the old address space is torn down at
 * once, and a new one is built the way Linux builds it for the real Debian
 * binary, without address randomisation.
 *
 * Three parts, in order:
 *  1. The kernel's part, computed: the [stack] VMA, the executable's PT_LOAD
 *     segments at ELF_ET_DYN_BASE (with .bss), the interpreter (ld.so) placed
 *     top-down below mmap_base, and [vvar]/[vvar_vclock]/[vdso] below it.
 *  2. The program's start-up, replayed: the memory system calls ld.so and
 *     libc made (mmap of libc and locale files, mprotect of RELRO, brk for
 *     the heap…), captured with strace on the real machine. Each call runs
 *     through cowsh's own mmap/mprotect/brk, and must land where Linux put
 *     it (a mismatch is a bug and panics).
 *  3. The pages start-up left resident, replayed page by page from the
 *     capture (which pages are file pages, anonymous copies, the zero page),
 *     and the fault counts the capture measured. Which pages a program
 *     touches is data: cowsh does not run x86 code.
 * See test/rootfs/README.md for how the captures are made.
 */

import { withoutCheck } from "./commit.js";
import {
  MADV_BY_NAME,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_FIXED_NOREPLACE,
  MAP_NORESERVE,
  MAP_PRIVATE,
  MAP_SHARED,
  MAP_STACK,
  PAGE_SIZE,
  pageAlignUp,
  protFromRwx,
  VM_DENYWRITE,
  VM_SOFTDIRTY,
  VM_STACK_FLAGS,
  VM_VDSO_FLAGS,
  VM_VVAR_FLAGS,
} from "./constants.js";
import { prefaultPage } from "./fault.js";
import type { Kernel } from "./kernel.js";
import { Mm, mmput } from "./mm.js";
import {
  doBrk,
  doMadvise,
  doMmap,
  doMprotect,
  doMunmap,
  type MmapRequest,
  mapSpecial,
} from "./mman.js";
import { pteIsSwap } from "./page-table.js";
import { reclaimBeforeFault } from "./reclaim.js";
import { failure, panic, type Result, success } from "./result.js";
import {
  ELF_ET_DYN_BASE,
  type ElfLoad,
  type ElfSpec,
  LAZY_PROGRAMS,
  PROGRAMS,
  type ProgramSpec,
  programImage,
  type ResidentVma,
  STACK_RLIMIT,
  STACK_TOP,
  type StartupEvent,
} from "./rootfs-image.js";
import { commOf, type Task } from "./task.js";
import { blockBytes, CaptureRelocation, vdsoLayout } from "./vdso.js";
import { atLeast } from "./version.js";
import { type Inode, utf8Bytes, type Vfs } from "./vfs.js";
import { newVma, type SpecialMapping, type Vma } from "./vma.js";

export interface ExecOptions {
  /** The new program's environment (the capture's when absent). */
  readonly env?: readonly string[];
}

/** An executable file: a regular file with an x bit, an ELF image and a captured start-up. */
export type Executable = Inode & { readonly elf: ElfSpec };

/** Resolves and checks an executable as do_open_execat and search_binary_handler do. */
export function findExecutable(vfs: Vfs, path: string): Result<Executable> {
  if (path.length > 4095) return failure("ENAMETOOLONG");
  const inode = vfs.lookup(path);
  if (!inode.ok) return inode;
  if (inode.value.type !== "reg" || !(inode.value.mode & 0o111)) return failure("EACCES");
  const elf = inode.value.elf;
  if (elf === undefined) return failure("ENOEXEC");
  if (elf.interp === undefined || programFor(inode.value.path) === undefined)
    return failure("ENOEXEC");
  return success(inode.value as Executable);
}

/**
 * The captured start-up of the program at `path` run with `argv`: the
 * capture with the same arguments, else one that agrees on `-c` (a shell
 * running a command, not an interactive one), else the first.
 */
export function programFor(path: string, argv: readonly string[] = []): ProgramSpec | undefined {
  const own = [...PROGRAMS, ...lazyImagesAt(path)].filter(
    (p) => p.path === path && p.parent === undefined,
  );
  const args = argv.slice(1).join("\0");
  return (
    own.find((p) => p.argv.slice(1).join("\0") === args) ??
    own.find((p) => p.argv.includes("-c") === argv.includes("-c")) ??
    own[0] ??
    PROGRAMS.find((p) => p.path === path)
  );
}

/** The lazily read images of the programs at `path` (read now if not yet). */
const lazyImagesAt = (path: string): ProgramSpec[] =>
  LAZY_PROGRAMS.filter((p) => p.path === path).flatMap((p) => programImage(p.name) ?? []);

/** MAX_ARG_STRLEN (32 pages) and the argument space, a quarter of the 8 MiB stack rlimit. */
const MAX_ARG_STRLEN = 32 * PAGE_SIZE;
const ARG_MAX = STACK_RLIMIT / 4;

/** The checks copy_strings makes: E2BIG for a string or a total too long. */
export function checkArgs(
  filename: string,
  argv: readonly string[],
  env: readonly string[],
): Result<void> {
  let total = strBytes(filename);
  for (const s of [...argv, ...env]) {
    const n = strBytes(s);
    if (n > MAX_ARG_STRLEN) return failure("E2BIG");
    total += n + 8;
  }
  return total > ARG_MAX ? failure("E2BIG") : success(undefined);
}

/**
 * Replaces `task`'s image with `exe`. The file was checked by
 * findExecutable. Returns where the capture's addresses are in the new mm
 * (the program's threads and workers start from them, program-actions.ts),
 * or null when memory ran out while the new program's start-up pages were
 * made resident (past the point of no return: the OOM killer may have
 * killed the task already; the caller ends it otherwise).
 */
export function execImage(
  k: Kernel,
  task: Task,
  exe: Executable,
  argv: readonly string[],
  options: ExecOptions,
  filename: string,
): CaptureRelocation | null {
  const spec = programFor(exe.path, argv)!;
  const env = options.env ?? spec.env;
  if (task.mm !== null) {
    // exec_mmap: the old mm loses a user; only its last user tears it down.
    const stats = mmput(k, task.mm);
    if (stats !== null)
      k.trace?.({
        kind: "teardown",
        pid: task.pid,
        why: "exec",
        unmapped: stats.unmapped,
        freed: stats.freed,
      });
  }
  const mm = new Mm();
  task.mm = mm;
  task.comm = commOf(filename); // begin_new_exec: __set_task_comm, before the new image's pages
  const who = { pid: task.pid, mm };
  // Past the point of no return the new image's charges are made without
  // the overcommit check: Linux would kill the task if one were refused
  // (only the first stack page is checked before, in __bprm_mm_init).
  const complete = withoutCheck(k, () => {
    setupStack(k, mm, filename, argv, env, spec);
    loadExecutable(k, mm, exe);
    loadInterpreter(k, mm, k.vfs.lookup(exe.elf.interp!));
    mapVdso(k, mm);
    const reloc = new CaptureRelocation(mm, k.config.kernelVersion); // a 6.18 capture under this version's vDSO
    if (spec.execImage !== undefined && !replayResident(k, who, spec.execImage, reloc)) return null;
    if (task.isZombie) return null;
    replayStartup(k, mm, spec.startup, reloc);
    return replayResident(k, who, spec.resident, reloc) ? reloc : null;
  });
  mm.hiwaterRss = mm.rss;
  mm.hiwaterVm = mm.totalVm();
  task.minflt += spec.minflt;
  task.majflt += spec.majflt;
  task.argv = [...argv];
  task.env = [...env];
  task.exe = exe;
  return complete;
}

const pageDown = (n: number): number => Math.floor(n / PAGE_SIZE) * PAGE_SIZE;
const softDirty = (k: Kernel): number => (k.config.softDirty ? VM_SOFTDIRTY : 0);

/** Bytes of a string as execve copies it: its UTF-8 length and a NUL. */
const strBytes = (s: string): number => utf8Bytes(s) + 1;

/**
 * The [stack] VMA and the argument area (__bprm_mm_init, copy_strings,
 * setup_arg_pages, create_elf_tables): strings at the top (a null word,
 * the file name, environment, arguments), 128 KiB of stack below the pages
 * they take, and start_stack at argc.
 */
function setupStack(
  k: Kernel,
  mm: Mm,
  filename: string,
  argv: readonly string[],
  env: readonly string[],
  spec: ProgramSpec,
): void {
  const envBytes = env.reduce((n, s) => n + strBytes(s), 0);
  const argBytes = argv.reduce((n, s) => n + strBytes(s), 0);
  mm.envEnd = STACK_TOP - 8 - strBytes(filename);
  mm.envStart = mm.envEnd - envBytes;
  mm.argEnd = mm.envStart;
  mm.argStart = mm.argEnd - argBytes;
  const auxvWords = 2 * (spec.auxvCount ?? 24);
  const items = argv.length + 1 + (env.length + 1) + 1;
  const platform = Math.floor(mm.argStart / 16) * 16 - strBytes("x86_64") - 16; // AT_PLATFORM string, AT_RANDOM bytes
  mm.startStack = Math.floor((platform - auxvWords * 8 - items * 8) / 16) * 16;
  const argPages = Math.ceil((STACK_TOP - mm.startStack) / PAGE_SIZE);
  const size = (argPages + 32) * PAGE_SIZE;
  k.commit.acct(size / PAGE_SIZE); // VM_STACK_FLAGS has VM_ACCOUNT (insert_vm_struct, acct_stack_growth)
  mm.insert(
    newVma(
      STACK_TOP - size,
      STACK_TOP,
      VM_STACK_FLAGS | softDirty(k),
      (STACK_TOP - size) / PAGE_SIZE,
    ),
  );
}

const PF_R = 4;
const PF_W = 2;
const PF_X = 1;
/** A segment's PROT_* bits from its ELF flags ("r-x"). */
const segmentProt = (load: ElfLoad): number => protFromRwx(load.flags);
const pfFlags = (load: ElfLoad): number =>
  (load.flags.includes("r") ? PF_R : 0) |
  (load.flags.includes("w") ? PF_W : 0) |
  (load.flags.includes("x") ? PF_X : 0);

function mustMap(k: Kernel, mm: Mm, req: MmapRequest): number {
  const r = doMmap(k, mm, req, () => panic("exec: no shared anonymous memory at load time"));
  if (!r.ok)
    panic(
      `exec: mapping a segment failed: ${r.errno} ${JSON.stringify({ ...req, file: req.file?.path })} ${mm.vmas.map((v) => `${v.start.toString(16)}-${v.end.toString(16)}`).join(" ")}`,
    );
  return r.value;
}

/**
 * elf_load: maps one PT_LOAD at `bias`, then its .bss: the rest of the last
 * file page is zeroed (padzero: the replayed pages show that write) and
 * whole .bss pages get an anonymous mapping (vm_brk_flags).
 */
function mapSegment(
  k: Kernel,
  mm: Mm,
  file: Inode,
  load: ElfLoad,
  bias: number,
  fixed: number,
): void {
  const pageOff = load.vaddr % PAGE_SIZE;
  const start = bias + load.vaddr - pageOff;
  const fileEnd = pageAlignUp(bias + load.vaddr + load.filesz);
  if (load.filesz > 0) {
    mustMap(k, mm, {
      addr: start,
      length: fileEnd - start,
      prot: segmentProt(load),
      flags: MAP_PRIVATE | fixed,
      file,
      fileWritable: false,
      offset: load.offset - pageOff,
    });
    denyWrite(k, mm, start, fileEnd);
  }
  const bssEnd = pageAlignUp(bias + load.vaddr + load.memsz);
  if (bssEnd > fileEnd) {
    mustMap(k, mm, {
      addr: fileEnd,
      length: bssEnd - fileEnd,
      prot: segmentProt(load),
      flags: MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
      file: null,
      fileWritable: false,
      offset: 0,
    });
  }
}

/**
 * Before 5.15 binfmt_elf mapped the executable and the interpreter with
 * MAP_DENYWRITE, which do_mmap turned into VM_DENYWRITE (smaps' `dw`);
 * David Hildenbrand's "mm: remove VM_DENYWRITE" (5.15) dropped both. Only
 * here: mmap from user space (ld.so's libraries) always ignored the flag.
 * Set on the mapping just made, before anything can merge with it.
 */
function denyWrite(k: Kernel, mm: Mm, start: number, end: number): void {
  if (atLeast(k.config.kernelVersion, "5.15")) return;
  for (const vma of mm.vmas) if (vma.start >= start && vma.end <= end) vma.flags |= VM_DENYWRITE;
}

/**
 * Whether writing `inode` fails with ETXTBSY because a program runs from it
 * (deny_write_access; get_write_access at open for writing and truncate).
 * Before 5.15 every VM_DENYWRITE mapping held the file (the executable and
 * the interpreter, while mapped); from 5.15 the mm's exe_file does
 * (set_mm_exe_file), the executable only. (6.11's "fs: don't block
 * i_writecount during exec", reverted (from memory), is not modelled.)
 */
export function textBusy(k: Kernel, tasks: Iterable<Task>, inode: Inode): boolean {
  const denyWriteMaps = !atLeast(k.config.kernelVersion, "5.15");
  for (const t of tasks) {
    if (t.mm === null) continue;
    if (!denyWriteMaps && t.exe === inode) return true;
    if (denyWriteMaps && t.mm.vmas.some((v) => v.file === inode && (v.flags & VM_DENYWRITE) !== 0))
      return true;
  }
  return false;
}

/** The executable: segments at ELF_ET_DYN_BASE; start/end of code and data; brk after .bss. */
function loadExecutable(k: Kernel, mm: Mm, exe: Executable): void {
  const bias = exe.elf.type === "DYN" ? ELF_ET_DYN_BASE : 0;
  let startCode = Number.MAX_SAFE_INTEGER;
  let endCode = 0;
  let startData = 0;
  let endData = 0;
  let elfBrk = 0;
  for (const load of exe.elf.loads) {
    mapSegment(k, mm, exe, load, bias, MAP_FIXED_NOREPLACE);
    const exec = (pfFlags(load) & PF_X) !== 0;
    if (exec && load.vaddr < startCode) startCode = load.vaddr;
    if (load.vaddr > startData) startData = load.vaddr;
    if (exec && load.vaddr + load.filesz > endCode) endCode = load.vaddr + load.filesz;
    if (load.vaddr + load.filesz > endData) endData = load.vaddr + load.filesz;
    if (load.vaddr + load.memsz > elfBrk) elfBrk = load.vaddr + load.memsz;
  }
  mm.startCode = bias + startCode;
  mm.endCode = bias + endCode;
  mm.startData = bias + startData;
  mm.endData = bias + endData;
  mm.startBrk = pageAlignUp(bias + elfBrk);
  mm.brk = mm.startBrk;
}

/**
 * load_elf_interp: the whole image is first mapped top-down (the first
 * segment's mapping sized to cover all), the excess unmapped, and every
 * segment then mapped at its place.
 */
function loadInterpreter(k: Kernel, mm: Mm, found: Result<Inode>): void {
  const interp = found.ok ? found.value : undefined;
  if (interp?.elf === undefined) panic("exec: interpreter missing from the root image");
  const loads = interp.elf.loads;
  const first = loads[0]!;
  const last = loads[loads.length - 1]!;
  const total = pageAlignUp(last.vaddr + last.memsz) - pageDown(first.vaddr);
  const base =
    mustMap(k, mm, {
      addr: 0,
      length: total,
      prot: segmentProt(first),
      flags: MAP_PRIVATE,
      file: interp,
      fileWritable: false,
      offset: first.offset - (first.vaddr % PAGE_SIZE),
    }) - pageDown(first.vaddr);
  denyWrite(k, mm, base + pageDown(first.vaddr), base + total);
  const firstEnd = pageAlignUp(base + first.vaddr + first.filesz);
  doMunmap(k, mm, firstEnd, base + total - firstEnd);
  for (const load of loads.slice(1)) mapSegment(k, mm, interp, load, base, MAP_FIXED);
}

/**
 * map_vdso: the version's block (vdso.ts), together, top-down: [vvar],
 * [vvar_vclock] (6.13+) and [vdso].
 */
function mapVdso(k: Kernel, mm: Mm): void {
  const layout = vdsoLayout(k.config.kernelVersion);
  const addr = mm.unmappedArea(blockBytes(layout), false, 0);
  if (addr < 0) panic("exec: no room for the vDSO");
  const sd = softDirty(k);
  mapSpecial(mm, addr, layout.vvar / PAGE_SIZE, VM_VVAR_FLAGS | sd, "vvar");
  if (layout.vvarVclock > 0)
    mapSpecial(
      mm,
      addr + layout.vvar,
      layout.vvarVclock / PAGE_SIZE,
      VM_VVAR_FLAGS | sd,
      "vvar_vclock",
    );
  const vdso = addr + layout.vvar + layout.vvarVclock;
  mapSpecial(mm, vdso, layout.vdso / PAGE_SIZE, VM_VDSO_FLAGS | sd, "vdso");
}

const MAP_BITS: Readonly<Record<string, number>> = {
  MAP_SHARED,
  MAP_PRIVATE,
  MAP_FIXED,
  MAP_ANONYMOUS,
  MAP_NORESERVE,
  MAP_FIXED_NOREPLACE,
  MAP_STACK,
};
const mapFlagsOf = (flags: readonly string[]): number =>
  flags.reduce((bits, f) => bits | (MAP_BITS[f] ?? 0), 0);
/** The advice as strace names it ("MADV_DONTNEED"), by the one name table. */
const adviceOf = (name: string): number =>
  MADV_BY_NAME[name.replace(/^MADV_/, "").toLowerCase()] ?? -1;

/**
 * Replays the program's start-up system calls; each must return what Linux
 * returned. Under an older version's smaller vDSO block (vdso.ts) the
 * addresses go through `relocation`, and a mapping the kernel placed is
 * where cowsh's allocator puts it (its 6.18 rules): only 6.13+ replays are
 * checked against the capture address for address. False, and stops, when
 * overcommit refuses a mapping Linux made (only a start-up replayed with the
 * check on: a forked worker's, not exec's).
 */
export function replayStartup(
  k: Kernel,
  mm: Mm,
  events: readonly StartupEvent[],
  relocation: CaptureRelocation,
): boolean {
  const at = (addr: number): number => relocation.at(addr);
  const fds = new Map<number, { path: string; writable: boolean }>();
  const expect = (what: string, got: number, want: number): void => {
    if (got !== want)
      panic(
        `exec replay: ${what} returned 0x${got.toString(16)}, Linux returned 0x${want.toString(16)}`,
      );
  };
  for (const e of events) {
    switch (e.op) {
      case "openat":
        if (e.result >= 0 && e.file !== undefined) {
          fds.set(e.result, {
            path: e.file,
            writable: e.flags.includes("O_RDWR") || e.flags.includes("O_WRONLY"),
          });
        }
        break;
      case "close":
        fds.delete(e.fd);
        break;
      case "mmap": {
        const fd = e.fd >= 0 ? fds.get(e.fd) : undefined;
        const file = fd === undefined ? null : k.vfs.lookup(fd.path);
        if (file !== null && !file.ok) panic(`exec replay: ${fd!.path} missing`);
        const r = doMmap(
          k,
          mm,
          {
            addr: e.addr === null ? 0 : at(e.addr),
            length: e.length,
            prot: protFromRwx(e.prot),
            flags: mapFlagsOf(e.flags),
            file: file === null ? null : file.value,
            fileWritable: fd?.writable ?? false,
            offset: e.offset,
          },
          () => k.vfs.newShmemObject(0), // nginx's shared zone: MAP_SHARED|MAP_ANONYMOUS
        );
        if (!r.ok && r.errno === "ENOMEM" && e.result >= 0) return false; // overcommit
        // Under another version's vDSO a placed mapping goes where the allocator puts it (vdso.ts)
        if (relocation.delta !== 0 && r.ok && e.result >= 0 && !e.flags.includes("MAP_FIXED"))
          relocation.placed(e.result, e.length, r.value);
        else
          expect(`mmap(${e.length})`, r.ok ? r.value : -1, e.result < 0 ? e.result : at(e.result));
        break;
      }
      case "mprotect": {
        const r = doMprotect(k, mm, at(e.addr), e.length, protFromRwx(e.prot));
        if (!r.ok && r.errno === "ENOMEM" && e.result === 0) return false; // overcommit
        expect("mprotect", r.ok ? 0 : -1, e.result);
        break;
      }
      case "munmap":
        expect("munmap", doMunmap(k, mm, at(e.addr), e.length).ok ? 0 : -1, e.result);
        break;
      case "brk":
        expect("brk", e.addr === null ? mm.brk : doBrk(k, mm, e.addr), e.result);
        break;
      case "madvise":
        expect(
          "madvise",
          doMadvise(k, mm, at(e.addr), e.length, adviceOf(e.advice)).ok ? 0 : -1,
          e.result,
        );
        break;
      case "mremap":
        panic("exec replay: mremap is not modelled");
    }
  }
  return true;
}

/**
 * A page the replay made resident a moment ago (the exec image's, before
 * the start-up's) and reclaim has since swapped out: it exists, and stays
 * where reclaim put it; mapping it again would leak its swap slot.
 */
const swappedOut = (mm: Mm, addr: number): boolean => pteIsSwap(mm.pt.get(addr / PAGE_SIZE));

/**
 * A captured VMA whose pages the relocation put in more than one VMA (a
 * 6.18 VMA merged from mappings that do not meet under this version's vDSO
 * block): each resident page where `at` puts it, in whatever VMA is there.
 */
function replayPagesApart(
  k: Kernel,
  who: { pid: number; mm: Mm },
  captured: ResidentVma,
  reloc: CaptureRelocation,
): boolean {
  let addr = captured.start;
  for (const [state, count] of decodePages(captured.pages)) {
    for (let i = 0; i < count; i++, addr += PAGE_SIZE) {
      const page = reloc.at(addr);
      if (state === "-" || swappedOut(who.mm, page)) continue;
      const vma = who.mm.vmaAt(page);
      if (vma === undefined) panic(`exec replay: no VMA at ${page.toString(16)}`);
      reclaimBeforeFault(k);
      if (prefaultPage(k, who, vma, page, state) < 0) return false;
    }
  }
  return true;
}

/** The vDSO block's mappings, by the name maps prints (vdso.ts). */
const SPECIAL_NAMES: Readonly<Record<string, SpecialMapping>> = {
  "[vvar]": "vvar",
  "[vvar_vclock]": "vvar_vclock",
  "[vdso]": "vdso",
};

/**
 * A captured VMA where this version has it: a mapping of the vDSO block is
 * found by name, its pages cut to its size in this version (none if the
 * version lacks it: [vvar_vclock] before 6.13); any other moves by `reloc`.
 */
function relocated(
  mm: Mm,
  captured: ResidentVma,
  reloc: CaptureRelocation,
): ResidentVma | undefined {
  if (reloc.delta === 0) return captured;
  const special = captured.path === undefined ? undefined : SPECIAL_NAMES[captured.path];
  if (special === undefined)
    return {
      ...captured,
      start: reloc.at(captured.start),
      end: reloc.at(captured.end - PAGE_SIZE) + PAGE_SIZE,
    };
  const vma = mm.vmas.find((v) => v.special === special);
  if (vma === undefined) return undefined;
  let left = (vma.end - vma.start) / PAGE_SIZE;
  const runs: string[] = [];
  for (const [state, count] of decodePages(captured.pages)) {
    const n = Math.min(count, left);
    if (n > 0) runs.push(`${state}${n}`);
    left -= n;
  }
  if (left > 0) runs.push(`-${left}`);
  return { ...captured, start: vma.start, end: vma.end, pages: runs.join(" ") };
}

/** Run-length pages: "f12 -4 a3" -> [["f", 12], ["-", 4], ["a", 3]]. */
export function decodePages(pages: string): [string, number][] {
  return pages
    .split(" ")
    .filter((run) => run !== "")
    .map((run) => [run[0]!, Number(run.slice(1) || "1")]);
}

/**
 * Makes each captured VMA's pages resident as they were on the real
 * machine. The stack is matched by its top, since longer arguments make it
 * longer: its pages are laid from the top down, and every page holding the
 * argument and environment strings is resident too (execve wrote them).
 * Returns false, and stops, when no frame can be had (the allocator's slow
 * path has reclaimed and, failing that, run the OOM killer).
 */
function replayResident(
  k: Kernel,
  who: { pid: number; mm: Mm },
  vmas: readonly ResidentVma[],
  reloc: CaptureRelocation,
): boolean {
  for (const shown of vmas) {
    if (shown.path === "[vsyscall]") continue;
    const captured = relocated(who.mm, shown, reloc);
    if (captured === undefined) continue;
    const stack = captured.path === "[stack]";
    const vma: Vma | undefined = who.mm.vmaAt(stack ? captured.end - PAGE_SIZE : captured.start);
    const fits =
      vma !== undefined &&
      vma.end === captured.end &&
      (stack ? vma.start <= captured.start : vma.start === captured.start);
    if (!fits && reloc.delta !== 0 && !stack) {
      // parts of one 6.18 VMA that moved apart under this version's vDSO (vdso.ts)
      if (!replayPagesApart(k, who, shown, reloc)) return false;
      continue;
    }
    if (!fits) {
      panic(
        `exec replay: no VMA ${captured.start.toString(16)}-${captured.end.toString(16)} (${captured.path ?? "anon"})`,
      );
    }
    let addr = captured.start;
    for (const [state, count] of decodePages(captured.pages)) {
      for (let i = 0; i < count; i++, addr += PAGE_SIZE) {
        if (state === "-" || swappedOut(who.mm, addr)) continue;
        reclaimBeforeFault(k); // as before any fault (it returns at once above the reserve)
        if (prefaultPage(k, who, vma, addr, state) < 0) return false;
      }
    }
    if (stack) {
      for (let page = pageDown(who.mm.startStack); page < vma.end; page += PAGE_SIZE) {
        if (swappedOut(who.mm, page)) continue;
        reclaimBeforeFault(k);
        if (prefaultPage(k, who, vma, page, "a") < 0) return false;
      }
    }
  }
  return true;
}
