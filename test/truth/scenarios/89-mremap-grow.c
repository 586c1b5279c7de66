/*
 * 89-mremap-grow: mremap growing a written anonymous region in place, and
 * shrinking it.
 *
 * 1 MiB written (256 pages) with free address space behind it: mremap to
 * 2 MiB without MREMAP_MAYMOVE grows the VMA in place (vma_expand; same
 * start, Size 2048, Rss 1024, same PFNs, no fault); the new half faults on
 * write like any page.  With the space behind it taken, growing without
 * MAYMOVE fails (ENOMEM); shrinking to 512 KiB unmaps the tail (Rss 512).
 *
 * mm/mremap.c do_mremap / mremap_to / vma_expand (expand in place),
 * vma_to_resize; shrink = do_vmi_munmap of the tail.
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

int main(void)
{
    truth_init();
    pin_cpu(0);

    step("setup");
    char *buf = map_at(1 * MiB, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    advise(buf, 1 * MiB, MADV_NOHUGEPAGE, "madvise nohugepage");
    mem_write("write-all", buf, 1 * MiB);
    if (munmap(buf + 1 * MiB, 1 * MiB))  /* free space behind it */
        die("munmap");
    pagemap("P", "buf", buf, 0);

    step("grow-in-place");
    char *p;
    MEASURE("grow", p = remap(buf, 1 * MiB, 2 * MiB, 0, NULL));
    printf("@call P grow-same-address error=%s\n", p == buf ? "none" : "moved");
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    mem_write("write-new-half", buf + 1 * MiB, 1 * MiB);
    smaps("P", "buf", buf);

    step("grow-blocked");
    void *q = mremap(buf, 2 * MiB, 4 * MiB, 0);
    printf("@call P grow-blocked error=%s\n", q == MAP_FAILED ? strerror(errno) : "none");
    smaps("P", "buf", buf);

    step("shrink");
    p = remap(buf, 2 * MiB, 512 * KiB, 0, NULL);
    smaps("P", "buf", buf);
    smaps("P", "buf-old-tail", buf + 1 * MiB);
    status("P");
    return truth_end();
}
