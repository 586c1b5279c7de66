/*
 * 22-three-generations: parent -> child -> grandchild, writes at each
 * level, then the middle generation exits.
 *
 * P writes 16 MiB and forks C; C forks G.  Every page has mapcount 3
 * (Pss 5461).  P writes page 0, C page 1, G page 2: each write copies, and
 * the old page stays shared by the two others.  When C exits, its copies
 * vanish and the pages it shared drop to mapcount 2 (P and G) or 1.
 * G is re-parented to P (P is a child subreaper), which reaps it at the end.
 *
 * linux-semantics.md: 3.4, 4.2, 6, 7.3.
 */
#include "../truth.h"

/* Print buf's smaps block and pagemap entries of pages 0..3 for `who`. */
static void show(const char *who, char *buf)
{
    smaps(who, "buf", buf);
    for (size_t i = 0; i < 4; i++)
        pagemap(who, "buf", buf, i * PAGE);
}

int main(void)
{
    struct peer c, g;

    truth_init();
    peer_init(&c, "C");
    peer_init(&g, "G");

    step("setup");
    char *buf = map_anon(16 * MiB);
    mem_write("write-all", buf, 16 * MiB);

    step("fork-child-and-grandchild");
    peer_spawn(&c);
    peer_fork_from(&c, &g);
    show("P", buf);
    show("C", buf);
    show("G", buf);

    step("each-writes-one-page");
    mem_write("write-page-0", buf, PAGE);
    peer_write(&c, "write-page-1", buf + PAGE, PAGE);
    peer_write(&g, "write-page-2", buf + 2 * PAGE, PAGE);
    show("P", buf);
    show("C", buf);
    show("G", buf);

    step("middle-exits");
    peer_exit(&c, 0);
    show("P", buf);
    show("G", buf);
    peer_reap(&c);
    return truth_end();
}
