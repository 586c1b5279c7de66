/*
 * 117-posix-spawn: glibc 2.36's posix_spawn (sysdeps/unix/sysv/linux/
 * spawni.c): mmap of a 36 KiB stack (argv slack + 32 KiB, page-aligned;
 * PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK, so `nh` on
 * 6.18), clone3(CLONE_VM|CLONE_VFORK, SIGCHLD) onto it, munmap after the
 * child has exec'd (strace of a real posix_spawn shows the same calls).
 *
 * C maps a 1 MiB buffer and writes it; C posix_spawns /bin/sleep with a
 * file action that opens a fifo, which holds the child S between clone and
 * exec.  While it is held: C sleeps in D, the stack VMA is in C's mm with
 * the pages S touched, S's smaps are C's.  Then S execs: C's stack mapping
 * is gone again, its buffer untouched; writing it faults nothing.
 *
 * linux-semantics.md: kernel/fork.c copy_mm (CLONE_VM), wait_for_vfork_done.
 */
#include "../truth.h"
#include "../spawn.h"

static long setup(void *arg)
{
    (void)arg;
    char *buf = map_anon(1 * MiB);
    mem_write("write-buf", buf, 1 * MiB);
    spawn_warm();
    return (long)buf;
}

int main(void)
{
    struct peer c, s;

    truth_init();
    unlink(SPAWN_FIFO);
    if (mkfifo(SPAWN_FIFO, 0600))
        die("mkfifo");
    peer_init(&c, "C");
    peer_init(&s, "S");
    peer_spawn(&c);

    step("1-before-spawn");
    char *buf = (char *)peer_call(&c, setup, NULL);
    smaps("C", "buf", buf);
    status("C");
    pstat("C");

    step("2-child-before-exec");
    struct order o = {.op = OP_CALL, .fn = spawn_sleep, .fnarg = (void *)1L};
    order_async(&c, &o);
    pid_t spid = first_child(c.pid);
    enlist("S", spid);
    settle(spid, SYS_openat);
    unsigned long sp = blocked_sp(spid);
    pstat("C");
    status("C");
    smaps("C", "buf", buf);
    smaps("C", "spawn-stack", (void *)sp);
    smaps("S", "spawn-stack", (void *)sp);
    status("S");
    pstat("S");

    step("3-child-execs");
    int fd = open(SPAWN_FIFO, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        die("open fifo");
    settle(spid, SYS_clock_nanosleep);
    order_ack(&c);
    close(fd);
    pstat("C");
    status("C");
    smaps("C", "buf", buf);
    smaps("C", "spawn-stack", (void *)sp);
    pstat("S");

    step("4-parent-writes");
    peer_write(&c, "write-buf-again", buf, 1 * MiB);
    smaps("C", "buf", buf);
    unlink(SPAWN_FIFO);
    return truth_end();
}
