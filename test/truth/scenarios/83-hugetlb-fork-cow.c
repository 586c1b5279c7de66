/*
 * 83-hugetlb-fork-cow: fork of a private hugetlb mapping and the 2 MiB
 * copy on write.
 *
 * P writes both pages of a 4 MiB private hugetlb mapping (pool 4: Free 2,
 * Rsvd 0).  Fork copies the hugetlb PTEs write-protected
 * (copy_hugetlb_page_range): both sides Shared_Hugetlb 4096, kpagecount 2.
 * C writes one byte of the first page: one fault that copies the whole
 * 2 MiB page from the free pool (hugetlb_wp; Free 1): each side then has
 * Private_Hugetlb 2048 + Shared_Hugetlb 2048, and P's old page is exclusive
 * again.  P writes one byte of the second page, still shared: P copies too
 * (a shared page is copied whoever writes; Free 0); both sides now show
 * Private_Hugetlb 4096.  C's exit frees its two pages (Free 2).
 *
 * truth: hugepages 4
 * mm/hugetlb.c copy_hugetlb_page_range, hugetlb_wp, alloc_hugetlb_folio.
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

static void both(char *buf, const char *label)
{
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("C", "buf", buf, 0);
    pagemap("P", "buf", buf, HPAGE);
    pagemap("C", "buf", buf, HPAGE);
    huge_meminfo(label);
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
    huge_meminfo("setup");

    step("fork");
    peer_spawn(&c);
    both(buf, "fork");

    step("child-writes-first-page");
    peer_write(&c, "child-write", buf, 1);
    both(buf, "child-writes");

    step("parent-writes-second-page");
    mem_write("parent-write", buf + HPAGE, 1);
    both(buf, "parent-writes");
    status("P");
    status("C");

    step("child-exits");
    peer_exit(&c, 0);
    peer_reap(&c);
    smaps("P", "buf", buf);
    huge_meminfo("child-exits");
    return truth_end();
}
