/*
 * 09-shmem-read-then-write: a fresh shared anonymous region is read, then
 * written.
 *
 * Reading allocates shmem pages clean (Private_Clean, Anonymous 0); there is
 * nothing cached yet for fault-around, so every page faults.  Writing then
 * costs no fault (writable-clean PTEs, no write-notify on shmem) and the
 * pages become Private_Dirty.
 *
 * linux-semantics.md: 3.3 (shmem clean/dirty), 7.6 (shmem write after read).
 */
#include "../truth.h"

int main(void)
{
    truth_init();

    step("mmap");
    char *shm = map_shared_anon(1 * MiB);
    smaps("P", "shm", shm);

    step("read-all");
    mem_read("read-all", shm, 1 * MiB);
    smaps("P", "shm", shm);
    pagemap("P", "shm", shm, 0);
    status("P");

    step("write-all");
    mem_write("write-all", shm, 1 * MiB);
    smaps("P", "shm", shm);
    pagemap("P", "shm", shm, 0);
    status("P");
    return truth_end();
}
