/*
 * truth.h: harness for the ground-truth scenarios of cowsh.
 *
 * A scenario is a small C program that drives the real kernel through a
 * sequence of system calls and prints what /proc says after each step, as
 * records that start with '@' (format in README.md).  The cowsh script of the
 * same name prints the same records from the simulated machine, so the two
 * outputs can be paired record by record.
 *
 * Processes.  The process running main() is "P".  Every other process is a
 * *peer*: a child (or grandchild) that sits in read(2) on a command pipe and
 * performs one order at a time (write or read a range, call a function, fork,
 * exec, exit), then acknowledges.  Only one process runs scenario code at a
 * time, so the output order is deterministic.  Before P reads /proc of a peer
 * it waits until the peer is blocked in its read(2) again (see settle()), so
 * that no file of the peer is read while the peer is still running.
 *
 * Rules the harness keeps so that the numbers it prints are the kernel's:
 *  - It never calls malloc (no [heap] appears unless a scenario grows brk):
 *    /proc files are streamed through small stack buffers.
 *  - stdout is unbuffered, and each record is written by one process while
 *    every other process waits, so lines never interleave.
 *  - Between the two getrusage() calls of a fault measurement nothing runs
 *    but the memory operation itself (see MEASURE).
 *
 * Everything is static; a scenario includes this header once.
 */
#ifndef TRUTH_H
#define TRUTH_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KiB 1024UL
#define MiB (1024UL * KiB)
#define PAGE 4096UL

#define TRUTH static __attribute__((unused))

/* ------------------------------------------------------------------ */
/* Failure, names and output.                                          */
/* ------------------------------------------------------------------ */

/* Stop the scenario: a harness or scenario precondition failed. */
TRUTH void die(const char *what)
{
    fprintf(stderr, "truth: %s: %s\n", what, strerror(errno));
    _exit(99);
}

/* Who-name -> pid registry.  P is entry 0.  Each process also knows its own
 * name (self_who), which it uses in the @faults records it prints. */
#define MAXWHO 16
static struct { char who[16]; pid_t pid; int reaped; } whos[MAXWHO];
static const char *self_who = "P";

/* Record that process `who` has pid `pid` (replaces an earlier entry). */
TRUTH void enlist(const char *who, pid_t pid)
{
    for (int i = 0; i < MAXWHO; i++) {
        if (whos[i].who[0] == 0 || strcmp(whos[i].who, who) == 0) {
            snprintf(whos[i].who, sizeof whos[i].who, "%s", who);
            whos[i].pid = pid;
            whos[i].reaped = 0;
            return;
        }
    }
    errno = ENOSPC;
    die("enlist");
}

/* The pid of `who`; dies if the name was never enlisted. */
TRUTH pid_t pid_of(const char *who)
{
    for (int i = 0; i < MAXWHO && whos[i].who[0]; i++)
        if (strcmp(whos[i].who, who) == 0)
            return whos[i].pid;
    errno = ESRCH;
    die(who);
    return -1;
}

/* Write all of buf[0..n) to stdout with write(2). */
TRUTH void out(const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(1, buf, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            die("write stdout");
        buf += w;
        n -= (size_t)w;
    }
}

/* Print "@step <label>". */
TRUTH void step(const char *label)
{
    printf("@step %s\n", label);
}

/* ------------------------------------------------------------------ */
/* Reading /proc files without malloc.                                 */
/* ------------------------------------------------------------------ */

/* A line reader over a file descriptor, with a small internal buffer. */
struct reader {
    int fd;
    size_t pos, len;
    char buf[4096];
};

/* Copy the next line (with its '\n') into line[0..cap) and NUL-terminate it.
 * Returns its length, 0 at end of file, -1 on a read error (errno set).
 * A line longer than cap-1 bytes is returned in pieces. */
TRUTH ssize_t read_line(struct reader *r, char *line, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        if (r->pos == r->len) {
            ssize_t got = read(r->fd, r->buf, sizeof r->buf);
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0)
                return -1;
            if (got == 0)
                break;
            r->pos = 0;
            r->len = (size_t)got;
        }
        char c = r->buf[r->pos++];
        line[n++] = c;
        if (c == '\n')
            break;
    }
    line[n] = 0;
    return (ssize_t)n;
}

/* The value in kB of the line `name:` of /proc/meminfo; dies if absent. */
TRUTH long meminfo_kb(const char *name)
{
    struct reader r = {.fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC)};
    char line[256];
    size_t n = strlen(name);
    if (r.fd < 0)
        die("open meminfo");
    while (read_line(&r, line, sizeof line) > 0) {
        if (strncmp(line, name, n) == 0 && line[n] == ':') {
            close(r.fd);
            return strtol(line + n + 1, NULL, 10);
        }
    }
    close(r.fd);
    errno = ENOENT;
    die(name);
    return 0;
}

/* Open /proc/<pid of who>/<name> read-only; returns the fd or -1 (errno). */
TRUTH int open_proc(const char *who, const char *name)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid_of(who), name);
    return open(path, O_RDONLY | O_CLOEXEC);
}

/* True if line is a maps/smaps header: it starts with "<hex>-<hex> ". */
TRUTH int is_header(const char *line, unsigned long *start, unsigned long *end)
{
    char *p;
    *start = strtoul(line, &p, 16);
    if (p == line || *p != '-')
        return 0;
    char *q;
    *end = strtoul(p + 1, &q, 16);
    return q != p + 1 && *q == ' ';
}

/* Print "@smaps <who> <region>" and then, byte for byte, the smaps block of
 * the VMA of `who` that contains addr: its header line and every line up to
 * and including "VmFlags:".  Prints "@smaps <who> <region> absent" if no VMA
 * contains addr. */
TRUTH void smaps(const char *who, const char *region, const void *addr)
{
    struct reader r = {.fd = open_proc(who, "smaps")};
    char line[8192];
    unsigned long a = (unsigned long)addr, start, end;
    int in = 0, found = 0;
    ssize_t n;

    if (r.fd < 0)
        die("open smaps");
    while ((n = read_line(&r, line, sizeof line)) > 0) {
        if (is_header(line, &start, &end)) {
            if (found)
                break;
            in = start <= a && a < end;
            if (in) {
                found = 1;
                printf("@smaps %s %s\n", who, region);
            }
        }
        if (in) {
            out(line, (size_t)n);
            if (strncmp(line, "VmFlags:", 8) == 0)
                in = 0;
        }
    }
    if (n < 0)
        die("read smaps");
    close(r.fd);
    if (!found)
        printf("@smaps %s %s absent\n", who, region);
}

/* Print "@status <who>" and the lines of its status whose names start with
 * "Vm" or "Rss", raw.  (A zombie has none: only the marker is printed.) */
TRUTH void status(const char *who)
{
    struct reader r = {.fd = open_proc(who, "status")};
    char line[512];
    ssize_t n;

    if (r.fd < 0)
        die("open status");
    printf("@status %s\n", who);
    while ((n = read_line(&r, line, sizeof line)) > 0)
        if (strncmp(line, "Vm", 2) == 0 || strncmp(line, "Rss", 3) == 0)
            out(line, (size_t)n);
    close(r.fd);
}

/* Print "@stat <who> minflt= cminflt= majflt= cmajflt= state= vsize= rss="
 * from fields 10, 11, 12, 13, 3, 23 and 24 of /proc/PID/stat. */
TRUTH void pstat(const char *who)
{
    char buf[1024], *field[64];
    int fd = open_proc(who, "stat");
    ssize_t n;

    if (fd < 0)
        die("open stat");
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        die("read stat");
    buf[n] = 0;
    /* comm (field 2) may contain spaces: fields 3.. follow the last ')'. */
    char *p = strrchr(buf, ')') + 2;
    int nf = 3;
    for (char *tok = strtok(p, " \n"); tok && nf < 64; tok = strtok(NULL, " \n"))
        field[nf++] = tok;
    if (nf <= 24) {
        errno = EPROTO;
        die("short stat");
    }
    printf("@stat %s minflt=%s cminflt=%s majflt=%s cmajflt=%s state=%s vsize=%s rss=%s\n",
           who, field[10], field[11], field[12], field[13], field[3], field[23], field[24]);
}

/* Print "@file <who> <name>" and the raw content of /proc/PID/<name>, or
 * "@file <who> <name> error=<strerror>" if opening or the first read fails. */
TRUTH void procfile(const char *who, const char *name)
{
    char buf[4096];
    int fd = open_proc(who, name);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf);

    if (n < 0) {
        printf("@file %s %s error=%s\n", who, name, strerror(errno));
        if (fd >= 0)
            close(fd);
        return;
    }
    printf("@file %s %s\n", who, name);
    while (n > 0) {
        out(buf, (size_t)n);
        n = read(fd, buf, sizeof buf);
    }
    if (n < 0)
        printf("@file %s %s error=%s\n", who, name, strerror(errno));
    close(fd);
}

/* Read the u64 at index `index` of the binary file `path`; 0 if unreadable. */
TRUTH uint64_t read_u64(const char *path, uint64_t index)
{
    uint64_t v = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    if (pread(fd, &v, sizeof v, (off_t)(index * sizeof v)) != (ssize_t)sizeof v)
        v = 0;
    close(fd);
    return v;
}

#define PM_PFN_MASK ((1ULL << 55) - 1)
#define KPF_ZERO_PAGE 24

/* Print "@pagemap <who> <region>+0x<off> present= exclusive= file= softdirty=
 * zero= kpagecount= kpageflags=0x pfn=0x" for the page at base+off in `who`.
 * kpagecount, kpageflags, zero and pfn are 0 when the page is not present. */
TRUTH void pagemap(const char *who, const char *region, const void *base, size_t off)
{
    char path[64];
    uintptr_t va = (uintptr_t)base + off;
    snprintf(path, sizeof path, "/proc/%d/pagemap", (int)pid_of(who));
    uint64_t e = read_u64(path, va / PAGE);
    int present = (int)(e >> 63 & 1);
    uint64_t pfn = present ? e & PM_PFN_MASK : 0;
    uint64_t count = present ? read_u64("/proc/kpagecount", pfn) : 0;
    uint64_t flags = present ? read_u64("/proc/kpageflags", pfn) : 0;

    printf("@pagemap %s %s+0x%zx present=%d exclusive=%d file=%d softdirty=%d zero=%d "
           "kpagecount=%llu kpageflags=0x%llx pfn=0x%llx\n",
           who, region, off, present, (int)(e >> 56 & 1), (int)(e >> 61 & 1),
           (int)(e >> 55 & 1), (int)(flags >> KPF_ZERO_PAGE & 1),
           (unsigned long long)count, (unsigned long long)flags, (unsigned long long)pfn);
}

/* ------------------------------------------------------------------ */
/* Memory operations and fault measurement in the calling process.     */
/* ------------------------------------------------------------------ */

/* Write (and so COW-break) the stack below the caller, so that a fault
 * measurement after fork() does not count faults on the caller's own stack. */
__attribute__((noinline, unused)) static void stack_prefault(void)
{
    volatile char pad[16384];
    for (size_t i = 0; i < sizeof pad; i += 256)
        pad[i] = 0;
}

/* Print "@faults <self> <label> minflt=<delta> majflt=<delta>". */
TRUTH void report_faults(const char *label, const struct rusage *a, const struct rusage *b)
{
    printf("@faults %s %s minflt=%ld majflt=%ld\n", self_who, label,
           b->ru_minflt - a->ru_minflt, b->ru_majflt - a->ru_majflt);
}

/* Run the statement `op` between two getrusage() calls and report the fault
 * deltas as the calling process.  The rusage buffers are cleared and the
 * stack below is pre-faulted first, so nothing but `op` can fault in between.
 * `op` must not call into libc other than the system call it measures. */
#define MEASURE(label, op)                                                     \
    do {                                                                       \
        struct rusage ru0_, ru1_;                                              \
        memset(&ru0_, 0, sizeof ru0_);                                         \
        memset(&ru1_, 0, sizeof ru1_);                                         \
        stack_prefault();                                                      \
        getrusage(RUSAGE_SELF, &ru0_);                                         \
        op;                                                                    \
        getrusage(RUSAGE_SELF, &ru1_);                                         \
        report_faults((label), &ru0_, &ru1_);                                  \
    } while (0)

/* Store one byte into every page of p[0..len). */
__attribute__((noinline, unused)) static void touch_write(char *p, size_t len)
{
    for (size_t off = 0; off < len; off += PAGE)
        ((volatile char *)p)[off] = 1;
}

/* Load one byte from every page of p[0..len). */
__attribute__((noinline, unused)) static void touch_read(const char *p, size_t len)
{
    for (size_t off = 0; off < len; off += PAGE)
        (void)((const volatile char *)p)[off];
}

/* Write every page of p[0..len) and print the fault counts under `label`. */
TRUTH void mem_write(const char *label, void *p, size_t len)
{
    MEASURE(label, touch_write(p, len));
}

/* Read every page of p[0..len) and print the fault counts under `label`. */
TRUTH void mem_read(const char *label, const void *p, size_t len)
{
    MEASURE(label, touch_read(p, len));
}

/* ------------------------------------------------------------------ */
/* Creating mappings and files.                                        */
/* ------------------------------------------------------------------ */

/* mmap(NULL, len, prot, flags, fd, off); dies on failure. */
TRUTH void *map(size_t len, int prot, int flags, int fd, off_t off)
{
    void *p = mmap(NULL, len, prot, flags, fd, off);
    if (p == MAP_FAILED)
        die("mmap");
    return p;
}

/* A fresh private anonymous read-write region of its own, advised
 * MADV_NOHUGEPAGE so it is built from 4 KiB pages whatever the THP setting
 * ("nh" in VmFlags).
 *
 * It is created PROT_NONE, advised, then made read-write: three system
 * calls instead of two, so that it never merges with an anonymous VMA of
 * the loader next to it (ld.so's TLS block sits right below libc, where
 * mmap(NULL) puts the first region).  Such a merge would give the region
 * the neighbour's anon_vma, and fork would then copy its PTEs even if it
 * was never written (scenario 30 shows this).  Two regions made here can
 * still merge with each other (same flags, "nh"), as scenario 17 shows. */
TRUTH char *map_anon(size_t len)
{
    char *p = map(len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (madvise(p, len, MADV_NOHUGEPAGE))
        die("madvise nohugepage");
    if (mprotect(p, len, PROT_READ | PROT_WRITE))
        die("mprotect");
    return p;
}

/* A fresh MAP_SHARED|MAP_ANONYMOUS read-write region (shmem). */
TRUTH char *map_shared_anon(size_t len)
{
    return map(len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

/* Map `len` bytes of the file at `path` from offset 0.  The file is opened
 * read-write if prot has PROT_WRITE and the mapping is shared, else
 * read-only; the descriptor is closed again (the mapping keeps the file). */
TRUTH char *map_file(const char *path, size_t len, int prot, int flags)
{
    int rw = (prot & PROT_WRITE) && (flags & MAP_SHARED);
    int fd = open(path, (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0)
        die(path);
    char *p = map(len, prot, flags, fd, 0);
    close(fd);
    return p;
}

/* As `truncate -s size path`: create the file if needed and set its size.
 * New space is a hole; nothing enters the page cache. */
TRUTH void file_truncate(const char *path, off_t size)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || ftruncate(fd, size))
        die(path);
    close(fd);
}

/* As `echo text > path`: truncate the file and write(2) text plus "\n".
 * The written page-cache page is dirty until writeback. */
TRUTH void file_echo(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        die(path);
    size_t n = strlen(text);
    if (write(fd, text, n) != (ssize_t)n || write(fd, "\n", 1) != 1)
        die("write file");
    close(fd);
}

/* As `fsync path`: write back the file's dirty pages and wait. */
TRUTH void file_fsync(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd))
        die(path);
    close(fd);
}

/* As `evict path`: write back, then drop the file's clean, unmapped
 * page-cache pages (POSIX_FADV_DONTNEED). */
TRUTH void file_evict(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED))
        die(path);
    close(fd);
}

/* Bring the first `len` bytes of the file into the page cache the way a
 * cowsh script can: map it privately read-only, read every page, unmap.
 * The pages stay cached (clean, order 0 for files of at most 1 MiB). */
TRUTH void file_warm(const char *path, size_t len)
{
    char *w = map_file(path, len, PROT_READ, MAP_PRIVATE);
    touch_read(w, len);
    if (munmap(w, len))
        die("munmap");
}

/* ------------------------------------------------------------------ */
/* Peers: child processes that obey orders sent over pipes.            */
/* ------------------------------------------------------------------ */

struct peer;
typedef long (*peer_fn)(void *arg);

enum { OP_WRITE = 1, OP_READ, OP_CALL, OP_FORK, OP_EXEC, OP_EXIT };

/* One order, sent whole over the command pipe (< PIPE_BUF: atomic). */
struct order {
    int op;
    char label[64];
    char *addr;
    size_t len;
    long arg;
    peer_fn fn;
    void *fnarg;
    struct peer *peer;
};

/* A peer's pipes.  All peers are initialised by P before the first fork,
 * so every process holds every peer's pipes and P can order a grandchild
 * directly.  Pipes are close-on-exec: an exec'ed peer keeps none. */
struct peer {
    char who[16];
    pid_t pid;
    int cmd[2];
    int ack[2];
};

/* Prepare peer p named `who` (pipes only; no process yet). */
TRUTH void peer_init(struct peer *p, const char *who)
{
    snprintf(p->who, sizeof p->who, "%s", who);
    p->pid = 0;
    if (pipe2(p->cmd, O_CLOEXEC) || pipe2(p->ack, O_CLOEXEC))
        die("pipe");
}

/* Read exactly n bytes from fd; returns 0 on success, -1 at EOF or error. */
TRUTH int read_full(int fd, void *buf, size_t n)
{
    char *b = buf;
    while (n > 0) {
        ssize_t got = read(fd, b, n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        b += got;
        n -= (size_t)got;
    }
    return 0;
}

/* Write exactly n bytes to fd or die. */
TRUTH void write_full(int fd, const void *buf, size_t n)
{
    if (write(fd, buf, n) != (ssize_t)n)
        die("pipe write");
}

/* Wait until process `pid` is blocked in system call `nr` (read = 0,
 * clock_nanosleep = 230), as shown by /proc/PID/syscall.  This is the only
 * polling in the harness: the peer acknowledged an order and is on its way
 * back into read(2); P must not read its /proc files before it gets there,
 * or the peer's own stack and text faults would race with the records.
 * Polls with sched_yield(); dies after 20 s. */
TRUTH void settle(pid_t pid, int nr)
{
    char path[64], buf[64], want[16];
    struct timespec t0, t;
    snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
    snprintf(want, sizeof want, "%d ", nr);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
        if (fd >= 0)
            close(fd);
        if (n > 0) {
            buf[n] = 0;
            if (strncmp(buf, want, strlen(want)) == 0)
                return;
        }
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec - t0.tv_sec > 20) {
            errno = ETIMEDOUT;
            die("settle");
        }
        sched_yield();
    }
}

TRUTH void peer_loop(struct peer *self);

/* fork() a process that becomes peer p and obeys its orders.
 * In the child: never returns.  In the caller: returns the child's pid
 * without waiting; the owner must call peer_await(p). */
TRUTH pid_t peer_fork(struct peer *p)
{
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        pid_t me = getpid();
        self_who = p->who;
        p->pid = me;
        enlist(p->who, me);
        write_full(p->ack[1], &me, sizeof me);
        peer_loop(p);
    }
    return pid;
}

/* Receive the pid a newly forked peer sends, enlist it, and wait until the
 * peer is blocked reading its first order. */
TRUTH void peer_await(struct peer *p)
{
    pid_t pid;
    if (read_full(p->ack[0], &pid, sizeof pid))
        die("peer_await");
    p->pid = pid;
    enlist(p->who, pid);
    settle(pid, 0);
}

/* fork() peer p from the calling process and wait until it is ready. */
TRUTH void peer_spawn(struct peer *p)
{
    peer_fork(p);
    peer_await(p);
}

/* Send order o to peer p; unless it is exec or exit, wait for the result
 * the peer acknowledges with and for the peer to block again; return it. */
TRUTH long peer_order(struct peer *p, struct order *o)
{
    long result = 0;
    write_full(p->cmd[1], o, sizeof *o);
    if (o->op == OP_EXEC || o->op == OP_EXIT)
        return 0;
    if (read_full(p->ack[0], &result, sizeof result))
        die("peer_order ack");
    settle(p->pid, 0);
    return result;
}

/* The environment an exec'ed program gets: the one cowsh's root image was
 * captured with (test/rootfs/README.md, "The programs"), so that glibc's
 * start-up does what cowsh replays (LANG=C.UTF-8 maps the C.utf8 locale
 * files and the gconv cache).  Under run.sh's `env -i` it would get only
 * PATH and map no locale file. */
static char *const exec_env[] = {
    "PATH=/usr/bin:/bin", "HOME=/root", "TERM=xterm", "LANG=C.UTF-8", NULL,
};

/* Carry out one order in the peer; returns the value to acknowledge with. */
TRUTH long peer_obey(struct order *o)
{
    switch (o->op) {
    case OP_WRITE:
        mem_write(o->label, o->addr, o->len);
        return 0;
    case OP_READ:
        mem_read(o->label, o->addr, o->len);
        return 0;
    case OP_CALL:
        return o->fn(o->fnarg);
    case OP_FORK:
        return peer_fork(o->peer);
    case OP_EXEC:
        execle("/bin/sleep", "sleep", "1000", (char *)NULL, exec_env);
        die("exec /bin/sleep");
        return 0;
    case OP_EXIT:
        _exit((int)o->arg);
    }
    errno = EINVAL;
    die("bad order");
    return 0;
}

/* The peer's life: obey orders until the command pipe closes. */
TRUTH void peer_loop(struct peer *self)
{
    struct order o;
    while (read_full(self->cmd[0], &o, sizeof o) == 0) {
        long result = peer_obey(&o);
        write_full(self->ack[1], &result, sizeof result);
    }
    _exit(0);
}

/* Peer p writes every page of addr[0..len) and prints @faults <p> <label>. */
TRUTH void peer_write(struct peer *p, const char *label, void *addr, size_t len)
{
    struct order o = {.op = OP_WRITE, .addr = addr, .len = len};
    snprintf(o.label, sizeof o.label, "%s", label);
    peer_order(p, &o);
}

/* Peer p reads every page of addr[0..len) and prints @faults <p> <label>. */
TRUTH void peer_read(struct peer *p, const char *label, const void *addr, size_t len)
{
    struct order o = {.op = OP_READ, .addr = (char *)addr, .len = len};
    snprintf(o.label, sizeof o.label, "%s", label);
    peer_order(p, &o);
}

/* Peer p runs fn(arg) and the result is returned here. */
TRUTH long peer_call(struct peer *p, peer_fn fn, void *arg)
{
    struct order o = {.op = OP_CALL, .fn = fn, .fnarg = arg};
    return peer_order(p, &o);
}

/* Peer parent forks peer child; wait until the child is ready. */
TRUTH void peer_fork_from(struct peer *parent, struct peer *child)
{
    struct order o = {.op = OP_FORK, .peer = child};
    peer_order(parent, &o);
    peer_await(child);
}

/* Peer p execs "/bin/sleep 1000" with exec_env.  Returns once the new image sleeps in
 * clock_nanosleep, so the old mm has been torn down (exec_mmap) and the
 * new one is quiet. */
TRUTH void peer_exec(struct peer *p)
{
    struct order o = {.op = OP_EXEC};
    peer_order(p, &o);
    settle(p->pid, SYS_clock_nanosleep);
}

/* Peer p calls _exit(status).  Returns once p is a zombie (its mm is gone);
 * p is not reaped.  Works whether or not the caller is p's parent. */
TRUTH void peer_exit(struct peer *p, int status)
{
    struct order o = {.op = OP_EXIT, .arg = status};
    siginfo_t si;
    peer_order(p, &o);
    if (waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOWAIT) == 0)
        return;
    for (;;) {                       /* not our child: poll its state */
        char buf[512];
        int fd = open_proc(p->who, "stat");
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
        if (fd >= 0)
            close(fd);
        if (n <= 0)
            return;
        buf[n] = 0;
        char *q = strrchr(buf, ')');
        if (q && q[2] == 'Z')
            return;
        sched_yield();
    }
}

/* Reap peer p (the caller must be its parent). */
TRUTH void peer_reap(struct peer *p)
{
    if (waitpid(p->pid, NULL, 0) != p->pid)
        die("waitpid");
    for (int i = 0; i < MAXWHO; i++)
        if (whos[i].pid == p->pid)
            whos[i].reaped = 1;
}

/* ------------------------------------------------------------------ */
/* Start and end of a scenario.                                        */
/* ------------------------------------------------------------------ */

/* Set up P: unbuffered stdout, enlisted as "P", subreaper (orphaned
 * grandchildren are re-parented to P and reaped by truth_end), and libc's
 * getrusage() resolved once so the first measurement is clean. */
TRUTH void truth_init(void)
{
    struct rusage ru;
    setvbuf(stdout, NULL, _IONBF, 0);
    enlist("P", getpid());
    if (prctl(PR_SET_CHILD_SUBREAPER, 1))
        die("subreaper");
    getrusage(RUSAGE_SELF, &ru);
}

/* Kill every peer still alive and reap every child.  Returns 0 for main. */
TRUTH int truth_end(void)
{
    for (int i = 1; i < MAXWHO && whos[i].who[0]; i++)
        if (!whos[i].reaped)
            kill(whos[i].pid, SIGKILL);
    while (wait(NULL) > 0 || errno == EINTR)
        ;
    return 0;
}

#endif /* TRUTH_H */
