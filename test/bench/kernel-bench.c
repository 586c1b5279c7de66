/*
 * kernel-bench.c: the real kernel's side of `npm run bench`.
 *
 * The same work cowsh's benchmark gives the simulated machine, done with
 * real system calls on this machine, timed with clock_gettime
 * (CLOCK_MONOTONIC) and printed as one JSON object on stdout; run.ts
 * compiles this file with `cc -O2` and parses what it prints.
 *
 *   kernel-bench micro RUNS PAGES SLICE
 *       RUNS times: an anonymous private buffer of PAGES pages
 *       (MADV_NOHUGEPAGE), each page written once (first touch); open, read
 *       to the end and close /proc/PID/smaps and smaps_rollup of this
 *       process; fork() timed in the parent (the child _exits at once);
 *       SLICE pages written while a forked child still maps them (COW
 *       copies); the child execs /bin/sleep (a close-on-exec pipe reports
 *       the exec), then SLICE other pages written (write faults that reuse
 *       the page); the exit of a child holding PAGES private pages of its
 *       own, timed by the parent from "go" to waitpid() returning.
 *   kernel-bench experiment
 *       The acceptance experiment (demo/fork-exec.cowsh) scaled to a
 *       1 GiB buffer: prints what the script prints, without its sleeps.
 *   kernel-bench swap RUNS PAGES
 *       RUNS times: an anonymous private buffer of PAGES pages
 *       (MADV_NOHUGEPAGE), each page written once; MADV_PAGEOUT of the
 *       whole buffer, timed (the call: it unmaps the pages, adds them to
 *       the swap cache and starts their writes); then, once Writeback in
 *       /proc/meminfo is back to 0, one byte read from each page, timed:
 *       swap-in faults that find the page in the swap cache (minor
 *       faults, counted with getrusage). Needs a swap area swapped on
 *       (run.ts sets one up as root, under the truth lock) and one CPU
 *       (madvise drains only the local CPU's LRU batches: run it under
 *       taskset).
 *   kernel-bench thp RUNS PAGES
 *       RUNS times: a private anonymous buffer of PAGES pages (a multiple
 *       of 512) on a 2 MiB boundary (carved out of a larger mapping),
 *       MADV_HUGEPAGE (THP in `madvise` mode needs it); each page written
 *       once, timed (first touch: one huge page fault per 2 MiB, the other
 *       511 stores hit it); AnonHugePages of smaps_rollup then, to be sure
 *       huge pages were used; fork() timed in the parent as in `micro`
 *       (the child _exits at once). Prints {"unavailable": WHY} instead
 *       when transparent_hugepage/enabled is `never` or missing.
 *   kernel-bench ksm PAGES
 *       KSM's scan: a private anonymous buffer of PAGES pages
 *       (MADV_NOHUGEPAGE), each page written with the same byte (identical
 *       pages), then MADV_MERGEABLE; waits until full_scans has advanced
 *       twice (the first scan records checksums, the second merges) and
 *       prints ksmd's CPU time over them (/proc/PID/schedstat of the ksmd
 *       thread: on-CPU ns, so its sleeps between batches do not count),
 *       the wall time, and the pages_scanned, pages_shared and
 *       pages_sharing counters. Needs ksmd running with pages_to_scan of
 *       at least PAGES (one batch is one full scan) and sleep_millisecs
 *       long enough to read the counters between scans: ksm-kernel.sh sets
 *       them as root and restores them, under the truth lock.
 *   kernel-bench scale CHILDREN PAGES
 *       A PAGES-page parent forks CHILDREN children; child i writes the
 *       i % 100-th hundredth of the buffer; then the parent reads every
 *       child's smaps_rollup. Times and MemAvailable before and after.
 *
 * One byte is stored per page, through a volatile pointer, so every page
 * is touched exactly once per pass, as cowsh's `write` does.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define MiB (1024UL * 1024UL)

static void die(const char *what)
{
    perror(what);
    exit(1);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A private (or shared) anonymous mapping of `pages` pages, never huge. */
static char *map_anon(size_t pages, int shared)
{
    int flags = (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS;
    char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (p == MAP_FAILED)
        die("mmap");
    if (!shared && madvise(p, pages * PAGE, MADV_NOHUGEPAGE))
        die("madvise");
    return p;
}

/* Stores `value` into the first byte of each of `pages` pages. */
static void touch(char *p, size_t pages, char value)
{
    volatile char *v = p;
    for (size_t i = 0; i < pages; i++)
        v[i * PAGE] = value;
}

static char file_buf[64 * MiB];

/* open + read to the end + close; returns the bytes read. */
static size_t read_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        die(path);
    size_t total = 0;
    for (;;) {
        ssize_t n = read(fd, file_buf + total, sizeof file_buf - total);
        if (n < 0)
            die("read");
        if (n == 0)
            break;
        total += (size_t)n;
        if (total == sizeof file_buf)
            total = 0; /* keep reading; only the time matters here */
    }
    close(fd);
    return total;
}

/* A "Key:   N kB" value of a /proc file, in kB, or -1. */
static long proc_kb(const char *path, const char *key)
{
    size_t n = read_file(path);
    file_buf[n] = 0;
    size_t klen = strlen(key);
    for (char *line = file_buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (!strncmp(line, key, klen) && line[klen] == ':')
            return atol(line + klen + 1);
    }
    return -1;
}

static void must_pipe(int fds[2], int flags)
{
    if (pipe2(fds, flags))
        die("pipe2");
}

static void read_byte(int fd)
{
    char c;
    if (read(fd, &c, 1) != 1)
        die("read pipe");
}

static void write_byte(int fd)
{
    if (write(fd, "x", 1) != 1)
        die("write pipe");
}

static void reap(pid_t pid)
{
    if (waitpid(pid, NULL, 0) != pid)
        die("waitpid");
}

/* ---- micro ---- */

struct sample {
    uint64_t first_touch, smaps, rollup, fork, cow, reuse, exit, munmap;
    size_t smaps_bytes, rollup_bytes;
    long pte_kb;
};

static void micro_run(size_t pages, size_t slice, struct sample *s)
{
    char path[64], rpath[64];
    snprintf(path, sizeof path, "/proc/%d/smaps", getpid());
    snprintf(rpath, sizeof rpath, "/proc/%d/smaps_rollup", getpid());

    long pte0 = proc_kb("/proc/self/status", "VmPTE");
    char *buf = map_anon(pages, 0);
    uint64_t t0 = now_ns();
    touch(buf, pages, 1);
    s->first_touch = now_ns() - t0;
    s->pte_kb = proc_kb("/proc/self/status", "VmPTE") - pte0;

    t0 = now_ns();
    s->smaps_bytes = read_file(path);
    s->smaps = now_ns() - t0;
    t0 = now_ns();
    s->rollup_bytes = read_file(rpath);
    s->rollup = now_ns() - t0;

    /* fork, timed in the parent; the child exits at once. */
    t0 = now_ns();
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    s->fork = now_ns() - t0;
    if (child < 0)
        die("fork");
    reap(child);

    /* COW: a child maps the buffer while the parent writes SLICE pages. */
    int go[2], execd[2];
    must_pipe(go, 0);
    must_pipe(execd, O_CLOEXEC);
    child = fork();
    if (child < 0)
        die("fork");
    if (child == 0) {
        close(go[1]);
        close(execd[0]);
        read_byte(go[0]);
        execl("/bin/sleep", "sleep", "1000", (char *)NULL);
        _exit(127);
    }
    close(go[0]);
    close(execd[1]);
    t0 = now_ns();
    touch(buf, slice, 2);
    s->cow = now_ns() - t0;

    /* The child execs: its end of `execd` closes once the old mm is gone. */
    write_byte(go[1]);
    char c;
    if (read(execd[0], &c, 1) != 0)
        die("exec did not happen");
    close(go[1]);
    close(execd[0]);
    t0 = now_ns();
    touch(buf + slice * PAGE, slice, 3);
    s->reuse = now_ns() - t0;
    kill(child, SIGKILL);
    reap(child);

    /* Exit of a process holding `pages` private pages of its own. */
    int ready[2];
    must_pipe(ready, 0);
    must_pipe(go, 0);
    child = fork();
    if (child < 0)
        die("fork");
    if (child == 0) {
        munmap(buf, pages * PAGE);
        char *own = map_anon(pages, 0);
        touch(own, pages, 4);
        write_byte(ready[1]);
        read_byte(go[0]);
        _exit(0);
    }
    read_byte(ready[0]);
    t0 = now_ns();
    write_byte(go[1]);
    reap(child);
    s->exit = now_ns() - t0;
    close(ready[0]);
    close(ready[1]);
    close(go[0]);
    close(go[1]);

    t0 = now_ns();
    munmap(buf, pages * PAGE);
    s->munmap = now_ns() - t0;
}

#define FIELD(name) printf("%s\"" #name "\": %llu", first ? "" : ", ", (unsigned long long)s->name), first = 0

static int micro(int runs, size_t pages, size_t slice)
{
    printf("{\"pages\": %zu, \"slice\": %zu, \"runs\": [", pages, slice);
    for (int r = 0; r < runs; r++) {
        struct sample sample, *s = &sample;
        micro_run(pages, slice, s);
        int first = 1;
        printf("%s{", r ? ", " : "");
        FIELD(first_touch);
        FIELD(smaps);
        FIELD(rollup);
        FIELD(fork);
        FIELD(cow);
        FIELD(reuse);
        FIELD(exit);
        FIELD(munmap);
        FIELD(smaps_bytes);
        FIELD(rollup_bytes);
        FIELD(pte_kb);
        printf("}");
        fflush(stdout);
    }
    printf("]}\n");
    return 0;
}

/* ---- experiment ---- */

static const char *fields[] = {"Rss", "Pss", "Shared_Clean", "Shared_Dirty",
                               "Private_Clean", "Private_Dirty", "Anonymous"};

/* Prints the FIELDS lines of the smaps block of the mapping at `start`, as `smaps PID MAPPING | grep` does. */
static void smaps_of(pid_t pid, const char *title, void *start)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/smaps", pid);
    size_t n = read_file(path);
    file_buf[n] = 0;
    printf("--- %s\n", title);
    int in = 0;
    for (char *line = file_buf; *line;) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
            in = lo == (unsigned long)start;
        else if (in)
            for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
                size_t k = strlen(fields[i]);
                if (!strncmp(line, fields[i], k) && line[k] == ':')
                    printf("%.*s\n", (int)len, line);
            }
        line += len + (end ? 1 : 0);
    }
}

/* The pagemap entry of the page at `p`, and its kpagecount when readable. */
static void pagemap_of(void *p)
{
    int fd = open("/proc/self/pagemap", O_RDONLY);
    uint64_t entry = 0, count = 0;
    if (fd < 0 || pread(fd, &entry, 8, (off_t)((uintptr_t)p / PAGE * 8)) != 8)
        die("pagemap");
    close(fd);
    uint64_t pfn = entry & ((1ULL << 55) - 1);
    fd = open("/proc/kpagecount", O_RDONLY);
    if (fd >= 0) {
        if (pread(fd, &count, 8, (off_t)(pfn * 8)) != 8)
            count = 0;
        close(fd);
    }
    printf("%p pfn=0x%llx present=%d exclusive=%d kpagecount=%llu\n", p, (unsigned long long)pfn,
           (int)(entry >> 63), (int)((entry >> 56) & 1), (unsigned long long)count);
}

static void write_verbose(char *p, size_t pages, char value)
{
    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    touch(p, pages, value);
    getrusage(RUSAGE_SELF, &r1);
    printf("wrote %zu pages: %ld minor faults\n", pages, r1.ru_minflt - r0.ru_minflt);
}

static void status_of(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    size_t n = read_file(path);
    file_buf[n] = 0;
    for (char *line = file_buf; *line;) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (!strncmp(line, "Name:", 5) || !strncmp(line, "State:", 6))
            printf("%.*s\n", (int)len, line);
        line += len + (end ? 1 : 0);
    }
}

/*
 * demo/fork-exec.cowsh with a 1 GiB buffer, a 64 MiB shared mapping and
 * 64 MiB writes (16 MiB, 1 MiB and 1 MiB in the demo, all times 64). The
 * demo's simulated sleeps take no time in cowsh; here the child waits on a
 * pipe instead of sleeping, and a close-on-exec pipe tells the parent the
 * exec has happened.
 */
static int experiment(void)
{
    const size_t buf_pages = 1024 * MiB / PAGE, shm_pages = 64 * MiB / PAGE, part = 64 * MiB / PAGE;
    pid_t self = getpid();
    char *buf = map_anon(buf_pages, 0);
    char *shm = map_anon(shm_pages, 1);
    write_verbose(buf, buf_pages, 1);
    write_verbose(shm, shm_pages, 1);
    smaps_of(self, "1-before-fork parent buffer", buf);
    smaps_of(self, "1-before-fork parent shared", shm);

    int go[2], execd[2];
    must_pipe(go, 0);
    must_pipe(execd, O_CLOEXEC);
    pid_t child = fork();
    if (child < 0)
        die("fork");
    if (child == 0) {
        close(go[1]);
        close(execd[0]);
        read_byte(go[0]);
        execl("/bin/sleep", "sleep", "10", (char *)NULL);
        _exit(127);
    }
    close(go[0]);
    close(execd[1]);
    printf("%d\n", child);
    smaps_of(self, "2-after-fork parent buffer", buf);
    smaps_of(child, "2-after-fork child buffer", buf);
    smaps_of(self, "2-after-fork parent shared", shm);
    smaps_of(child, "2-after-fork child shared", shm);
    pagemap_of(buf);

    write_verbose(buf, part, 2);
    pagemap_of(buf);
    smaps_of(self, "3-after-parent-write parent buffer", buf);
    smaps_of(child, "3-after-parent-write child buffer", buf);
    smaps_of(self, "3-after-parent-write parent shared", shm);
    smaps_of(child, "3-after-parent-write child shared", shm);

    status_of(child);
    write_byte(go[1]);
    char c;
    if (read(execd[0], &c, 1) != 0)
        die("exec did not happen");
    status_of(child);
    smaps_of(self, "4-after-exec parent buffer", buf);
    smaps_of(self, "4-after-exec parent shared", shm);

    pagemap_of(buf + 2 * part * PAGE);
    write_verbose(buf + 2 * part * PAGE, part, 3);
    pagemap_of(buf + 2 * part * PAGE);
    write_verbose(buf + 2 * part * PAGE, part, 4);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", self);
    size_t n = read_file(path);
    fwrite(file_buf, 1, n, stdout);
    kill(child, SIGKILL);
    reap(child);
    return 0;
}

/* ---- scale ---- */

static int scale(int children, size_t pages)
{
    char *buf = map_anon(pages, 0);
    touch(buf, pages, 1);
    long avail0 = proc_kb("/proc/meminfo", "MemAvailable");
    long free0 = proc_kb("/proc/meminfo", "MemFree");
    pid_t *pids = calloc((size_t)children, sizeof *pids);
    int ready[2], hold[2];
    must_pipe(ready, 0);
    must_pipe(hold, 0);
    size_t part = pages / 100;
    uint64_t t0 = now_ns();
    for (int i = 0; i < children; i++) {
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0) {
            touch(buf + (size_t)(i % 100) * part * PAGE, part, 2);
            write_byte(ready[1]);
            char c;
            (void)!read(hold[0], &c, 1); /* until killed */
            _exit(0);
        }
        pids[i] = pid;
    }
    uint64_t t_forked = now_ns();
    for (int i = 0; i < children; i++)
        read_byte(ready[0]);
    uint64_t t_written = now_ns();
    size_t bytes = 0;
    for (int i = 0; i < children; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/smaps_rollup", pids[i]);
        bytes += read_file(path);
    }
    uint64_t t_read = now_ns();
    long avail1 = proc_kb("/proc/meminfo", "MemAvailable");
    long free1 = proc_kb("/proc/meminfo", "MemFree");
    for (int i = 0; i < children; i++)
        kill(pids[i], SIGKILL);
    for (int i = 0; i < children; i++)
        reap(pids[i]);
    printf("{\"children\": %d, \"pages\": %zu, \"written_per_child\": %zu, \"total\": %llu, \"fork\": %llu, "
           "\"write\": %llu, \"read\": %llu, \"rollup_bytes\": %zu, \"mem_available_drop_kb\": %ld, "
           "\"mem_free_drop_kb\": %ld}\n",
           children, pages, part, (unsigned long long)(t_read - t0), (unsigned long long)(t_forked - t0),
           (unsigned long long)(t_written - t_forked), (unsigned long long)(t_read - t_written), bytes,
           avail0 - avail1, free0 - free1);
    return 0;
}

/* ---- thp ---- */

#define PMD (2 * MiB)

/* The selected word of transparent_hugepage/enabled ("always", "madvise", "never"), or NULL. */
static const char *thp_mode(void)
{
    static char text[128];
    int fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY);
    if (fd < 0)
        return NULL;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return NULL;
    text[n] = 0;
    char *open_ = strchr(text, '['), *close_ = open_ ? strchr(open_, ']') : NULL;
    if (!close_)
        return NULL;
    *close_ = 0;
    return open_ + 1;
}

/* `pages` pages on a 2 MiB boundary: a larger mapping, its unaligned ends unmapped. */
static char *map_aligned(size_t pages)
{
    size_t len = pages * PAGE;
    char *raw = mmap(NULL, len + PMD, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        die("mmap");
    char *p = (char *)(((uintptr_t)raw + PMD - 1) & ~(uintptr_t)(PMD - 1));
    if (p > raw && munmap(raw, (size_t)(p - raw)))
        die("munmap");
    size_t tail = (size_t)(raw + len + PMD - (p + len));
    if (tail && munmap(p + len, tail))
        die("munmap");
    return p;
}

static int thp_bench(int runs, size_t pages)
{
    const char *mode = thp_mode();
    if (!mode || !strcmp(mode, "never")) {
        printf("{\"unavailable\": \"transparent_hugepage/enabled is %s\"}\n", mode ? mode : "missing");
        return 0;
    }
    printf("{\"pages\": %zu, \"mode\": \"%s\", \"runs\": [", pages, mode);
    for (int r = 0; r < runs; r++) {
        char *buf = map_aligned(pages);
        if (madvise(buf, pages * PAGE, MADV_HUGEPAGE))
            die("madvise(MADV_HUGEPAGE)");
        uint64_t t0 = now_ns();
        touch(buf, pages, 1);
        uint64_t first_touch = now_ns() - t0;
        long huge_kb = proc_kb("/proc/self/smaps_rollup", "AnonHugePages");

        t0 = now_ns();
        pid_t child = fork();
        if (child == 0)
            _exit(0);
        uint64_t fork_ns = now_ns() - t0;
        if (child < 0)
            die("fork");
        reap(child);
        munmap(buf, pages * PAGE);
        printf("%s{\"first_touch\": %llu, \"fork\": %llu, \"anon_huge_kb\": %ld}", r ? ", " : "",
               (unsigned long long)first_touch, (unsigned long long)fork_ns, huge_kb);
        fflush(stdout);
    }
    printf("]}\n");
    return 0;
}

/* ---- ksm ---- */

#define KSM_DIR "/sys/kernel/mm/ksm/"

/* A number read from /sys/kernel/mm/ksm/NAME. */
static long ksm_value(const char *name)
{
    char path[128], text[64];
    snprintf(path, sizeof path, KSM_DIR "%s", name);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        die(path);
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        die(path);
    text[n] = 0;
    return atol(text);
}

/* The PID of the ksmd kernel thread, or -1. */
static pid_t ksmd_pid(void)
{
    for (pid_t pid = 2; pid < 4096; pid++) {
        char path[64], comm[32];
        snprintf(path, sizeof path, "/proc/%d/comm", pid);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            continue;
        ssize_t n = read(fd, comm, sizeof comm - 1);
        close(fd);
        if (n == 5 && !strncmp(comm, "ksmd\n", 5))
            return pid;
    }
    return -1;
}

/* ns the thread `pid` has spent on a CPU (the first field of /proc/PID/schedstat). */
static uint64_t cpu_ns(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/schedstat", pid);
    size_t n = read_file(path);
    file_buf[n] = 0;
    return strtoull(file_buf, NULL, 10);
}

static int ksm_bench(size_t pages)
{
    pid_t ksmd = ksmd_pid();
    if (ksmd < 0) {
        printf("{\"unavailable\": \"no ksmd thread\"}\n");
        return 0;
    }
    if (ksm_value("run") != 1 || (size_t)ksm_value("pages_to_scan") < pages) {
        fprintf(stderr, "kernel-bench ksm: ksmd must run with pages_to_scan >= %zu\n", pages);
        return 1;
    }
    char *buf = map_anon(pages, 0);
    touch(buf, pages, 1);
    long scans0 = ksm_value("full_scans"), scanned0 = ksm_value("pages_scanned");
    uint64_t cpu0 = cpu_ns(ksmd), t0 = now_ns();
    if (madvise(buf, pages * PAGE, MADV_MERGEABLE))
        die("madvise(MADV_MERGEABLE)");
    long scans;
    int polls = 0;
    while ((scans = ksm_value("full_scans")) < scans0 + 2) {
        if (++polls > 600000)
            die("ksmd did not finish two full scans in 60 s");
        usleep(100);
    }
    uint64_t cpu = cpu_ns(ksmd) - cpu0, wall = now_ns() - t0;
    long scanned = ksm_value("pages_scanned") - scanned0;
    long shared = ksm_value("pages_shared"), sharing = ksm_value("pages_sharing");
    munmap(buf, pages * PAGE);
    printf("{\"pages\": %zu, \"cpu\": %llu, \"wall\": %llu, \"full_scans\": %ld, \"pages_scanned\": %ld, "
           "\"pages_shared\": %ld, \"pages_sharing\": %ld}\n",
           pages, (unsigned long long)cpu, (unsigned long long)wall, scans - scans0, scanned, shared, sharing);
    return 0;
}

/* ---- swap ---- */

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

/* Waits (up to 10 s) until no page is under writeback: a page still under writeback is not reusable yet. */
static void wait_writeback(void)
{
    for (int i = 0; i < 10000 && proc_kb("/proc/meminfo", "Writeback") != 0; i++)
        usleep(1000);
}

static int swap_bench(int runs, size_t pages)
{
    printf("{\"pages\": %zu, \"runs\": [", pages);
    for (int r = 0; r < runs; r++) {
        char *p = map_anon(pages, 0);
        touch(p, pages, (char)(r + 1));
        uint64_t t0 = now_ns();
        if (madvise(p, pages * PAGE, MADV_PAGEOUT))
            die("madvise(MADV_PAGEOUT)");
        uint64_t pageout = now_ns() - t0;
        wait_writeback();
        long swap_kb = proc_kb("/proc/self/status", "VmSwap");
        struct rusage r0, r1;
        getrusage(RUSAGE_SELF, &r0);
        volatile char *v = p;
        char sum = 0;
        t0 = now_ns();
        for (size_t i = 0; i < pages; i++)
            sum += v[i * PAGE];
        uint64_t swapin = now_ns() - t0;
        getrusage(RUSAGE_SELF, &r1);
        if (sum == 0x7f)
            fputc(' ', stderr);
        printf("%s{\"pageout\": %llu, \"swapin\": %llu, \"swapped_kb\": %ld, \"minflt\": %ld, \"majflt\": %ld}",
               r ? ", " : "", (unsigned long long)pageout, (unsigned long long)swapin, swap_kb,
               r1.ru_minflt - r0.ru_minflt, r1.ru_majflt - r0.ru_majflt);
        munmap(p, pages * PAGE);
    }
    printf("]}\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && !strcmp(argv[1], "micro"))
        return micro(atoi(argv[2]), (size_t)atol(argv[3]), (size_t)atol(argv[4]));
    if (argc >= 2 && !strcmp(argv[1], "experiment"))
        return experiment();
    if (argc >= 4 && !strcmp(argv[1], "scale"))
        return scale(atoi(argv[2]), (size_t)atol(argv[3]));
    if (argc >= 4 && !strcmp(argv[1], "swap"))
        return swap_bench(atoi(argv[2]), (size_t)atol(argv[3]));
    if (argc >= 4 && !strcmp(argv[1], "thp"))
        return thp_bench(atoi(argv[2]), (size_t)atol(argv[3]));
    if (argc >= 3 && !strcmp(argv[1], "ksm"))
        return ksm_bench((size_t)atol(argv[2]));
    fprintf(stderr, "usage: kernel-bench micro RUNS PAGES SLICE | experiment | scale CHILDREN PAGES | swap RUNS PAGES"
                    " | thp RUNS PAGES | ksm PAGES\n");
    return 2;
}
