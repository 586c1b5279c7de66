/*
 * 131-clone-vm-child-exits: the CLONE_VM child exits; the mm stays whole
 * for the parent.
 *
 * K, cloned by C with CLONE_VM | SIGCHLD, writes the first MiB of C's
 * buffer (256 faults in K) and _exits: exit_mm's mmput is not the last,
 * so nothing is unmapped: C's smaps and status are unchanged, and C
 * writes the MiB with no fault.  The zombie K has no mm (empty maps, no
 * Vm lines); C's cminflt takes K's faults once C reaps it.
 *
 * linux-semantics.md: kernel/exit.c exit_mm, kernel/fork.c mmput.
 */
#include "../truth.h"
#include "../clone.h"

static long setup(void *arg)
{
    (void)arg;
    return (long)map_anon(2 * MiB);
}

static long reap_child(void *arg)
{
    return waitpid((pid_t)(long)arg, NULL, 0);
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
    pstat("K");
    peer_write(&k, "write-K", buf, 1 * MiB);
    smaps("C", "buf", buf);
    status("C");
    pstat("K");

    step("2-child-exits");
    peer_exit(&k, 0);
    pstat("K");
    procfile("K", "maps");
    status("K");
    smaps("C", "buf", buf);
    status("C");
    pstat("C");
    peer_write(&c, "write-C", buf, 1 * MiB);

    step("3-reaped");
    peer_call(&c, reap_child, (void *)(long)k.pid);
    pstat("C");
    smaps("C", "buf", buf);
    return truth_end();
}
