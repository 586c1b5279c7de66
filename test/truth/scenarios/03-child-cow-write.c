/*
 * 03-child-cow-write: the child writes part of a buffer it shares with its
 * parent after fork.
 *
 * Mirror image of 02: C writes the first 1 MiB (256 faults counted in C,
 * each copies), P's old pages drop to mapcount 1 and become Private in P
 * with no fault in P.  Both sides: Shared_Dirty 15360, Private_Dirty 1024,
 * Pss 8704 kB.  Then C writes the next 1 MiB too.
 *
 * linux-semantics.md: 7.3, 3.4, 4.2.
 */
#include "../truth.h"

int main(void)
{
    struct peer c;

    truth_init();
    peer_init(&c, "C");

    step("setup");
    char *buf = map_anon(16 * MiB);
    mem_write("write-all", buf, 16 * MiB);
    peer_spawn(&c);
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);

    step("child-writes-first-mib");
    peer_write(&c, "write-first-mib", buf, 1 * MiB);
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("C", "buf", buf, 0);
    pagemap("C", "buf", buf, 1 * MiB);
    pstat("C");

    step("child-writes-second-mib");
    peer_write(&c, "write-second-mib", buf + 1 * MiB, 1 * MiB);
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);
    status("P");
    status("C");
    return truth_end();
}
