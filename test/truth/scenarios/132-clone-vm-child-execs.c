/*
 * 132-clone-vm-child-execs: the CLONE_VM child execs; the mm stays the
 * parent's.
 *
 * K, cloned by C with CLONE_VM | SIGCHLD, writes the first MiB of C's
 * buffer and execs /bin/sleep: exec_mmap gives K a new mm and drops its
 * reference to the old one (mmput, not the last), so C's buffer, smaps and
 * status are as before and C writes the MiB with no fault.  K's maps are
 * sleep's, byte for byte as 07's, and its minflt goes on counting (+74).
 *
 * linux-semantics.md: fs/exec.c exec_mmap, kernel/fork.c mmput.
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
    struct peer c, k;

    truth_init();
    peer_init(&c, "C");
    peer_init(&k, "K");
    peer_spawn(&c);
    peer_call(&c, clone_stack, NULL);
    char *buf = (char *)peer_call(&c, setup, NULL);

    step("1-child-writes");
    clone_from(&c, &k);
    status("C");
    pstat("C");
    peer_write(&k, "write-K", buf, 1 * MiB);
    smaps("C", "buf", buf);
    status("C");
    pstat("K");

    step("2-child-execs");
    peer_exec(&k);
    smaps("C", "buf", buf);
    status("C");
    pstat("C");
    pstat("K");
    procfile("K", "maps");
    smaps("K", "buf", buf);
    peer_write(&c, "write-C", buf, 1 * MiB);
    smaps("C", "buf", buf);
    return truth_end();
}
