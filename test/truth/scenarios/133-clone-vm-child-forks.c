/*
 * 133-clone-vm-child-forks: fork by a CLONE_VM child copies the shared mm.
 *
 * K, cloned by C with CLONE_VM | SIGCHLD, writes the first MiB of C's
 * buffer, then forks G: dup_mmap copies C's mm (the one K runs on), so
 * the pages are shared by two mms, C's (used by C and K) and G's:
 * Shared_Dirty 1024, Pss 512 on both sides, kpagecount 2, not exclusive.
 * K writes the MiB: 256 copy-on-write faults in K, the copies land in C's
 * mm (C: Private_Dirty 1024, new frames); G's pages are its own again.
 *
 * linux-semantics.md: kernel/fork.c dup_mmap, mm/memory.c do_wp_page.
 */
#include "../truth.h"
#include "../clone.h"

static long setup(void *arg)
{
    (void)arg;
    return (long)map_anon(2 * MiB);
}

int main(void)
{
    struct peer c, k, g;

    truth_init();
    peer_init(&c, "C");
    peer_init(&k, "K");
    peer_init(&g, "G");
    peer_spawn(&c);
    peer_call(&c, clone_stack, NULL);
    char *buf = (char *)peer_call(&c, setup, NULL);

    step("1-child-writes");
    clone_from(&c, &k);
    peer_write(&k, "write-K", buf, 1 * MiB);
    smaps("C", "buf", buf);
    pagemap("C", "buf", buf, 0);
    status("C");

    step("2-child-forks");
    peer_fork_from(&k, &g);
    smaps("C", "buf", buf);
    smaps("K", "buf", buf);
    smaps("G", "buf", buf);
    pagemap("C", "buf", buf, 0);
    pagemap("G", "buf", buf, 0);
    status("C");
    status("G");

    step("3-child-writes-again");
    peer_write(&k, "write-K-again", buf, 1 * MiB);
    smaps("C", "buf", buf);
    smaps("G", "buf", buf);
    pagemap("C", "buf", buf, 0);
    pagemap("G", "buf", buf, 0);
    status("C");
    status("G");
    peer_read(&g, "read-G", buf, 1 * MiB);
    return truth_end();
}
