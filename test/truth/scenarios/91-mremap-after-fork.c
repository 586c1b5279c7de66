/*
 * 91-mremap-after-fork: the child moves a region it shares with its parent
 * by COW.
 *
 * 1 MiB written, fork: both map the same 256 pages (kpagecount 2).  C
 * mremaps it (MAYMOVE|FIXED) to another address: its PTEs move with their
 * pages; the pages stay shared with P (same PFNs, kpagecount 2, Pss 512
 * each side), write-protected.  C's write to the moved range copies (256
 * faults), after which P's pages are exclusive again in kpagecount terms.
 *
 * mm/mremap.c move_vma, move_ptes; mm/memory.c do_wp_page.
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

/* The order's argument lives in static memory set before the fork, so the
 * child has the same values at the same address. */
static struct remap r;

int main(void)
{
    struct peer c;

    truth_init();
    pin_cpu(0);
    peer_init(&c, "C");

    step("setup");
    char *buf = map_anon(1 * MiB);
    mem_write("write-all", buf, 1 * MiB);
    char *dst = map_at(1 * MiB, 0, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    r = (struct remap){buf, 1 * MiB, 1 * MiB, MREMAP_MAYMOVE | MREMAP_FIXED, dst};
    peer_spawn(&c);
    pagemap("P", "buf", buf, 0);
    pagemap("C", "buf", buf, 0);

    step("child-moves");
    long err = peer_call(&c, remap_fn, &r);
    printf("@call P child-mremap error=%s\n", err ? strerror((int)err) : "none");
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);
    smaps("C", "dst", dst);
    pagemap("P", "buf", buf, 0);
    pagemap("C", "dst", dst, 0);

    step("child-writes-moved");
    peer_write(&c, "child-write", dst, 1 * MiB);
    smaps("P", "buf", buf);
    smaps("C", "dst", dst);
    pagemap("P", "buf", buf, 0);
    pagemap("C", "dst", dst, 0);
    return truth_end();
}
