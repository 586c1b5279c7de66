/*
 * 02-parent-cow-write: the parent writes part of a buffer it shares with
 * its child after fork.
 *
 * 16 MiB written, fork, then P writes the first 1 MiB: 256 write-protect
 * faults, each *copies* the page because C still maps it (new PFN, mapcount
 * 1, AnonExclusive set).  The old pages now have mapcount 1 in C, so both
 * sides show Shared_Dirty 15360 / Private_Dirty 1024 / Pss 8704 kB without
 * C doing anything; C's old copy is exclusive in pagemap but not
 * AnonExclusive.  Writing the same 1 MiB again costs no fault.
 *
 * linux-semantics.md: 7.3 (do_wp_page copy), 3.4 (Pss arithmetic), 9.1 E.
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
    pagemap("P", "buf", buf, 0);
    pagemap("C", "buf", buf, 0);

    step("parent-writes-first-mib");
    mem_write("write-first-mib", buf, 1 * MiB);
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("C", "buf", buf, 0);
    pagemap("P", "buf", buf, 1 * MiB);
    pagemap("C", "buf", buf, 1 * MiB);
    status("P");
    status("C");

    step("parent-writes-first-mib-again");
    mem_write("write-first-mib-again", buf, 1 * MiB);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    return truth_end();
}
