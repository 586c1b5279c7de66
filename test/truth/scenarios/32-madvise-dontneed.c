/*
 * 32-madvise-dontneed: MADV_DONTNEED zaps PTEs, as munmap would, but keeps
 * the VMA.
 *
 * Anonymous: 16 pages written, the upper 8 zapped: Rss 32 kB; reading them
 * again maps the zero page (8 faults, Rss unchanged).  Private file mapping
 * with one COW copy: zapping drops the copy (Anonymous 0); a read maps the
 * file page again with fault-around.  Shared file mapping with 4 dirty PTEs:
 * zapping passes the dirty bits to the page cache (folio_mark_dirty), so a
 * second, read-only mapping still sees them dirty, now Private (mapcount 1);
 * and the zap of a young PTE marks the page accessed, which for a page
 * marked once already (by file_warm's munmap) moves it to the active list:
 * REFERENCED is cleared (ACTIVE itself is unstable, see README.md).
 *
 * linux-semantics.md: 3.3 (PTE dirty -> folio dirty), 5.1 (zap).
 * mm/memory.c zap_present_folio_ptes; mm/swap.c folio_mark_accessed.
 */
#include "../truth.h"

#define FILE1 "/tmp/cowsh-truth-32a.dat"
#define FILE2 "/tmp/cowsh-truth-32b.dat"

/* madvise(p, len, MADV_DONTNEED) or die. */
static void dontneed(char *p, size_t len)
{
    if (madvise(p, len, MADV_DONTNEED))
        die("madvise dontneed");
}

int main(void)
{
    truth_init();
    unlink(FILE1);
    unlink(FILE2);

    step("anon");
    char *a = map_anon(16 * PAGE);
    mem_write("write-all", a, 16 * PAGE);
    dontneed(a + 8 * PAGE, 8 * PAGE);
    smaps("P", "anon", a);
    mem_read("read-high", a + 8 * PAGE, 8 * PAGE);
    smaps("P", "anon", a);
    pagemap("P", "anon", a, 8 * PAGE);

    step("private-file");
    file_truncate(FILE1, 64 * KiB);
    file_warm(FILE1, 64 * KiB);
    char *f = map_file(FILE1, 64 * KiB, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    mem_read("read-0", f, 1);
    mem_write("write-0", f, 1);
    smaps("P", "file", f);
    dontneed(f, 64 * KiB);
    smaps("P", "file", f);
    mem_read("read-0-again", f, 1);
    smaps("P", "file", f);
    pagemap("P", "file", f, 0);

    step("shared-file");
    file_truncate(FILE2, 64 * KiB);
    file_warm(FILE2, 64 * KiB);
    char *s = map_file(FILE2, 64 * KiB, PROT_READ | PROT_WRITE, MAP_SHARED);
    char *r = map_file(FILE2, 64 * KiB, PROT_READ, MAP_PRIVATE);
    mem_write("write-0-3", s, 4 * PAGE);
    mem_read("read-all", r, 64 * KiB);
    smaps("P", "shared", s);
    smaps("P", "reader", r);
    dontneed(s, 64 * KiB);
    smaps("P", "shared", s);
    smaps("P", "reader", r);
    pagemap("P", "reader", r, 0);
    pagemap("P", "reader", r, 4 * PAGE);

    unlink(FILE1);
    unlink(FILE2);
    return truth_end();
}
