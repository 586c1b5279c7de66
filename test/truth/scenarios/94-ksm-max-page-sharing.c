/*
 * 94-ksm-max-page-sharing: more identical pages than max_page_sharing (256
 * here) make a stable node chain of several KSM pages.
 *
 * 600 identical pages merged: a KSM page may be mapped at most
 * max_page_sharing times, so the content is held by a chain of stable node
 * "dups" (stable_node_chains 1, stable_node_dups 3: 256 + 256 + 88);
 * pages_shared counts the dups (3), pages_sharing the rest (597).  smaps
 * KSM 2400 kB; Pss sums each page's 4096/mapcount; pagemap kpagecount 256
 * on the first page, PFNs differ between the dups.
 *
 * truth: ksm
 * mm/ksm.c stable_node_dup, stable_node_chain_add_dup, is_page_sharing_candidate
 * (ksm_max_page_sharing).
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

int main(void)
{
    truth_init();
    huge_begin();

    step("merge");
    char *buf = map_anon(600 * PAGE);
    mem_write("write-same", buf, 600 * PAGE);
    advise(buf, 600 * PAGE, MADV_MERGEABLE, "madvise mergeable");
    ksm_wait(3);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, 599 * PAGE);
    ksm_record("merged");
    ksm_files("P");

    step("scanned-again");
    ksm_wait(3);
    smaps("P", "buf", buf);
    ksm_record("scanned-again");
    return truth_end();
}
