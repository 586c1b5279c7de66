/*
 * 17-anon-merge: when do adjacent private anonymous regions become one VMA?
 *
 * mmap(NULL) places each new mapping just below the previous one.  The
 * regions are 64 KiB, larger than the 36 KiB hole ld.so leaves above
 * libc's bss, so they are stacked below the lowest mapping (P's maps are
 * printed first).  map_anon() makes each region PROT_NONE, advises it
 * MADV_NOHUGEPAGE, then mprotects it read-write: the merge with an
 * identical neighbour happens at that mprotect.
 *  a. Two untouched regions A, B: one VMA.
 *  b. After writing A+B, a third region D below them: still merged (D has
 *     no anon_vma yet and adopts the neighbour's).
 *  c. After fork, P makes E below: P's VMA has no "uncowed parent", so E
 *     merges in P.  C makes F at the same place: C's VMA got its anon_vma
 *     through fork, so F stays a separate VMA in C, even after writes.
 *
 * linux-semantics.md: 1.3 (VMA merging).
 */
#include "../truth.h"

#define REGION (64 * KiB)

/* In a peer: map a fresh REGION-sized region, return its address. */
static long map_region(void *unused)
{
    (void)unused;
    return (long)map_anon(REGION);
}

int main(void)
{
    struct peer c;

    truth_init();
    peer_init(&c, "C");

    step("layout");
    procfile("P", "maps");

    step("two-untouched");
    char *a = map_anon(REGION);
    char *b = map_anon(REGION);
    smaps("P", "a", a);
    smaps("P", "b", b);

    step("touch-then-map-third");
    mem_write("write-a", a, REGION);
    mem_write("write-b", b, REGION);
    char *d = map_anon(REGION);
    smaps("P", "d", d);
    mem_write("write-d", d, REGION);
    smaps("P", "d", d);

    step("fork-then-map-in-both");
    peer_spawn(&c);
    char *e = map_anon(REGION);
    char *f = (char *)peer_call(&c, map_region, NULL);
    smaps("P", "e", e);
    smaps("C", "f", f);
    smaps("C", "a", a);

    step("write-new-regions");
    mem_write("write-e", e, REGION);
    peer_write(&c, "write-f", f, REGION);
    smaps("P", "e", e);
    smaps("C", "f", f);
    smaps("C", "a", a);
    return truth_end();
}
