/*
 * hugepage.h: helpers of the huge page, hugetlb, KSM and mremap scenarios
 * (70 and up, issue 13).  Include after truth.h and swap.h.
 *
 * Machine settings.  A scenario names what it needs in its header comment,
 * one line each, and run.sh sets it before the scenario and restores the
 * machine's values after it (and in its traps, however run.sh ends):
 *   truth: thp enabled=<v> defrag=<v> shmem_enabled=<v>
 *       /sys/kernel/mm/transparent_hugepage/{enabled,defrag,shmem_enabled};
 *       every scenario 70+ runs with enabled=madvise defrag=madvise
 *       shmem_enabled=never unless it says otherwise.
 *   truth: hugepages <n>      /proc/sys/vm/nr_hugepages (2 MiB pages), else 0.
 *   truth: ksm                /sys/kernel/mm/ksm run=1, pages_to_scan=10000,
 *                             sleep_millisecs=1; else run=0 (no ksmd work).
 *
 * Regions are placed 2 MiB-aligned (or at a chosen distance from a 2 MiB
 * boundary) inside a larger PROT_NONE reservation with MAP_FIXED, which also
 * keeps them from merging with any neighbour.
 *
 * Extra records (README.md, "Huge pages, hugetlb, KSM, mremap"):
 *   @meminfo P <label> anonhuge= shmemhuge= shmempmd= hp_total= hp_free=
 *            hp_rsvd= hp_surp= hugetlb=
 *       AnonHugePages, ShmemHugePages, ShmemPmdMapped: changes (kB) since
 *       huge_begin(); HugePages_Total/Free/Rsvd/Surp (pages) and Hugetlb
 *       (kB): absolute, the pool is ours alone.  Read after stat_refresh.
 *   @ksm P <label> pages_shared= pages_sharing= pages_unshared=
 *            pages_volatile= ksm_zero_pages= stable_node_chains=
 *            stable_node_dups= general_profit=
 *       /sys/kernel/mm/ksm counters (absolute: only the scenario merges).
 *   @call P <label> error=<strerror>|none      (commit.h) a system call's end;
 *       for a child killed by a signal, error=<strsignal> ("Bus error").
 */
#ifndef HUGEPAGE_H
#define HUGEPAGE_H

#include <sys/stat.h>

#define HPAGE (2 * MiB)

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MAP_HUGETLB
#define MAP_HUGETLB 0x40000
#endif

/* kpageflags bits (include/uapi/linux/kernel-page-flags.h). */
#define KPF_COMPOUND_HEAD 15
#define KPF_COMPOUND_TAIL 16
#define KPF_HUGE 17
#define KPF_KSM 21
#define KPF_THP 22

/* Map len bytes (prot, flags, fd, off) at `shift` bytes past a 2 MiB
 * boundary, inside a PROT_NONE reservation of len + 8 MiB that leaves at
 * least 2 MiB of PROT_NONE on both sides.  MAP_FIXED replaces that part of
 * the reservation; the rest stays PROT_NONE (a "---p" VMA on either side). */
TRUTH char *map_at(size_t len, size_t shift, int prot, int flags, int fd, off_t off)
{
    char *res = map(len + 8 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    uintptr_t a = ((uintptr_t)res + 2 * HPAGE - 1) & ~(uintptr_t)(HPAGE - 1);
    void *p = mmap((void *)(a + shift), len, prot, flags | MAP_FIXED, fd, off);
    if (p == MAP_FAILED)
        die("mmap fixed");
    return p;
}

/* A 2 MiB-aligned private anonymous read-write region of len bytes,
 * advised MADV_HUGEPAGE ("hg" in VmFlags), at `shift` past the boundary. */
TRUTH char *map_thp_at(size_t len, size_t shift)
{
    char *p = map_at(len, shift, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (madvise(p, len, MADV_HUGEPAGE))
        die("madvise hugepage");
    return p;
}

TRUTH char *map_thp(size_t len) { return map_thp_at(len, 0); }

static long anonhuge0, shmemhuge0, shmempmd0;

/* Note the machine's THP figures before the scenario (deltas start here). */
TRUTH void huge_begin(void)
{
    stat_refresh();
    anonhuge0 = meminfo_kb("AnonHugePages");
    shmemhuge0 = meminfo_kb("ShmemHugePages");
    shmempmd0 = meminfo_kb("ShmemPmdMapped");
}

/* Print the @meminfo record above. */
TRUTH void huge_meminfo(const char *label)
{
    stat_refresh();
    printf("@meminfo P %s anonhuge=%ld shmemhuge=%ld shmempmd=%ld hp_total=%ld hp_free=%ld "
           "hp_rsvd=%ld hp_surp=%ld hugetlb=%ld\n",
           label, meminfo_kb("AnonHugePages") - anonhuge0,
           meminfo_kb("ShmemHugePages") - shmemhuge0, meminfo_kb("ShmemPmdMapped") - shmempmd0,
           meminfo_kb("HugePages_Total"), meminfo_kb("HugePages_Free"),
           meminfo_kb("HugePages_Rsvd"), meminfo_kb("HugePages_Surp"), meminfo_kb("Hugetlb"));
}

/* Peer-callable madvise: arg is a struct advice. */
struct advice { char *p; size_t len; int advice; };
TRUTH long advise_fn(void *arg)
{
    struct advice *a = arg;
    return madvise(a->p, a->len, a->advice) ? errno : 0;
}

/* Peer-callable mremap: arg is a struct remap; the new address is stored in
 * it and 0 or errno returned. */
struct remap { char *old; size_t oldlen, newlen; int flags; char *newaddr; };
TRUTH long remap_fn(void *arg)
{
    struct remap *r = arg;
    void *p = mremap(r->old, r->oldlen, r->newlen, r->flags, r->newaddr);
    if (p == MAP_FAILED)
        return errno;
    r->newaddr = p;
    return 0;
}

/* mremap in the calling process; dies on failure; returns the new address. */
TRUTH char *remap(char *old, size_t oldlen, size_t newlen, int flags, char *newaddr)
{
    void *p = mremap(old, oldlen, newlen, flags, newaddr);
    if (p == MAP_FAILED)
        die("mremap");
    return p;
}

/* Store the page's index (from 1) into the second word of every page of
 * p[0..len) and 1 into the first (as touch_write): every page different. */
__attribute__((noinline, unused)) static void touch_unique(char *p, size_t len)
{
    for (size_t off = 0; off < len; off += PAGE) {
        ((volatile char *)p)[off] = 1;
        ((volatile uint64_t *)(p + off))[1] = off / PAGE + 1;
    }
}

/* Write every page of p[0..len) with its own content; print @faults. */
TRUTH void mem_write_unique(const char *label, char *p, size_t len)
{
    MEASURE(label, touch_unique(p, len));
}

/* Run fn(arg) in a plain forked child and print "@call P <label> error=..."
 * for how the child ended: none (exit 0), the strsignal of the signal that
 * killed it ("Bus error"), or "exit N". */
TRUTH void child_call(const char *label, void (*fn)(void *), void *arg)
{
    int st;
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        fn(arg);
        _exit(0);
    }
    if (waitpid(pid, &st, 0) != pid)
        die("waitpid");
    if (WIFSIGNALED(st))
        printf("@call P %s error=%s\n", label, strsignal(WTERMSIG(st)));
    else if (WEXITSTATUS(st))
        printf("@call P %s error=exit %d\n", label, WEXITSTATUS(st));
    else
        printf("@call P %s error=none\n", label);
}

/* ------------------------------------------------------------------ */
/* KSM.                                                                */
/* ------------------------------------------------------------------ */

/* The number in /sys/kernel/mm/ksm/<name>. */
TRUTH long ksm_read(const char *name)
{
    char path[96], buf[64];
    snprintf(path, sizeof path, "/sys/kernel/mm/ksm/%s", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (n <= 0)
        die(path);
    close(fd);
    buf[n] = 0;
    return strtol(buf, NULL, 10);
}

/* Wait until ksmd has finished `n` more full scans than now (n = 3 makes
 * two complete scans after this call: the scan under way when it is made
 * counts as one).  A page is merged on the second scan that sees it
 * unchanged (its checksum must hold from one scan to the next).  Dies after
 * 60 s; sleeps 1 ms between polls. */
TRUTH void ksm_wait(int n)
{
    long target = ksm_read("full_scans") + n;
    struct timespec t0, t, nap = {0, 1000000};
    if (ksm_read("run") != 1) {
        errno = EPERM;
        die("ksm not running (run the scenario through run.sh)");
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (ksm_read("full_scans") < target) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec - t0.tv_sec > 60) {
            errno = ETIMEDOUT;
            die("ksm_wait");
        }
        nanosleep(&nap, NULL);
    }
}

/* Write `value` (0 stop, 1 run) to /sys/kernel/mm/ksm/run.  Stopping
 * ksmd keeps what it merged; the write waits for a scan batch under way
 * (ksm_thread_mutex), so no scan runs after it returns.  A scenario stops
 * ksmd around steps whose records must show the state before ksmd sees a
 * change (a fork, a write); run.sh restores the machine's value. */
TRUTH void ksm_run(int value)
{
    char c = (char)('0' + value);
    int fd = open("/sys/kernel/mm/ksm/run", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, &c, 1) != 1)
        die("ksm run");
    close(fd);
}

/* As ksm_wait(n), but also returns once ksmd has stopped: full_scans
 * unchanged for 500 ms.  ksmd stops scanning when no process is left with
 * a mergeable VMA that has pages (after munmap of the last one, or
 * MADV_UNMERGEABLE of all of it): full_scans then never advances. */
TRUTH void ksm_wait_or_idle(int n)
{
    long target = ksm_read("full_scans") + n, last = -1;
    struct timespec nap = {0, 1000000};
    int still = 0;
    while (still < 500) {
        long now = ksm_read("full_scans");
        if (now >= target)
            return;
        still = now == last ? still + 1 : 0;
        last = now;
        nanosleep(&nap, NULL);
    }
}

/* Print the @ksm record above. */
TRUTH void ksm_record(const char *label)
{
    printf("@ksm P %s pages_shared=%ld pages_sharing=%ld pages_unshared=%ld pages_volatile=%ld "
           "ksm_zero_pages=%ld stable_node_chains=%ld stable_node_dups=%ld general_profit=%ld\n",
           label, ksm_read("pages_shared"), ksm_read("pages_sharing"),
           ksm_read("pages_unshared"), ksm_read("pages_volatile"), ksm_read("ksm_zero_pages"),
           ksm_read("stable_node_chains"), ksm_read("stable_node_dups"),
           ksm_read("general_profit"));
}

/* /proc/<who>/ksm_stat and ksm_merging_pages as @file records. */
TRUTH void ksm_files(const char *who)
{
    procfile(who, "ksm_stat");
    procfile(who, "ksm_merging_pages");
}

#endif /* HUGEPAGE_H */
