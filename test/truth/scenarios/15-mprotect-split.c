/*
 * 15-mprotect-split: mprotect over part of a VMA splits it; mprotect back
 * merges it again.  Do the PTEs become writable again without faults?
 *
 * A 16-page private anonymous buffer is written.  mprotect(PROT_READ) of
 * pages 4..7 splits it into three VMAs; the middle one is r--p and keeps
 * "ac" (VM_ACCOUNT).  mprotect back to rw merges the three again, and
 * writing the 4 pages costs no fault here: mprotect re-enables write in the
 * PTEs of exclusive anonymous pages.  The same round trip after a fork (the
 * pages are shared, not exclusive) leaves the PTEs write-protected: the 4
 * writes fault (and copy).
 *
 * linux-semantics.md: 1.3 (merging, splitting), 2.2 (ac), 7.3.
 */
#include "../truth.h"

/* Print the three parts of buf: pages 0..3, 4..7 and 8..15. */
static void show(const char *who, char *buf)
{
    smaps(who, "buf-low", buf);
    smaps(who, "buf-mid", buf + 4 * PAGE);
    smaps(who, "buf-high", buf + 8 * PAGE);
}

/* mprotect pages 4..7 of buf to prot, or die. */
static void protect_mid(char *buf, int prot)
{
    if (mprotect(buf + 4 * PAGE, 4 * PAGE, prot))
        die("mprotect");
}

int main(void)
{
    struct peer c;

    truth_init();
    peer_init(&c, "C");

    step("setup");
    char *buf = map_anon(16 * PAGE);
    mem_write("write-all", buf, 16 * PAGE);
    show("P", buf);

    step("mprotect-mid-ro");
    protect_mid(buf, PROT_READ);
    show("P", buf);
    pagemap("P", "buf", buf, 4 * PAGE);
    status("P");

    step("mprotect-mid-rw");
    protect_mid(buf, PROT_READ | PROT_WRITE);
    show("P", buf);
    mem_write("write-mid", buf + 4 * PAGE, 4 * PAGE);

    step("fork");
    peer_spawn(&c);
    show("C", buf);

    step("mprotect-round-trip-after-fork");
    protect_mid(buf, PROT_READ);
    protect_mid(buf, PROT_READ | PROT_WRITE);
    show("P", buf);
    mem_write("write-mid", buf + 4 * PAGE, 4 * PAGE);
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);
    pagemap("P", "buf", buf, 4 * PAGE);
    return truth_end();
}
