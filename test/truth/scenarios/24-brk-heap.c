/*
 * 24-brk-heap: the [heap] VMA appears with the first brk growth.
 *
 * The harness never mallocs, so at start there is no [heap]: nothing
 * contains the initial break.  sbrk(132 KiB) creates a 132 kB [heap]
 * (rw-p, Rss 0); writing it costs 33 faults; a second sbrk(132 KiB)
 * extends the same VMA to 264 kB.  VmData grows with each step.
 *
 * linux-semantics.md: 1.2 rule 5 ([heap]), 5.2 item 5, 8.1 (VmData).
 */
#include "../truth.h"

/* sbrk(incr) or die; returns the old break. */
static char *grow(intptr_t incr)
{
    void *old = sbrk(incr);
    if (old == (void *)-1)
        die("sbrk");
    return old;
}

int main(void)
{
    truth_init();

    step("initial-break");
    char *heap = grow(0);
    smaps("P", "heap", heap);
    status("P");

    step("brk-grow-132k");
    grow(132 * KiB);
    smaps("P", "heap", heap);
    status("P");

    step("write-heap");
    mem_write("write-heap", heap, 132 * KiB);
    smaps("P", "heap", heap);
    status("P");

    step("brk-grow-another-132k");
    grow(132 * KiB);
    smaps("P", "heap", heap);
    status("P");
    return truth_end();
}
