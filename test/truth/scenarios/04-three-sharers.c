/*
 * 04-three-sharers: Pss with mapcount 3.
 *
 * 16 MiB written, then P forks C1 and C2: every page has mapcount 3 and
 * Pss = 4096 * floor(16777216/3) >> 22 = 5461 kB in each process.  P then
 * writes 3 pages (3 copies): P's Pss = (4093*5592405 + 3*16777216) >> 22
 * = 5469, and the 3 old pages stay shared by C1 and C2 (mapcount 2), so
 * C1's Pss = (4093*5592405 + 3*8388608) >> 22 = 5463 kB.
 *
 * linux-semantics.md: 3.4, 9.2.
 */
#include "../truth.h"

int main(void)
{
    struct peer c1, c2;

    truth_init();
    peer_init(&c1, "C1");
    peer_init(&c2, "C2");

    step("setup");
    char *buf = map_anon(16 * MiB);
    mem_write("write-all", buf, 16 * MiB);

    step("fork-two-children");
    peer_spawn(&c1);
    peer_spawn(&c2);
    smaps("P", "buf", buf);
    smaps("C1", "buf", buf);
    smaps("C2", "buf", buf);
    pagemap("P", "buf", buf, 0);

    step("parent-writes-three-pages");
    mem_write("write-3-pages", buf, 3 * PAGE);
    smaps("P", "buf", buf);
    smaps("C1", "buf", buf);
    smaps("C2", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("C1", "buf", buf, 0);
    pagemap("C1", "buf", buf, 3 * PAGE);
    return truth_end();
}
