/**
 * Kernel samepage merging (mm/ksm.c): ksmd scans the anonymous pages of
 * MADV_MERGEABLE VMAs and maps pages of equal content to one write-protected
 * KSM page. Runs only in simulated time: Machine.advance() calls ksmdBatch()
 * at the end of every `sleep_millisecs` while ksmd runs (ksm_scan_thread),
 * each batch scanning up to `pages_to_scan` pages and ending at the end of
 * a full scan, as ksm_do_scan does. Deterministic: the order is the mm
 * list's, then addresses.
 *
 * A page's content is its content word (phys.ts): equal words, equal pages.
 * - rmap items: one per scanned page of each mm slot (ksm_rmap_item), with
 *   the checksum seen last; a page merges only once a scan finds its
 *   checksum unchanged (cmp_and_merge_page).
 * - the stable tree: by content, a list of dups (stable nodes) each mapping
 *   at most `max_page_sharing` rmap items; a content with more than one dup
 *   is a chain (stable_node_chains / stable_node_dups).
 * - the unstable tree: by content, rebuilt every full scan.
 * Counters move only in ksmd, as Linux's: a write, MADV_UNMERGEABLE, munmap
 * or exit leave them stale until ksmd meets the items again. A KSM page
 * freed under a stable node (its last mapping gone) makes the node stale:
 * the first scan that meets it drops it and its items' counts
 * (ksm_get_folio -> remove_node_from_stable_tree).
 *
 * mms enter the list lazily: at the start of each full scan, every live mm
 * with a VM_MERGEABLE VMA not yet listed is appended in PID order (as
 * __ksm_enter and ksm_fork append behind the cursor); an mm whose scan
 * finds no mergeable VMA, or that has exited, leaves it.
 */
import {
  PAGE_SIZE,
  TASK_SIZE,
  VM_HUGETLB,
  VM_IO,
  VM_MERGEABLE,
  VM_PFNMAP,
  VM_SHARED,
} from "./constants.js";
import type { Kernel } from "./kernel.js";
import { Mm } from "./mm.js";
import { mkPte, PTE_PRESENT, pteDirty, ptePfn, ptePresent, pteWrite } from "./page-table.js";
import {
  KIND_ANON,
  KIND_MASK,
  PG_ANON_EXCLUSIVE,
  PG_DIRTY,
  PG_LAZYFREE,
  PG_MLOCKED,
  PG_REFERENCED,
  PG_SWAPCACHE,
} from "./phys.js";
import { releaseAnonPage } from "./swap.js";
import type { Vma } from "./vma.js";

/** PG_ksm: the frame is a KSM page (folio_test_ksm). Bit 13 of phys.flags. */
export const PG_KSM = 1 << 13;

/** sizeof(struct ksm_rmap_item) on x86-64: general_profit's cost per item. */
const RMAP_ITEM_BYTES = 64;

/** The tunables of /sys/kernel/mm/ksm, with Linux's defaults. */
export interface KsmTunables {
  run: number;
  pagesToScan: number;
  sleepMillisecs: number;
  maxPageSharing: number;
  smartScan: number;
}

/** KsmState as plain data (snapshot.ts). */
export interface KsmImage {
  readonly tun: KsmTunables;
  /** pages_shared, pages_sharing, pages_unshared, rmap items, full_scans, pages_scanned. */
  readonly counters: [number, number, number, number, number, number];
  readonly nextScanAt: number | null;
  /** The slot index (-1: the list head), the address and the item index the scan is at. */
  readonly cursor: [number, number, number];
  /** Stable nodes in tree order: KSM pfn, content, 1 while its page is still the node's. */
  readonly nodes: readonly [number, number, number][];
  /** Each item: address, checksum, age, remaining skips, node index (-1 none), 1 if unstable. */
  readonly slots: readonly {
    pid: number;
    items: readonly [number, number, number, number, number, number][];
  }[];
  /** The unstable tree: content, slot index, item index. */
  readonly unstable: readonly [number, number, number][];
}

/** A stable node (a dup when its content has more than one: a chain). */
interface StableNode {
  /** The KSM page; -1 once found stale. */
  kpfn: number;
  readonly content: number;
  readonly items: Set<RmapItem>;
}

interface RmapItem {
  readonly slot: MmSlot;
  readonly addr: number;
  oldchecksum: number;
  age: number;
  remainingSkips: number;
  /** The stable node it is in, or null. */
  node: StableNode | null;
  /** In the unstable tree (counted in pages_unshared). */
  unstable: boolean;
}

interface MmSlot {
  readonly mm: Mm;
  readonly pid: number;
  /** By address, ascending. */
  items: RmapItem[];
}

export class KsmState {
  readonly tun: KsmTunables = {
    run: 0,
    pagesToScan: 100,
    sleepMillisecs: 20,
    maxPageSharing: 256,
    smartScan: 1,
  };
  pagesShared = 0;
  pagesSharing = 0;
  pagesUnshared = 0;
  rmapItems = 0;
  fullScans = 0;
  pagesScanned = 0;
  /** When ksmd next wakes (ns), or null while it does not run. */
  nextScanAt: number | null = null;
  readonly slots: MmSlot[] = [];
  /** The scan cursor: index into slots, or -1 at the list head. */
  private cursor = -1;
  private cursorAddr = 0;
  private cursorItem = 0;
  readonly stable = new Map<number, StableNode[]>();
  private unstable = new Map<number, RmapItem>();
  private readonly byPfn = new Map<number, StableNode>();

  /** stable_node_chains: contents with more than one dup. */
  get stableNodeChains(): number {
    let n = 0;
    for (const dups of this.stable.values()) if (dups.length > 1) n++;
    return n;
  }

  /** stable_node_dups: the dups of those chains. */
  get stableNodeDups(): number {
    let n = 0;
    for (const dups of this.stable.values()) if (dups.length > 1) n += dups.length;
    return n;
  }

  get pagesVolatile(): number {
    return this.rmapItems - this.pagesShared - this.pagesSharing - this.pagesUnshared;
  }

  /** general_profit: what merging saves, less the rmap items' cost. */
  get generalProfit(): number {
    return this.pagesSharing * PAGE_SIZE - this.rmapItems * RMAP_ITEM_BYTES;
  }

  /** An mm's figures for /proc/PID/ksm_stat: rmap items, merging pages, profit. */
  mmStat(mm: Mm): { rmapItems: number; mergingPages: number; profit: number } {
    const slot = this.slots.find((s) => s.mm === mm);
    const rmapItems = slot?.items.length ?? 0;
    const mergingPages = slot?.items.filter((i) => i.node !== null).length ?? 0;
    return {
      rmapItems,
      mergingPages,
      profit: mergingPages * PAGE_SIZE - rmapItems * RMAP_ITEM_BYTES,
    };
  }

  /** Whether `pfn` is the live KSM page of a stable node. */
  nodeOf(pfn: number): StableNode | undefined {
    return this.byPfn.get(pfn);
  }

  /**
   * The checker's view (invariants.ts): the counters are what the trees
   * hold (stale or not, they move together), every KSM frame is an
   * anonymous page of a stable node, shared read-only, never exclusive.
   */
  check(k: Kernel, v: string[]): void {
    let shared = 0;
    let sharing = 0;
    for (const dups of this.stable.values())
      for (const node of dups) {
        if (node.items.size > 0) {
          shared++;
          sharing += node.items.size - 1;
        }
        for (const item of node.items)
          if (item.node !== node) v.push(`ksm: rmap item at ${item.addr} lost its stable node`);
      }
    let items = 0;
    let unshared = 0;
    for (const slot of this.slots) {
      items += slot.items.length;
      for (const item of slot.items) if (item.unstable) unshared++;
    }
    const counts = [this.pagesShared, this.pagesSharing, this.pagesUnshared, this.rmapItems];
    const want = [shared, sharing, unshared, items];
    if (counts.join() !== want.join())
      v.push(`ksm: counters ${counts.join("/")} but the trees hold ${want.join("/")}`);
    const { phys } = k;
    for (let pfn = 0; pfn < phys.highWater; pfn++) {
      const f = phys.flags[pfn]!;
      if (!(f & PG_KSM)) continue;
      if ((f & KIND_MASK) !== KIND_ANON || f & PG_ANON_EXCLUSIVE)
        v.push(`ksm: pfn ${pfn} is KSM but not a shared anonymous page`);
      if (this.byPfn.get(pfn)?.kpfn !== pfn) v.push(`ksm: pfn ${pfn} is KSM but in no stable node`);
    }
    if (this.byPfn.size === 0) return;
    for (const mm of k.mms())
      mm.pt.walk(0, TASK_SIZE / PAGE_SIZE, {
        pteEntry(pte, i, span) {
          if (ptePresent(pte) && pteWrite(pte) && phys.flags[ptePfn(pte)]! & PG_KSM)
            v.push(`ksm: KSM pfn ${ptePfn(pte)} mapped writable at ${(span.base + i) * PAGE_SIZE}`);
        },
      });
  }

  /* ---- save and load (snapshot.ts) ---- */

  /** The whole state as plain data; an mm is named by the PID of a task using it (-1: exited). */
  save(pidOf: (mm: Mm) => number): KsmImage {
    const nodes: StableNode[] = [];
    for (const dups of this.stable.values()) nodes.push(...dups);
    const nodeIndex = new Map(nodes.map((n, i) => [n, i]));
    const itemIndex = new Map<RmapItem, [number, number]>();
    this.slots.forEach((slot, si) => {
      slot.items.forEach((item, ii) => {
        itemIndex.set(item, [si, ii]);
      });
    });
    return {
      tun: { ...this.tun },
      counters: [
        this.pagesShared,
        this.pagesSharing,
        this.pagesUnshared,
        this.rmapItems,
        this.fullScans,
        this.pagesScanned,
      ],
      nextScanAt: this.nextScanAt,
      cursor: [this.cursor, this.cursorAddr, this.cursorItem],
      nodes: nodes.map((n) => [n.kpfn, n.content, this.byPfn.get(n.kpfn) === n ? 1 : 0]),
      slots: this.slots.map((slot) => ({
        pid: pidOf(slot.mm),
        items: slot.items.map((i) => [
          i.addr,
          i.oldchecksum,
          i.age,
          i.remainingSkips,
          i.node === null ? -1 : nodeIndex.get(i.node)!,
          i.unstable ? 1 : 0,
        ]),
      })),
      unstable: [...this.unstable].flatMap(([content, item]) => {
        const at = itemIndex.get(item);
        return at === undefined ? [] : [[content, at[0], at[1]]];
      }),
    };
  }

  /** Rebuilds the state saved by save(); `mmOf` finds a PID's mm. Indexes were checked by the loader. */
  restore(image: KsmImage, mmOf: (pid: number) => Mm | undefined): void {
    Object.assign(this.tun, image.tun);
    [
      this.pagesShared,
      this.pagesSharing,
      this.pagesUnshared,
      this.rmapItems,
      this.fullScans,
      this.pagesScanned,
    ] = image.counters;
    this.nextScanAt = image.nextScanAt;
    [this.cursor, this.cursorAddr, this.cursorItem] = image.cursor;
    const nodes = image.nodes.map(([kpfn, content, live]): StableNode => {
      const node: StableNode = { kpfn, content, items: new Set() };
      const dups = this.stable.get(content);
      if (dups === undefined) this.stable.set(content, [node]);
      else dups.push(node);
      if (live) this.byPfn.set(kpfn, node);
      return node;
    });
    for (const saved of image.slots) {
      const slot: MmSlot = { mm: mmOf(saved.pid) ?? new Mm(), pid: saved.pid, items: [] };
      for (const [addr, oldchecksum, age, remainingSkips, node, unstable] of saved.items) {
        const item: RmapItem = {
          slot,
          addr,
          oldchecksum,
          age,
          remainingSkips,
          node: node < 0 ? null : nodes[node]!,
          unstable: unstable === 1,
        };
        item.node?.items.add(item);
        slot.items.push(item);
      }
      this.slots.push(slot);
    }
    for (const [content, si, ii] of image.unstable)
      this.unstable.set(content, this.slots[si]!.items[ii]!);
  }

  /* ---- scanning ---- */

  /** ksmd_should_run: merging on, and some mm listed or wanting to be. */
  shouldRun(k: Kernel): boolean {
    if (this.tun.run !== 1) return false;
    if (this.slots.length > 0) return true;
    for (const mm of k.mms()) if (mm.vmas.some((v) => v.flags & VM_MERGEABLE)) return true;
    return false;
  }

  /**
   * The time of ksmd's next batch up to `target`, or null. ksmd wakes
   * `sleep_millisecs` after it starts running, then after every batch.
   */
  nextBatch(k: Kernel, now: number, target: number): number | null {
    if (!this.shouldRun(k)) {
      this.nextScanAt = null;
      return null;
    }
    this.nextScanAt ??= now + this.interval();
    return this.nextScanAt <= target ? this.nextScanAt : null;
  }

  /** One wake-up of ksmd: up to pages_to_scan pages (ksm_do_scan). */
  batch(k: Kernel, liveMms: ReadonlyMap<Mm, number>): void {
    let budget = this.tun.pagesToScan;
    while (budget > 0) {
      const next = this.nextItem(k, liveMms);
      if (next === null) break;
      this.cmpAndMergePage(k, next.item, next.pfn);
      this.pagesScanned++;
      budget--;
    }
    this.nextScanAt = (this.nextScanAt ?? 0) + this.interval();
  }

  /** ksmd's sleep between batches in ns: sleep_millisecs, at least one jiffy (1 ms at HZ=1000). */
  private interval(): number {
    return Math.max(1, this.tun.sleepMillisecs) * 1e6;
  }

  /** scan_get_next_rmap_item: the next present anonymous page, or null at the end of a full scan. */
  private nextItem(
    k: Kernel,
    liveMms: ReadonlyMap<Mm, number>,
  ): { item: RmapItem; pfn: number } | null {
    if (this.cursor === -1) {
      this.enlist(k, liveMms);
      if (this.slots.length === 0) return null;
      this.unstable = new Map();
      this.cursor = 0;
      this.cursorAddr = 0;
      this.cursorItem = 0;
    }
    while (this.cursor < this.slots.length) {
      const slot = this.slots[this.cursor]!;
      const live = liveMms.has(slot.mm);
      const found = live ? this.nextInSlot(k, slot) : null;
      if (found !== null) return found;
      if (!live) this.cursorItem = 0; // an exited mm: every item goes (no_vmas)
      // remove_trailing_rmap_items, then the next mm (or drop this one).
      for (const item of slot.items.splice(this.cursorItem)) this.freeItem(k, item);
      const anyMergeable =
        liveMms.has(slot.mm) && slot.mm.vmas.some((v) => v.flags & VM_MERGEABLE && v.anonVma);
      if (!anyMergeable) this.slots.splice(this.cursor, 1);
      else this.cursor++;
      this.cursorAddr = 0;
      this.cursorItem = 0;
    }
    this.cursor = -1;
    this.fullScans++;
    return null;
  }

  /** Appends live mms with a mergeable VMA that are not listed, in PID order. */
  private enlist(k: Kernel, liveMms: ReadonlyMap<Mm, number>): void {
    const listed = new Set(this.slots.map((s) => s.mm));
    const fresh = [...liveMms]
      .filter(([mm]) => !listed.has(mm) && mm.vmas.some((v) => v.flags & VM_MERGEABLE))
      .sort((a, b) => a[1] - b[1]);
    for (const [mm, pid] of fresh) this.slots.push({ mm, pid, items: [] });
    void k;
  }

  /** The next page of `slot` from the cursor on, with its rmap item (get_next_rmap_item). */
  private nextInSlot(k: Kernel, slot: MmSlot): { item: RmapItem; pfn: number } | null {
    const { mm } = slot;
    for (const vma of mm.vmas) {
      if (!(vma.flags & VM_MERGEABLE) || vma.end <= this.cursorAddr) continue;
      if (vma.anonVma === null) continue;
      for (let addr = Math.max(this.cursorAddr, vma.start); addr < vma.end; addr += PAGE_SIZE) {
        const pte = mm.pt.get(addr / PAGE_SIZE);
        if (!ptePresent(pte)) continue;
        const pfn = ptePfn(pte);
        if (!mergeCandidate(k, pfn)) continue;
        const item = this.itemAt(k, slot, addr);
        this.cursorAddr = addr + PAGE_SIZE;
        if (this.shouldSkip(k, item, pfn)) continue;
        return { item, pfn };
      }
    }
    return null;
  }

  /** The rmap item at `addr`, freeing the ones before it that no page has now. */
  private itemAt(k: Kernel, slot: MmSlot, addr: number): RmapItem {
    const { items } = slot;
    while (this.cursorItem < items.length && items[this.cursorItem]!.addr < addr) {
      this.freeItem(k, items[this.cursorItem]!);
      items.splice(this.cursorItem, 1);
    }
    const at = items[this.cursorItem];
    if (at !== undefined && at.addr === addr) {
      this.cursorItem++;
      return at;
    }
    const item: RmapItem = {
      slot,
      addr,
      oldchecksum: 0,
      age: 0,
      remainingSkips: 0,
      node: null,
      unstable: false,
    };
    items.splice(this.cursorItem++, 0, item);
    this.rmapItems++;
    return item;
  }

  private freeItem(k: Kernel, item: RmapItem): void {
    this.removeFromTree(k, item);
    this.rmapItems--;
  }

  /** should_skip_rmap_item (smart_scan): pages that never merge are looked at less and less often. */
  private shouldSkip(k: Kernel, item: RmapItem, pfn: number): boolean {
    if (!this.tun.smartScan || k.phys.flags[pfn]! & PG_KSM) return false;
    const age = item.age;
    if (age !== 255) item.age++;
    if (age < 3) return false;
    if (item.remainingSkips === 0) {
      item.remainingSkips = age <= 3 ? 1 : age <= 5 ? 2 : age <= 8 ? 4 : 8;
      return false;
    }
    item.remainingSkips--;
    this.removeFromTree(k, item);
    return true;
  }

  /** remove_rmap_item_from_tree: out of its stable node or the unstable tree, counters with it. */
  private removeFromTree(k: Kernel, item: RmapItem): void {
    const node = item.node;
    if (node !== null) {
      if (!this.liveNode(k, node)) return; // dropped with the stale node
      node.items.delete(item);
      item.node = null;
      if (node.items.size > 0) this.pagesSharing--;
      else this.pagesShared--;
    } else if (item.unstable) {
      item.unstable = false;
      this.pagesUnshared--;
    }
  }

  /** ksm_get_folio: whether the node's KSM page is still there; a stale node is dropped. */
  private liveNode(k: Kernel, node: StableNode): boolean {
    if (node.kpfn >= 0 && k.phys.flags[node.kpfn]! & PG_KSM && this.byPfn.get(node.kpfn) === node)
      return true;
    this.dropNode(node);
    return false;
  }

  /** remove_node_from_stable_tree: its items leave it, uncounted. */
  private dropNode(node: StableNode): void {
    for (const item of node.items) {
      item.node = null;
      if (node.items.size > 1) this.pagesSharing--;
      else this.pagesShared--;
      node.items.delete(item);
    }
    if (node.kpfn >= 0 && this.byPfn.get(node.kpfn) === node) this.byPfn.delete(node.kpfn);
    node.kpfn = -1;
    const dups = this.stable.get(node.content);
    if (dups !== undefined) {
      const left = dups.filter((d) => d !== node);
      if (left.length === 0) this.stable.delete(node.content);
      else this.stable.set(node.content, left);
    }
  }

  /** stable_tree_search: a live dup of this content with room, or null. */
  private stableSearch(k: Kernel, content: number): StableNode | null {
    const dups = this.stable.get(content);
    if (dups === undefined) return null;
    // dropNode() replaces the map's array, never changes this one.
    for (const dup of dups) {
      if (!this.liveNode(k, dup)) continue;
      if (dup.items.size < this.tun.maxPageSharing) return dup;
    }
    return null;
  }

  /** stable_tree_append: the item maps the node's page now. */
  private append(item: RmapItem, node: StableNode): void {
    if (node.items.size > 0) this.pagesSharing++;
    else this.pagesShared++;
    node.items.add(item);
    item.node = node;
  }

  /** cmp_and_merge_page: `item`'s page at `pfn`, merged if it can be. */
  private cmpAndMergePage(k: Kernel, item: RmapItem, pfn: number): void {
    const { phys } = k;
    const content = phys.content[pfn]!;
    if (phys.flags[pfn]! & PG_KSM && item.node !== null && item.node.kpfn === pfn) return;
    const node = this.stableSearch(k, content);
    this.removeFromTree(k, item);
    if (node !== null) {
      if (this.replacePage(k, item, pfn, node.kpfn)) this.append(item, node);
      return;
    }
    if (item.oldchecksum !== content) {
      item.oldchecksum = content;
      return;
    }
    const tree = this.unstable.get(content);
    const treePte = tree ? tree.slot.mm.pt.get(tree.addr / PAGE_SIZE) : 0;
    const treePfn = ptePresent(treePte) ? ptePfn(treePte) : -1;
    if (
      tree === undefined ||
      !tree.unstable ||
      treePfn < 0 ||
      treePfn === pfn ||
      phys.content[treePfn] !== content
    ) {
      this.unstable.set(content, item);
      item.unstable = true;
      this.pagesUnshared++;
      return;
    }
    // try_to_merge_two_pages: this page becomes the KSM page in place,
    // the tree's page is replaced by it.
    if (phys.mapcountOf(pfn) !== 1 || phys.mapcountOf(treePfn) !== 1) return;
    this.makeKsm(k, item.slot.mm, item.addr, pfn);
    this.removeFromTree(k, tree);
    this.unstable.delete(content);
    if (!this.replacePage(k, tree, treePfn, pfn)) return;
    const fresh: StableNode = { kpfn: pfn, content, items: new Set() };
    this.byPfn.set(pfn, fresh);
    const dups = this.stable.get(content);
    if (dups === undefined) this.stable.set(content, [fresh]);
    else dups.push(fresh);
    this.append(tree, fresh);
    this.append(item, fresh);
  }

  /** write_protect_page + the KSM flag: the page at `addr` of `mm` becomes a KSM page. */
  private makeKsm(k: Kernel, mm: Mm, addr: number, pfn: number): void {
    const vpn = addr / PAGE_SIZE;
    const pte = mm.pt.get(vpn);
    let f = k.phys.flags[pfn]! | PG_KSM | PG_REFERENCED;
    if (pteDirty(pte)) f |= PG_DIRTY;
    k.phys.flags[pfn] = (f | PG_DIRTY) & ~PG_ANON_EXCLUSIVE;
    mm.pt.set(vpn, mkPte(pfn, PTE_PRESENT));
    const stale = this.byPfn.get(pfn);
    if (stale !== undefined) this.dropNode(stale);
  }

  /** replace_page: the item's PTE maps `kpfn` (read-only) instead of `pfn`, which is released. */
  private replacePage(k: Kernel, item: RmapItem, pfn: number, kpfn: number): boolean {
    if (pfn === kpfn) return true;
    const { phys } = k;
    if (phys.mapcountOf(pfn) !== 1) return false; // write_protect_page: other references
    const { mm } = item.slot;
    const vpn = item.addr / PAGE_SIZE;
    mm.pt.set(vpn, mkPte(kpfn, PTE_PRESENT));
    phys.incMapcount(kpfn);
    if (phys.decMapcount(pfn) === 0) releaseAnonPage(phys, k.swap, pfn);
    return true;
  }
}

/**
 * A page ksmd looks at: an anonymous order-0 page. Lazy-free, swap-cache
 * and mlocked pages are left alone (a simplification: Linux merges them
 * too, with the extra bookkeeping each needs).
 */
function mergeCandidate(k: Kernel, pfn: number): boolean {
  const f = k.phys.flags[pfn]!;
  if ((f & KIND_MASK) !== KIND_ANON || f & (PG_LAZYFREE | PG_SWAPCACHE | PG_MLOCKED)) return false;
  return k.phys.large.size === 0 || (k.phys.headOf(pfn) === pfn && k.phys.orderOf(pfn) === 0);
}

/** vma_ksm_compatible: MADV_MERGEABLE leaves other VMAs as they are. */
export function ksmCompatible(vma: Vma): boolean {
  return (vma.flags & (VM_SHARED | VM_PFNMAP | VM_IO | VM_HUGETLB)) === 0;
}

/**
 * unmerge_ksm_pages (MADV_UNMERGEABLE): every KSM page mapped in
 * [start, end) of `mm` is broken (break_ksm): an unsharing fault gives the
 * caller a private copy, mapped read-only and clean, exclusive, so a later
 * write reuses it. Each counts as one minor fault of `who`. ksmd's counters
 * stay as they are until it scans again. Returns false when memory ran out.
 */
export function unmergeKsmPages(
  k: Kernel,
  who: { pid: number; minflt: number },
  mm: Mm,
  start: number,
  end: number,
): boolean {
  const { phys } = k;
  for (let addr = start; addr < end; addr += PAGE_SIZE) {
    const vpn = addr / PAGE_SIZE;
    const pte = mm.pt.get(vpn);
    if (!ptePresent(pte)) continue;
    const kpfn = ptePfn(pte);
    if (!(phys.flags[kpfn]! & PG_KSM)) continue;
    const copy = k.allocFrame(KIND_ANON, phys.content[kpfn]!, who.pid);
    if (copy < 0) return false;
    phys.flags[copy]! |= PG_ANON_EXCLUSIVE;
    mm.pt.install(vpn, mkPte(copy, PTE_PRESENT));
    phys.incMapcount(copy);
    if (phys.decMapcount(kpfn) === 0) releaseAnonPage(phys, k.swap, kpfn);
    who.minflt++;
  }
  return true;
}
