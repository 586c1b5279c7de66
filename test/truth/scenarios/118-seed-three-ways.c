/*
 * 118-seed-three-ways: the seed experiment's question (what does starting a
 * program cost the parent's memory?) for fork+exec, vfork+exec and
 * posix_spawn, one after the other in the same process.
 *
 * C maps a 16 MiB private buffer and 1 MiB of shared anonymous memory and
 * writes both.  (a) C forks F, F execs /bin/sleep: fork write-protected
 * every PTE of the buffer, so C's next write of it takes 4096 faults (each
 * reuses its page, now mapped once).  (b) C vforks V, V execs: nothing was
 * copied or write-protected, C's write takes 0 faults.  (c) C
 * posix_spawns /bin/sleep: the same, 0 faults; glibc's stack is gone.
 * Each child's minflt is its exec's plus what it did before.
 *
 * linux-semantics.md: 9.1 (the acceptance experiment).
 */
#include "../truth.h"
#include "../spawn.h"

static char *regions[2]; /* set in C by setup; P asks for them */

static long setup(void *arg)
{
    (void)arg;
    regions[0] = map(16 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    regions[1] = map(1 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (madvise(regions[0], 16 * MiB, MADV_NOHUGEPAGE))
        die("madvise");
    mem_write("write-buffer", regions[0], 16 * MiB);
    mem_write("write-shared", regions[1], 1 * MiB);
    spawn_warm();
    return 0;
}

static long region(void *arg)
{
    return (long)regions[(long)arg];
}

static void show(void)
{
    smaps("C", "shared", regions[1]);
    smaps("C", "buffer", regions[0]);
}

int main(void)
{
    struct peer c, f, v;

    truth_init();
    peer_init(&c, "C");
    peer_init(&f, "F");
    peer_init(&v, "V");
    vfork_child = &v;
    peer_spawn(&c);

    step("1-setup");
    peer_call(&c, setup, NULL);
    regions[0] = (char *)peer_call(&c, region, (void *)0L);
    regions[1] = (char *)peer_call(&c, region, (void *)1L);
    show();
    pstat("C");

    step("2-fork-exec");
    peer_fork_from(&c, &f);
    peer_exec(&f);
    show();
    pstat("C");
    pstat("F");
    peer_write(&c, "write-buffer-after-fork-exec", regions[0], 16 * MiB);
    show();

    step("3-vfork-exec");
    vfork_from(&c, &v);
    vfork_child_exec(&v);
    order_ack(&c);
    show();
    pstat("C");
    pstat("V");
    peer_write(&c, "write-buffer-after-vfork-exec", regions[0], 16 * MiB);
    show();

    step("4-posix-spawn");
    long spid = peer_call(&c, spawn_sleep, (void *)0L);
    enlist("S", (pid_t)spid);
    settle((pid_t)spid, SYS_clock_nanosleep);
    show();
    pstat("C");
    pstat("S");
    peer_write(&c, "write-buffer-after-posix-spawn", regions[0], 16 * MiB);
    show();

    return truth_end();
}
