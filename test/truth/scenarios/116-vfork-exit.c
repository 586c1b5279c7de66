/*
 * 116-vfork-exit: a vfork child that exits without exec.
 *
 * C maps a 2 MiB buffer, writes its first MiB and vforks V; V writes the
 * second MiB (256 faults in V, the pages C's), then _exits.  mm_release
 * completes vfork_done: C runs again and keeps what V wrote (Rss 2 MiB,
 * all Private_Dirty); the zombie V has no mm (empty maps, no Vm lines) and
 * its faults pass to C's cminflt when C reaps it.
 *
 * linux-semantics.md: kernel/fork.c mm_release, kernel/exit.c exit_mm.
 */
#include "../truth.h"
#include "../spawn.h"

static long setup(void *arg)
{
    (void)arg;
    char *buf = map_anon(2 * MiB);
    mem_write("write-first-mib", buf, 1 * MiB);
    return (long)buf;
}

static long reap_child(void *arg)
{
    return waitpid((pid_t)(long)arg, NULL, 0);
}

int main(void)
{
    struct peer c, v;

    truth_init();
    peer_init(&c, "C");
    peer_init(&v, "V");
    vfork_child = &v;
    peer_spawn(&c);

    step("1-before-vfork");
    char *buf = (char *)peer_call(&c, setup, NULL);
    smaps("C", "buf", buf);
    pstat("C");

    step("2-vforked");
    vfork_from(&c, &v);
    pstat("C");
    peer_write(&v, "write-second-mib", buf + 1 * MiB, 1 * MiB);
    smaps("V", "buf", buf);
    pstat("V");

    step("3-child-exits");
    peer_exit(&v, 0);
    long pid = order_ack(&c);
    pstat("C");
    smaps("C", "buf", buf);
    pstat("V");
    procfile("V", "maps");
    status("V");

    step("4-reaped");
    peer_call(&c, reap_child, (void *)pid);
    pstat("C");
    peer_write(&c, "write-all", buf, 2 * MiB);
    smaps("C", "buf", buf);
    return truth_end();
}
