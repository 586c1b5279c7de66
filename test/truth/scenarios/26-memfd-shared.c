/*
 * 26-memfd-shared: a memfd mapped MAP_SHARED is shmem like shared anonymous
 * memory, named "/memfd:NAME (deleted)".
 *
 * memfd_create("cowsh-mem"), ftruncate 64 KiB, mmap shared rw, write all:
 * Private_Dirty 64, Anonymous 0, RssShmem 64.  After fork C has Rss 0; C
 * reads it (fault-around: 1 fault) and both show Shared_Dirty 64, Pss 32.
 *
 * linux-semantics.md: 1.2 (memfd name), 3.5 (shmem is not Anonymous), 7.7.
 */
#include "../truth.h"

int main(void)
{
    struct peer c;

    truth_init();
    peer_init(&c, "C");

    step("memfd-mmap-write");
    int fd = memfd_create("cowsh-mem", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, 64 * KiB))
        die("memfd");
    char *m = map(64 * KiB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    mem_write("write-all", m, 64 * KiB);
    smaps("P", "memfd", m);
    pagemap("P", "memfd", m, 0);
    status("P");

    step("fork");
    peer_spawn(&c);
    smaps("C", "memfd", m);

    step("child-reads");
    peer_read(&c, "read-all", m, 64 * KiB);
    smaps("P", "memfd", m);
    smaps("C", "memfd", m);
    pagemap("C", "memfd", m, 0);
    status("C");
    return truth_end();
}
