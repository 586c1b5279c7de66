/*
 * 92-mremap-dontunmap: MREMAP_DONTUNMAP moves the pages and leaves the old
 * range mapped but empty.
 *
 * 1 MiB written, mremap(MAYMOVE|DONTUNMAP|FIXED) to another address of the
 * same size: no fault; the new VMA has the 256 pages (same PFNs, still
 * exclusive); the old VMA still exists (Size 1024, Rss 0).  A read of its
 * first half maps the zero page (128 faults, zero=1, no Rss), a write of
 * its second half new zeroed pages (128 faults, Rss 512).
 *
 * mm/mremap.c move_vma (MREMAP_DONTUNMAP: the old vma stays, its pages
 * gone), dontunmap_complete.
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
    char *dst = map_at(1 * MiB, 0, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    pagemap("P", "buf", buf, 0);

    step("dontunmap");
    char *p __attribute__((unused));
    MEASURE("move", p = remap(buf, 1 * MiB, 1 * MiB,
                              MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, dst));
    smaps("P", "buf", buf);
    smaps("P", "dst", dst);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "dst", dst, 0);

    step("touch-old");
    mem_read("read-old", buf, 512 * KiB);
    mem_write("write-old", buf + 512 * KiB, 512 * KiB);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, 512 * KiB);
    status("P");
    return truth_end();
}
