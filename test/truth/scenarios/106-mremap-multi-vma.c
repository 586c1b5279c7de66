/*
 * 106-mremap-multi-vma: since 6.17 a move with MREMAP_FIXED and
 * old_len == new_len may span several VMAs, and gaps between them: each
 * VMA moves on its own, the gaps stay gaps at the destination (its
 * reservation there is left mapped), every page moves without a fault.
 *
 * src: 12 pages, the middle 4 read-only (three VMAs), 1 page written in
 * each.  Moved whole to a PROT_NONE reservation (MAYMOVE|FIXED).  Then a
 * region whose middle is a hole (two VMAs and a gap) moved the same way.
 * Refused: a range starting in a hole (EFAULT), a shrink across VMAs
 * (EFAULT, old range beyond the first VMA), a grow across VMAs (EFAULT).
 *
 * mm/mremap.c remap_move (Linux 6.17, "permit mremap() move of multiple
 * VMAs"), vrm_move_only, mremap_to, vma_to_resize.
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

static void try_remap(const char *label, char *old, size_t oldlen, size_t newlen, int flags,
                      char *newaddr)
{
    void *p = mremap(old, oldlen, newlen, flags, newaddr);
    printf("@call P %s error=%s\n", label, p == MAP_FAILED ? strerror(errno) : "none");
}

/* 12 pages at a 2 MiB boundary in a reservation: rw, r, rw (hole: the
 * middle unmapped instead); pages 0, 5 (when mapped) and 8 written. */
static char *three(int hole)
{
    char *a = map_at(12 * PAGE, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    a[5 * PAGE] = 1;
    if (hole ? munmap(a + 4 * PAGE, 4 * PAGE) : mprotect(a + 4 * PAGE, 4 * PAGE, PROT_READ))
        die("split");
    a[0] = 1;
    a[8 * PAGE] = 1;
    return a;
}

int main(void)
{
    truth_init();
    pin_cpu(0);

    step("setup");
    char *src = three(0);
    char *dst = map_at(16 * PAGE, 0, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    pagemap("P", "src", src, 0);
    pagemap("P", "src", src, 8 * PAGE);

    step("move-three");
    char *p __attribute__((unused));
    MEASURE("move", p = remap(src, 12 * PAGE, 12 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, dst));
    smaps("P", "dst", dst);
    smaps("P", "dst-ro", dst + 4 * PAGE);
    smaps("P", "dst-tail", dst + 8 * PAGE);
    smaps("P", "dst-rest", dst + 12 * PAGE);
    smaps("P", "src", src);
    pagemap("P", "dst", dst, 0);
    pagemap("P", "dst", dst, 8 * PAGE);

    step("move-hole");
    char *h = three(1);
    char *dst2 = map_at(16 * PAGE, 0, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    MEASURE("move", p = remap(h, 12 * PAGE, 12 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, dst2));
    smaps("P", "dst2", dst2);
    smaps("P", "dst2-gap", dst2 + 4 * PAGE);
    smaps("P", "dst2-tail", dst2 + 8 * PAGE);
    status("P");

    step("refused");
    char *g = three(1);
    char *dst3 = map_at(16 * PAGE, 0, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    try_remap("start-in-hole", g + 4 * PAGE, 8 * PAGE, 8 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
              dst3);
    try_remap("shrink-across", g, 12 * PAGE, 8 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, dst3);
    try_remap("grow-across", g, 12 * PAGE, 16 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, dst3);
    try_remap("maymove-across", g, 12 * PAGE, 12 * PAGE, MREMAP_MAYMOVE, NULL);
    smaps("P", "g", g);
    smaps("P", "dst3", dst3);
    return truth_end();
}
