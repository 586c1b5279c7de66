/*
 * swap.h: helpers for the swap, reclaim, lazy-free and clear_refs scenarios
 * (36 and up).  Include after truth.h.  A scenario that needs swap carries
 * the line "truth: needs swap" in its header comment; run.sh reads it and
 * swaps a file on around that scenario (README.md, "Swap scenarios").
 *
 * Extra records (parsed by the swap model's comparator, issue 12):
 *   @swapmap <who> <region>+0x<off> present= swapped= exclusive= file=
 *            type= offset=0x kpagecount= kpageflags=0x pfn=0x
 *       pagemap bits 63, 62, 56, 61; for a swap entry the type (bits 0-4)
 *       and offset (bits 5-54); for a present page its PFN, kpagecount and
 *       kpageflags (SWAPCACHE is bit 14, SWAPBACKED bit 19).  Offsets and
 *       PFNs are meant as relations, not absolutes.
 *   @meminfo P <label> swapused=<kB> swapcached=<kB>
 *       changes of SwapTotal-SwapFree and SwapCached since swap_begin(),
 *       read after folding the per-CPU vmstat deltas (stat_refresh).
 *   @rollup <who> Swap=<kB> SwapPss=<kB> LazyFree=<kB>
 *       those three lines of /proc/PID/smaps_rollup (the others count the
 *       C program's own text and stack).
 */
#ifndef SWAP_H
#define SWAP_H

#include <pthread.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_COLD
#define MADV_COLD 20
#endif

/* The swap file run.sh swaps on (only scenario 47 names it itself). */
#define SWAPFILE "/var/tmp/cowsh-truth.swap"

/* Pin the calling thread to CPU `cpu`.  madvise drains only the local CPU's
 * LRU batches, so a scenario runs on one CPU from its first line; peers
 * forked later inherit the mask. */
TRUTH void pin_cpu(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set))
        die("sched_setaffinity");
}

/* Fold every CPU's pending vmstat deltas into the global counters
 * (/proc/sys/vm/stat_refresh, an action, not a setting): without it
 * SwapCached lags the truth by up to the per-CPU threshold (24 kB after a
 * pageout of 1 MiB, 88 kB after a swap-in, in the first captures). */
TRUTH void stat_refresh(void)
{
    int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "1", 1) != 1)
        die("stat_refresh");
    close(fd);
}

/* Poll until Writeback: in /proc/meminfo is 0: swap writes are asynchronous,
 * and a page still under writeback is not freed (it stays in the swap cache)
 * and shows kpageflags WRITEBACK when swapped in.  Each poll folds the
 * per-CPU vmstat deltas first: unfolded, the global Writeback can read 0
 * while pages are still being written.  Writeback is machine-wide (other
 * processes' file writeback counts too): waiting for it is only slower.
 * Polls with sched_yield(); dies after 20 s. */
TRUTH void wait_writeback(void)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        stat_refresh();
        if (meminfo_kb("Writeback") == 0)
            return;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec - t0.tv_sec > 20) {
            errno = ETIMEDOUT;
            die("wait_writeback");
        }
        sched_yield();
    }
}

static long swap_used0, swap_cached0;

/* Note the machine's swap use before the scenario (meminfo deltas are
 * relative to it) and check that swap is on. */
TRUTH void swap_begin(void)
{
    if (meminfo_kb("SwapTotal") == 0) {
        errno = ENODEV;
        die("no swap (run the scenario through run.sh)");
    }
    wait_writeback();
    stat_refresh();
    swap_used0 = meminfo_kb("SwapTotal") - meminfo_kb("SwapFree");
    swap_cached0 = meminfo_kb("SwapCached");
}

/* Print "@meminfo P <label> swapused=<Δ> swapcached=<Δ>" (kB). */
TRUTH void meminfo(const char *label)
{
    stat_refresh();
    long used = meminfo_kb("SwapTotal") - meminfo_kb("SwapFree");
    printf("@meminfo P %s swapused=%ld swapcached=%ld\n", label, used - swap_used0,
           meminfo_kb("SwapCached") - swap_cached0);
}

/* Print "@rollup <who> Swap= SwapPss= LazyFree=" from smaps_rollup. */
TRUTH void rollup(const char *who)
{
    struct reader r = {.fd = open_proc(who, "smaps_rollup")};
    char line[256];
    long swap = -1, swappss = -1, lazy = -1;
    if (r.fd < 0)
        die("open smaps_rollup");
    while (read_line(&r, line, sizeof line) > 0) {
        if (strncmp(line, "Swap:", 5) == 0)
            swap = strtol(line + 5, NULL, 10);
        else if (strncmp(line, "SwapPss:", 8) == 0)
            swappss = strtol(line + 8, NULL, 10);
        else if (strncmp(line, "LazyFree:", 9) == 0)
            lazy = strtol(line + 9, NULL, 10);
    }
    close(r.fd);
    printf("@rollup %s Swap=%ld SwapPss=%ld LazyFree=%ld\n", who, swap, swappss, lazy);
}

#define KPF_SWAPCACHE 14
#define KPF_SWAPBACKED 19

/* Print "@swapmap ..." (above) for the page at base+off of `who`. */
TRUTH void swapmap(const char *who, const char *region, const void *base, size_t off)
{
    char path[64];
    uintptr_t va = (uintptr_t)base + off;
    snprintf(path, sizeof path, "/proc/%d/pagemap", (int)pid_of(who));
    uint64_t e = read_u64(path, va / PAGE);
    int present = (int)(e >> 63 & 1), swapped = (int)(e >> 62 & 1);
    uint64_t pfn = present ? e & PM_PFN_MASK : 0;
    uint64_t type = swapped ? e & 0x1f : 0;
    uint64_t offset = swapped ? (e & PM_PFN_MASK) >> 5 : 0;
    uint64_t count = present ? read_u64("/proc/kpagecount", pfn) : 0;
    uint64_t flags = present ? read_u64("/proc/kpageflags", pfn) : 0;
    printf("@swapmap %s %s+0x%zx present=%d swapped=%d exclusive=%d file=%d type=%llu "
           "offset=0x%llx kpagecount=%llu kpageflags=0x%llx pfn=0x%llx\n",
           who, region, off, present, swapped, (int)(e >> 56 & 1), (int)(e >> 61 & 1),
           (unsigned long long)type, (unsigned long long)offset, (unsigned long long)count,
           (unsigned long long)flags, (unsigned long long)pfn);
}

/* madvise(p, len, advice) or die. */
TRUTH void advise(void *p, size_t len, int advice, const char *what)
{
    if (madvise(p, len, advice))
        die(what);
}

/* MADV_PAGEOUT on p[0..len), then wait for the swap writes to finish. */
TRUTH void pageout(void *p, size_t len)
{
    advise(p, len, MADV_PAGEOUT, "madvise pageout");
    wait_writeback();
}

/* Peer-callable: MADV_PAGEOUT on the range in `arg` (a struct range). */
struct range { char *p; size_t len; };
TRUTH long pageout_fn(void *arg)
{
    struct range *r = arg;
    pageout(r->p, r->len);
    return 0;
}

/* echo <value> > /proc/<who>/clear_refs. */
TRUTH void clear_refs(const char *who, const char *value)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/clear_refs", (int)pid_of(who));
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, value, strlen(value)) != (ssize_t)strlen(value))
        die("clear_refs");
    close(fd);
}

/* The figures of one step for region `region` of `who`: smaps block,
 * rollup, status (VmSwap, VmRSS…), stat (minflt/majflt), meminfo. */
TRUTH void swap_report(const char *who, const char *region, const void *addr,
                       const char *label)
{
    smaps(who, region, addr);
    rollup(who);
    status(who);
    pstat(who);
    meminfo(label);
}

#endif /* SWAP_H */
