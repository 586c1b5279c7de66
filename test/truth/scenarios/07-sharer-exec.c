/*
 * 07-sharer-exec: a sharer execs; the parent's next write faults but
 * reuses the page, and a second write costs nothing.
 *
 * 16 MiB written, fork, C execs /bin/sleep.  exec_mmap tears C's old mm
 * down: P is back to Private_Dirty 16384 / Pss 16384 with no fault.  P
 * writes 1 MiB: 256 faults, PFN unchanged (reused), bit 34 set; writing it
 * again: 0 faults.  C keeps its fault counters across exec; its maps now
 * show the new image of /bin/sleep.
 *
 * linux-semantics.md: 5.1, 5.2, 7.3, 9.1 F-G.
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
    pstat("C");

    step("child-execs");
    peer_exec(&c);
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);
    pagemap("P", "buf", buf, 0);
    procfile("C", "maps");
    pstat("C");

    step("parent-writes-first-mib");
    mem_write("write-first-mib", buf, 1 * MiB);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);

    step("parent-writes-first-mib-again");
    mem_write("write-first-mib-again", buf, 1 * MiB);
    pagemap("P", "buf", buf, 0);
    return truth_end();
}
