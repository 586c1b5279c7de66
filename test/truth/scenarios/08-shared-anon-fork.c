/*
 * 08-shared-anon-fork: MAP_SHARED|MAP_ANONYMOUS memory across fork.
 *
 * P writes a 4 MiB shared anonymous region (shmem: Anonymous 0,
 * RssShmem).  Fork copies no PTEs of a shared VMA: C's Rss is 0.  C reads
 * it: shmem faults with fault-around over the cached pages (16 pages per
 * fault), and both sides now show Shared_Dirty 4096 / Pss 2048 (the folios
 * are dirty from P's writes).  C then writes it: the PTEs fault-around
 * installed are already writable (shmem has no write-notify), so no fault.
 *
 * linux-semantics.md: 4.1 (no copy for shared VMAs), 7.5, 7.6, 7.7, 9.1 D.
 */
#include "../truth.h"

int main(void)
{
    struct peer c;

    truth_init();
    peer_init(&c, "C");

    step("setup");
    char *shm = map_shared_anon(4 * MiB);
    mem_write("write-all", shm, 4 * MiB);
    smaps("P", "shm", shm);
    pagemap("P", "shm", shm, 0);
    status("P");

    step("fork");
    peer_spawn(&c);
    smaps("P", "shm", shm);
    smaps("C", "shm", shm);
    pagemap("C", "shm", shm, 0);

    step("child-reads");
    peer_read(&c, "read-all", shm, 4 * MiB);
    smaps("P", "shm", shm);
    smaps("C", "shm", shm);
    pagemap("P", "shm", shm, 0);
    pagemap("C", "shm", shm, 0);
    status("C");

    step("child-writes");
    peer_write(&c, "write-all", shm, 4 * MiB);
    smaps("P", "shm", shm);
    smaps("C", "shm", shm);
    pagemap("C", "shm", shm, 0);
    return truth_end();
}
