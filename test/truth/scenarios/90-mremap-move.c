/*
 * 90-mremap-move: mremap with MREMAP_MAYMOVE|MREMAP_FIXED to another place:
 * the page tables move, no page is copied.
 *
 * 1 MiB written; moved to a free 2 MiB-aligned address elsewhere and grown
 * to 2 MiB in the same call: no fault; the old range is unmapped (smaps
 * absent), the new VMA has Rss 1024 with the very same PFNs, still
 * exclusive (AnonExclusive, kpageflags bit 34); its second half faults on
 * write (256).  The anon_vma went along: a fork afterwards shares all
 * 512 pages (Pss 1024 each side, kpagecount 2).
 *
 * mm/mremap.c move_vma, copy_vma, move_page_tables (move_ptes).
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

int main(void)
{
    truth_init();
    pin_cpu(0);

    step("setup");
    char *buf = map_anon(1 * MiB);
    mem_write("write-all", buf, 1 * MiB);
    char *dst = map_at(2 * MiB, 0, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, 255 * PAGE);

    step("move");
    char *p __attribute__((unused));
    MEASURE("move", p = remap(buf, 1 * MiB, 2 * MiB, MREMAP_MAYMOVE | MREMAP_FIXED, dst));
    smaps("P", "buf", buf);
    smaps("P", "dst", dst);
    pagemap("P", "dst", dst, 0);
    pagemap("P", "dst", dst, 255 * PAGE);
    pagemap("P", "dst", dst, 256 * PAGE);
    mem_write("write-moved", dst, 2 * MiB);
    smaps("P", "dst", dst);

    step("fork-after-move");
    struct peer c;
    peer_init(&c, "C");
    peer_spawn(&c);
    smaps("P", "dst", dst);
    smaps("C", "dst", dst);
    pagemap("C", "dst", dst, 0);
    status("P");
    return truth_end();
}
