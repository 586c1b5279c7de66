/*
 * 84-hugetlb-exhaustion: what happens when no huge page is left.
 *
 * Pool of 1 page.  A 4 MiB private MAP_HUGETLB mmap fails at once: the
 * reservation of 2 pages cannot be made (ENOMEM).  With MAP_NORESERVE it
 * succeeds (Rsvd 0); the first write takes the one free page, a write to the
 * second 2 MiB finds none and the process gets SIGBUS ("Bus error"; no
 * page is taken, Free stays 0).  A shared mapping of 4 MiB fails at mmap
 * too.  Then fork with the pool empty: P owns a written private page (the
 * pool's one page); the forked child's write must copy but no page is
 * free: the child gets SIGBUS; P keeps its page, and P's own write after
 * the child is gone reuses it (1 fault, no copy).
 *
 * truth: hugepages 1
 * mm/hugetlb.c hugetlb_reserve_pages, hugetlb_no_page (VM_FAULT_OOM ->
 * VM_FAULT_SIGBUS), hugetlb_wp (unmap_ref_private for the owner).
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

static void touch(void *arg)
{
    touch_write(arg, 1);
}

static void try_map(const char *label, int flags)
{
    char *res = map(12 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    uintptr_t a = ((uintptr_t)res + 2 * HPAGE - 1) & ~(uintptr_t)(HPAGE - 1);
    void *p = mmap((void *)a, 4 * MiB, PROT_READ | PROT_WRITE, flags | MAP_FIXED, -1, 0);
    printf("@call P %s error=%s\n", label, p == MAP_FAILED ? strerror(errno) : "none");
    if (p != MAP_FAILED)
        munmap(p, 4 * MiB);
}

int main(void)
{
    truth_init();
    pin_cpu(0);
    huge_begin();

    step("mmap-too-big");
    try_map("mmap-private-4m", MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB);
    try_map("mmap-shared-4m", MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB);
    huge_meminfo("mmap-too-big");

    step("noreserve");
    char *buf = map_at(4 * MiB, 0, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_NORESERVE, -1, 0);
    smaps("P", "buf", buf);
    huge_meminfo("noreserve-mmap");
    mem_write("write-first", buf, 1);
    huge_meminfo("noreserve-first");
    child_call("write-second-in-child", touch, buf + HPAGE);
    smaps("P", "buf", buf);
    huge_meminfo("noreserve-second");
    if (munmap(buf, 4 * MiB))
        die("munmap");

    step("fork-cow-no-page");
    char *one = map_at(2 * MiB, 0, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
    mem_write("write-one", one, 1);
    huge_meminfo("fork-cow-one");
    child_call("child-write-cow", touch, one);
    smaps("P", "one", one);
    pagemap("P", "one", one, 0);
    huge_meminfo("fork-cow-after");
    mem_write("parent-write-after", one, 1);
    return truth_end();
}
