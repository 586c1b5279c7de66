/*
 * threads.h: thread peers for the thread scenarios 107-111 (issue 14).
 *
 * A thread peer is a thread made with pthread_create() and default
 * attributes (glibc's own stack: 8 MiB from RLIMIT_STACK plus a one-page
 * guard, allocatestack.c).  It obeys orders over its own pipes exactly as a
 * process peer does (truth.h's peer_obey), so records name it like any
 * other peer ("T1"); its `pid` is its TID, and /proc/TID/... is reachable.
 * While it runs an order, self_who names it (P is blocked reading the ack).
 */
#ifndef THREADS_H
#define THREADS_H
#include <pthread.h>

struct tpeer {
    struct peer p;
    pthread_t th;
    char *sp;  /* the address of a local of the thread's first frame */
};

struct hello {
    pid_t tid;
    char *sp;
};

static void *tpeer_main(void *arg)
{
    struct tpeer *t = arg;
    volatile char here = 0;
    struct hello h = {gettid(), (char *)&here};
    struct order o;
    write_full(t->p.ack[1], &h, sizeof h);
    while (read_full(t->p.cmd[0], &o, sizeof o) == 0) {
        if (o.op == OP_EXIT)
            return NULL;   /* start_thread's own exit path: no unwinding */
        const char *saved = self_who;
        self_who = t->p.who;
        long result = peer_obey(&o);
        self_who = saved;
        write_full(t->p.ack[1], &result, sizeof result);
    }
    return NULL;
}

/* Receive the hello of a new thread peer, enlist it, wait until it blocks. */
TRUTH void tpeer_await(struct tpeer *t)
{
    struct hello h;
    if (read_full(t->p.ack[0], &h, sizeof h))
        die("tpeer_await");
    t->p.pid = h.tid;
    t->sp = h.sp;
    enlist(t->p.who, h.tid);
    /* truth_end must not kill a TID: kill(2) of a thread ends its group. */
    for (int i = 0; i < MAXWHO; i++)
        if (whos[i].pid == h.tid)
            whos[i].reaped = 1;
    settle(h.tid, 0);
}

/* pthread_create() with default attributes; returns the error number. */
static long tpeer_create(void *arg)
{
    struct tpeer *t = arg;
    return pthread_create(&t->th, NULL, tpeer_main, t);
}

/* The calling process (P) starts thread peer t and waits until it is ready. */
TRUTH void tpeer_spawn(struct tpeer *t)
{
    if (tpeer_create(t))
        die("pthread_create");
    tpeer_await(t);
}

/* Peer `owner` (a process peer) starts thread peer t in itself. */
TRUTH void tpeer_spawn_in(struct peer *owner, struct tpeer *t)
{
    if (peer_call(owner, tpeer_create, t))
        die("pthread_create in peer");
    tpeer_await(t);
}

/* Thread peer t returns from its start routine (pthread_exit would unwind,
 * and the unwinder dlopens libgcc_s, whose malloc in a thread makes a
 * 64 MiB arena); P joins it (so the kernel has cleared its TID: gone). */
TRUTH void tpeer_exit_join(struct tpeer *t)
{
    struct order o = {.op = OP_EXIT};
    write_full(t->p.cmd[1], &o, sizeof o);
    if (pthread_join(t->th, NULL))
        die("pthread_join");
}

/* Make [heap] as a program that has called malloc has one (cowsh's /bin/sh
 * has): pthread_create's calloc of the new thread's dtv then lands in it
 * instead of making the heap.  (A plain free(malloc(1)) is elided by cc.) */
TRUTH void make_heap(void)
{
    void *volatile h = malloc(1);
    free(h);
}

/* The first address of the VMA of the calling process holding addr. */
TRUTH char *vma_start(const void *addr)
{
    struct reader r = {.fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC)};
    char line[512];
    unsigned long a = (unsigned long)addr, start, end;
    if (r.fd < 0)
        die("open maps");
    while (read_line(&r, line, sizeof line) > 0)
        if (is_header(line, &start, &end) && start <= a && a < end) {
            close(r.fd);
            return (char *)start;
        }
    errno = ENOENT;
    die("vma_start");
    return NULL;
}

/* The end of the VMA holding addr (the top of a thread's stack mapping). */
TRUTH char *vma_end(const void *addr)
{
    struct reader r = {.fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC)};
    char line[512];
    unsigned long a = (unsigned long)addr, start, end;
    if (r.fd < 0)
        die("open maps");
    while (read_line(&r, line, sizeof line) > 0)
        if (is_header(line, &start, &end) && start <= a && a < end) {
            close(r.fd);
            return (char *)end;
        }
    errno = ENOENT;
    die("vma_end");
    return NULL;
}

/* "@stat <who>/task ..." is not a record kind: a thread's own counters are
 * printed as "@stat <who>-task" from /proc/<tgid of owner>/task/<tid>/stat,
 * the same fields as pstat. */
TRUTH void task_stat(const char *owner, const char *who)
{
    char path[96], buf[1024], *field[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid_of(owner), (int)pid_of(who));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        die("read task stat");
    buf[n] = 0;
    char *p = strrchr(buf, ')') + 2;
    int nf = 3;
    for (char *tok = strtok(p, " \n"); tok && nf < 64; tok = strtok(NULL, " \n"))
        field[nf++] = tok;
    printf("@stat %s-task minflt=%s cminflt=%s majflt=%s cmajflt=%s state=%s vsize=%s rss=%s\n",
           who, field[10], field[11], field[12], field[13], field[3], field[23], field[24]);
}

/* "@file <who> threads" and the Threads: line of /proc/PID/status. */
TRUTH void threads_line(const char *who)
{
    struct reader r = {.fd = open_proc(who, "status")};
    char line[512];
    ssize_t n;
    if (r.fd < 0)
        die("open status");
    printf("@file %s threads\n", who);
    while ((n = read_line(&r, line, sizeof line)) > 0)
        if (strncmp(line, "Threads:", 8) == 0)
            out(line, (size_t)n);
    close(r.fd);
}

/* "@file <owner> tasks" and the number of entries of /proc/PID/task. */
TRUTH void task_count(const char *owner)
{
    char path[64];
    int count = 0;
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid_of(owner));
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    char buf[4096];
    long n;
    if (fd < 0)
        die("open task dir");
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0)
        for (long off = 0; off < n;) {
            unsigned short reclen = *(unsigned short *)(buf + off + 16);
            if (buf[off + 19] != '.')
                count++;
            off += reclen;
        }
    close(fd);
    printf("@file %s tasks\n%d\n", owner, count);
}

#endif /* THREADS_H */
