/*
 * 23-zombie-proc-files: what /proc shows for a zombie, and what reaping
 * adds to the parent.
 *
 * C writes a 1 MiB region P never touched (256 faults, in C), then exits
 * with status 7.  Before reaping, C is a zombie with no mm: maps and smaps
 * are empty, smaps_rollup fails with ESRCH, statm is all zeros, status has
 * no Vm/Rss lines, stat shows state Z, vsize 0, rss 0 but keeps minflt.
 * After waitpid, P's cminflt has grown by C's minflt (+ its cminflt).
 *
 * linux-semantics.md: 6 (zombies), 8.2, 8.3.
 */
#include "../truth.h"

int main(void)
{
    struct peer c;

    truth_init();
    peer_init(&c, "C");

    step("setup");
    char *buf = map_anon(1 * MiB);
    peer_spawn(&c);
    peer_write(&c, "write-all", buf, MiB);
    smaps("C", "buf", buf);
    pstat("C");
    status("C");

    step("child-exits");
    peer_exit(&c, 7);
    procfile("C", "maps");
    procfile("C", "smaps");
    procfile("C", "smaps_rollup");
    procfile("C", "statm");
    status("C");
    pstat("C");
    pstat("P");

    step("reap");
    peer_reap(&c);
    pstat("P");
    return truth_end();
}
