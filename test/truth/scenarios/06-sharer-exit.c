/*
 * 06-sharer-exit: a sharer exits; the survivor's pages become private
 * without any fault, and its next write faults once per page but reuses.
 *
 * 16 MiB written, fork, C exits (left a zombie, not reaped).  exit_mmap
 * dropped every mapcount to 1: P shows Private_Dirty 16384 / Pss 16384 at
 * once, pagemap exclusive=1 but AnonExclusive (bit 34) still clear and the
 * PTEs still write-protected.  P then writes 1 MiB: 256 faults, same PFN
 * (wp_can_reuse_anon_folio), bit 34 set again.  The rest is left unwritten.
 *
 * linux-semantics.md: 6 (exit), 5.1 (effect on relatives), 7.3 reuse.
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
    pagemap("P", "buf", buf, 0);

    step("child-exits");
    peer_exit(&c, 0);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pstat("C");

    step("parent-writes-first-mib");
    mem_write("write-first-mib", buf, 1 * MiB);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, 1 * MiB);

    step("reap");
    peer_reap(&c);
    smaps("P", "buf", buf);
    return truth_end();
}
