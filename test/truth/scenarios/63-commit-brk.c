/*
 * 63-commit-brk: brk charges the heap's growth and gives back what it
 * shrinks by (mm/mmap.c do_brk_flags, do_vmi_align_munmap), heuristic
 * overcommit.
 *
 * truth: overcommit scenario
 */
#include "../truth.h"
#include "../commit.h"

int main(void)
{
    truth_init();
    commit_defaults();
    uintptr_t b = (uintptr_t)sbrk(0);
    if (sbrk((intptr_t)((PAGE - b % PAGE) % PAGE)) == (void *)-1) /* a page-aligned break */
        die("sbrk");
    char *heap = sbrk(0);

    step("grow");
    long c = committed_kb();
    if (sbrk(1 * MiB) == (void *)-1)
        die("sbrk");
    commit_record("brk-grow-1m", committed_kb() - c);
    smaps("P", "heap", heap);

    step("grow-unaligned");
    c = committed_kb();
    if (sbrk(100) == (void *)-1)
        die("sbrk");
    commit_record("brk-grow-100", committed_kb() - c);

    step("shrink");
    c = committed_kb();
    if (sbrk(-(intptr_t)(512 * KiB) - 100) == (void *)-1)
        die("sbrk");
    commit_record("brk-shrink-512k", committed_kb() - c);
    smaps("P", "heap", heap);
    return truth_end();
}
