/*
 * 99-mprotect-hugetlb: mprotect of hugetlb mappings, and VmPTE.
 *
 * VmPTE before a hugetlb mapping, after its mmap, and after its pages are
 * touched: the huge entries are PMD entries, so they need the PMD table
 * page (and the PUD page above it) but no PTE table; the pages themselves
 * are in no Rss* line.  mprotect PROT_READ write-protects the 2 MiB
 * entries (hugetlb_change_protection): a write kills (SIGSEGV, in a
 * child); back to read-write, a private mapping's entries stay read-only
 * until a write fault reuses each page; a shared one's are writable again.
 * Unaligned starts or ends are refused (EINVAL: a hugetlb VMA splits only
 * at a 2 MiB boundary); an aligned half splits the VMA.  After fork, the
 * parent's mprotect to read-only and back leaves the pages COW-shared:
 * the next write copies the 2 MiB page.  The two halves of a split
 * hugetlb VMA never merge again (hugetlb's vm_ops has a close).  VmPTE
 * does not move while the huge entries sit in a PMD table the process
 * already has; a hugetlb page in a GiB of its own needs a PMD table page
 * of its own (VmPTE +4 at the fault, not at mmap), freed with the VMA.
 * Surplus: nr_hugepages set to 0 while a page is in use and another
 * reserved keeps both as surplus; munmap frees the used page and, with its
 * reservation, the reserved one (return_unused_surplus_pages).
 *
 * truth: hugepages 5
 * mm/mprotect.c mprotect_fixup, change_protection; mm/hugetlb.c
 * hugetlb_change_protection, hugetlb_vm_op_split, hugetlb_wp;
 * fs/proc/task_mmu.c task_mem (VmPTE = mm_pgtables_bytes).
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"
#include "../commit.h"

static void touch(void *arg)
{
    touch_write(arg, 1);
}

static void try_protect(const char *label, char *p, size_t len, int prot)
{
    int r = mprotect(p, len, prot);
    printf("@call P %s error=%s\n", label, r ? strerror(errno) : "none");
}

int main(void)
{
    struct peer c;

    truth_init();
    pin_cpu(0);
    huge_begin();
    peer_init(&c, "C");

    step("setup");
    status("P");
    char *buf = map_at(4 * MiB, 0, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
    status("P");
    mem_write("write-all", buf, 4 * MiB);
    status("P");
    smaps("P", "buf", buf);
    huge_meminfo("setup");

    step("read-only");
    try_protect("mprotect-ro", buf, 4 * MiB, PROT_READ);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    child_call("write-ro-in-child", touch, buf);
    mem_read("read-ro", buf, 4 * MiB);
    huge_meminfo("read-only");

    step("read-write");
    try_protect("mprotect-rw", buf, 4 * MiB, PROT_READ | PROT_WRITE);
    smaps("P", "buf", buf);
    mem_write("write-after-rw", buf, 4 * MiB);
    mem_write("write-again", buf, 4 * MiB);
    pagemap("P", "buf", buf, 0);
    huge_meminfo("read-write");

    step("unaligned");
    try_protect("unaligned-start", buf + PAGE, PAGE, PROT_READ);
    try_protect("unaligned-end", buf, HPAGE + PAGE, PROT_READ);
    try_protect("short-of-the-end", buf, 4 * MiB - PAGE, PROT_READ);
    try_protect("aligned-half", buf + HPAGE, HPAGE, PROT_READ);
    smaps("P", "buf", buf);
    smaps("P", "buf-second", buf + HPAGE);
    try_protect("aligned-half-back", buf + HPAGE, HPAGE, PROT_READ | PROT_WRITE);
    smaps("P", "buf", buf);
    mem_write("write-second-half", buf + HPAGE, HPAGE);

    step("shared");
    char *sh = map_at(2 * MiB, 0, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
    mem_write("write-shared", sh, 2 * MiB);
    try_protect("shared-ro", sh, 2 * MiB, PROT_READ);
    try_protect("shared-rw", sh, 2 * MiB, PROT_READ | PROT_WRITE);
    mem_write("write-shared-after-rw", sh, 2 * MiB);
    smaps("P", "sh", sh);
    status("P");

    step("fork");
    peer_spawn(&c);
    status("C");
    try_protect("fork-ro", buf, 4 * MiB, PROT_READ);
    try_protect("fork-rw", buf, 4 * MiB, PROT_READ | PROT_WRITE);
    mem_write("parent-write-after-fork", buf, 1);
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("C", "buf", buf, 0);
    huge_meminfo("fork");
    peer_write(&c, "child-write-second", buf + HPAGE, 1);
    smaps("C", "buf-second", buf + HPAGE);
    smaps("P", "buf-second", buf + HPAGE);
    huge_meminfo("child-writes");
    peer_exit(&c, 0);
    peer_reap(&c);

    step("munmap");
    if (munmap(buf, 4 * MiB) || munmap(sh, 2 * MiB))
        die("munmap");
    status("P");
    huge_meminfo("munmap");

    step("own-pmd-table");
    char *far = mmap((void *)0x7fff00000000UL, 2 * MiB, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_FIXED_NOREPLACE, -1, 0);
    if (far == MAP_FAILED)
        die("mmap far");
    status("P");
    mem_write("write-far", far, 2 * MiB);
    status("P");
    smaps("P", "far", far);
    if (munmap(far, 2 * MiB))
        die("munmap far");
    status("P");

    step("surplus");
    char *sur = map_at(4 * MiB, 0, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
    mem_write("write-first", sur, 1);
    huge_meminfo("before-shrink");
    sysctl_set("nr_hugepages", "0\n");
    huge_meminfo("nr-hugepages-0");
    if (munmap(sur, 4 * MiB))
        die("munmap surplus");
    huge_meminfo("surplus-munmap");
    return truth_end();
}
