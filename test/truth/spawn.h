/*
 * spawn.h: helpers of the vfork and posix_spawn scenarios 115-118.
 *
 * A process that vforks (or posix_spawns) is suspended until its child
 * execs or exits, so it cannot be P, which reads /proc: the vforking
 * process is the peer C (forked by P before anything is mapped), and its
 * vfork child is the peer V, which obeys orders while C waits.
 *
 * V runs on C's stack, below the frame of the function that called vfork,
 * and every variable it writes is C's: self_who is set back to C's name
 * when vfork returns in C.  V only makes system calls and touches memory
 * (orders write, read, exec, exit), which the real kernel allows of a
 * vfork child in practice.
 */
#ifndef SPAWN_H
#define SPAWN_H

#include <spawn.h>
#include <sys/stat.h>

/* The vfork child's peer, filled in before C forks (so C's copy has it). */
static struct peer *vfork_child;

/* In C: vfork; the child becomes the peer vfork_child and obeys orders until
 * it execs or exits; returns the child's pid once C runs again. */
TRUTH long vfork_peer(void *arg)
{
    (void)arg;
    const char *was = self_who;
    pid_t pid = vfork();
    if (pid < 0)
        die("vfork");
    if (pid == 0) {
        pid_t me = getpid();
        self_who = vfork_child->who;
        write_full(vfork_child->ack[1], &me, sizeof me);
        peer_loop(vfork_child);
    }
    self_who = was;
    return pid;
}

/* Send order o to peer p and return at once (p will not acknowledge
 * until it runs again). */
TRUTH void order_async(struct peer *p, struct order *o)
{
    write_full(p->cmd[1], o, sizeof *o);
}

/* Wait for the acknowledgement of an order sent with order_async. */
TRUTH long order_ack(struct peer *p)
{
    long result = 0;
    if (read_full(p->ack[0], &result, sizeof result))
        die("order_ack");
    settle(p->pid, 0);
    return result;
}

/* C vforks V: returns once V is blocked reading its first order, with C
 * suspended in vfork.  C's acknowledgement (V's pid) comes after V's exec
 * or exit: order_ack(c). */
TRUTH void vfork_from(struct peer *c, struct peer *v)
{
    struct order o = {.op = OP_CALL, .fn = vfork_peer};
    order_async(c, &o);
    peer_await(v);
}

/* V execs /bin/sleep 1000: returns once the new image sleeps. */
TRUTH void vfork_child_exec(struct peer *v)
{
    peer_exec(v);
}

/* The fifo a posix_spawn'ed child opens before it execs (a file action),
 * which holds it between clone and exec until P opens the write end. */
#define SPAWN_FIFO "/tmp/cowsh-truth-spawn.fifo"

/* In C: posix_spawn /bin/sleep 1000 with exec_env, the child first opening
 * SPAWN_FIFO for reading as its fd 3; returns the child's pid. */
TRUTH long spawn_sleep(void *arg)
{
    int hold = (int)(long)arg;
    posix_spawn_file_actions_t fa;
    char *argv[] = {"sleep", "1000", NULL};
    pid_t pid;
    if (posix_spawn_file_actions_init(&fa))
        die("file_actions_init");
    if (hold && posix_spawn_file_actions_addopen(&fa, 3, SPAWN_FIFO, O_RDONLY, 0))
        die("addopen");
    errno = posix_spawn(&pid, "/bin/sleep", &fa, NULL, argv, exec_env);
    if (errno)
        die("posix_spawn");
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

/* In C, before the measured posix_spawn: one posix_spawn of /bin/true with
 * a file action, reaped, so that glibc's spawn code is faulted in and its
 * file-action list has its heap (the measured one then costs C no fault of
 * its own, as cowsh's programs never fault on their own text). */
TRUTH void spawn_warm(void)
{
    posix_spawn_file_actions_t fa;
    char *argv[] = {"true", NULL};
    pid_t pid;
    if (posix_spawn_file_actions_init(&fa))
        die("file_actions_init");
    if (posix_spawn_file_actions_addopen(&fa, 3, "/dev/null", O_RDONLY, 0))
        die("addopen");
    errno = posix_spawn(&pid, "/bin/true", &fa, NULL, argv, exec_env);
    if (errno)
        die("posix_spawn");
    posix_spawn_file_actions_destroy(&fa);
    if (waitpid(pid, NULL, 0) != pid)
        die("waitpid");
}

/* The first child of `pid` in /proc/PID/task/PID/children (polled until
 * there is one). */
TRUTH pid_t first_child(pid_t pid)
{
    char path[96], buf[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
    for (int tries = 0; tries < 2000000; tries++) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
        if (fd >= 0)
            close(fd);
        if (n > 0) {
            buf[n] = 0;
            return (pid_t)strtol(buf, NULL, 10);
        }
        sched_yield();
    }
    errno = ETIMEDOUT;
    die("first_child");
    return -1;
}

/* The stack pointer of `pid` blocked in a system call (/proc/PID/syscall:
 * "nr a1 .. a6 sp pc"). */
TRUTH unsigned long blocked_sp(pid_t pid)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        die("read syscall");
    buf[n] = 0;
    char *p = buf;
    for (int field = 0; field < 7; field++) {
        p = strchr(p, ' ');
        if (!p) {
            errno = EPROTO;
            die("short syscall");
        }
        p++;
    }
    return strtoul(p, NULL, 16);
}

#endif
