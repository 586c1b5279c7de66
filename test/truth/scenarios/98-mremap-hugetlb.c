/*
 * 98-mremap-hugetlb: mremap of hugetlb mappings (moves since 5.17).
 *
 * A private 4 MiB hugetlb mapping, both pages written, moved whole with
 * MREMAP_MAYMOVE|MREMAP_FIXED to a free 2 MiB-aligned place: the huge
 * entries move (move_hugetlb_page_tables), no fault, same PFNs; the pool
 * does not change.  Shrinking it to 2 MiB unmaps the tail page (Free +1).
 * Refused: growing (in place or MAYMOVE), an unaligned old or new address,
 * MREMAP_DONTUNMAP; lengths are rounded up to 2 MiB first.  A reserved,
 * never-touched mapping moved keeps its reservation, and its fault then
 * uses it.  A shared mapping moves too.  After fork, the moved pages stay
 * COW-shared with the child; the parent's write copies.
 *
 * truth: hugepages 6
 * mm/mremap.c do_mremap (hugetlb alignment, no expansion), move_vma,
 * move_hugetlb_page_tables; mm/hugetlb.c clear_vma_resv_huge_pages.
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

static char *hole(size_t len)
{
    return map_at(len, 0, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
}

static void try_remap(const char *label, char *old, size_t oldlen, size_t newlen, int flags,
                      char *newaddr)
{
    void *p = mremap(old, oldlen, newlen, flags, newaddr);
    printf("@call P %s error=%s\n", label, p == MAP_FAILED ? strerror(errno) : "none");
}

int main(void)
{
    struct peer c;

    truth_init();
    pin_cpu(0);
    huge_begin();
    peer_init(&c, "C");

    step("setup");
    char *buf = map_at(4 * MiB, 0, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
    mem_write("write-all", buf, 4 * MiB);
    char *dst = hole(4 * MiB);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, HPAGE);
    huge_meminfo("setup");
    status("P");

    step("move");
    char *p __attribute__((unused));
    MEASURE("move", p = remap(buf, 4 * MiB, 4 * MiB, MREMAP_MAYMOVE | MREMAP_FIXED, dst));
    smaps("P", "buf", buf);
    smaps("P", "dst", dst);
    pagemap("P", "dst", dst, 0);
    pagemap("P", "dst", dst, HPAGE);
    huge_meminfo("move");
    mem_write("write-moved", dst, 4 * MiB);
    status("P");

    step("shrink");
    p = remap(dst, 4 * MiB, 2 * MiB, 0, NULL);
    smaps("P", "dst", dst);
    smaps("P", "dst-old-tail", dst + HPAGE);
    huge_meminfo("shrink");

    step("refused");
    char *other = hole(4 * MiB);
    try_remap("grow", dst, 2 * MiB, 4 * MiB, 0, NULL);
    try_remap("grow-maymove", dst, 2 * MiB, 4 * MiB, MREMAP_MAYMOVE, NULL);
    try_remap("grow-fixed", dst, 2 * MiB, 4 * MiB, MREMAP_MAYMOVE | MREMAP_FIXED, other);
    try_remap("unaligned-old-address", dst + PAGE, 2 * MiB - PAGE, 2 * MiB - PAGE, 0, NULL);
    try_remap("unaligned-new-address", dst, 2 * MiB, 2 * MiB, MREMAP_MAYMOVE | MREMAP_FIXED,
              other + PAGE);
    try_remap("dontunmap", dst, 2 * MiB, 2 * MiB, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, other);
    try_remap("unaligned-lengths", dst, 2 * MiB - PAGE, 1 * MiB, 0, NULL);
    try_remap("shrink-to-1m", dst, 2 * MiB, 1 * MiB, 0, NULL);
    smaps("P", "dst", dst);
    smaps("P", "other", other);
    huge_meminfo("refused");

    step("move-reserved");
    char *res = map_at(2 * MiB, 0, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
    huge_meminfo("reserved");
    char *to = hole(2 * MiB);
    MEASURE("move-reserved", p = remap(res, 2 * MiB, 2 * MiB, MREMAP_MAYMOVE | MREMAP_FIXED, to));
    smaps("P", "res", res);
    smaps("P", "to", to);
    huge_meminfo("move-reserved");
    mem_write("write-reserved", to, 2 * MiB);
    huge_meminfo("write-reserved");

    step("move-shared");
    char *sh = map_at(2 * MiB, 0, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
    mem_write("write-shared", sh, 2 * MiB);
    char *shto = hole(2 * MiB);
    MEASURE("move-shared", p = remap(sh, 2 * MiB, 2 * MiB, MREMAP_MAYMOVE | MREMAP_FIXED, shto));
    smaps("P", "sh", sh);
    smaps("P", "shto", shto);
    pagemap("P", "shto", shto, 0);
    huge_meminfo("move-shared");
    mem_write("write-shared-moved", shto, 2 * MiB);

    step("move-after-fork");
    peer_spawn(&c);
    char *far = hole(2 * MiB);
    MEASURE("move-after-fork", p = remap(dst, 2 * MiB, 2 * MiB, MREMAP_MAYMOVE | MREMAP_FIXED, far));
    smaps("P", "far", far);
    smaps("C", "dst", dst);
    pagemap("P", "far", far, 0);
    pagemap("C", "dst", dst, 0);
    huge_meminfo("move-after-fork");
    mem_write("parent-write-moved", far, 1);
    smaps("P", "far", far);
    smaps("C", "dst", dst);
    huge_meminfo("parent-write-moved");
    status("P");
    peer_exit(&c, 0);
    peer_reap(&c);
    huge_meminfo("child-exits");
    return truth_end();
}
