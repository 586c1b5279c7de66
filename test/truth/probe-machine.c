/*
 * probe-machine.c: measure the kernel facts the scenarios depend on and
 * print them as one record:
 *
 *   @machine zero_page=<0|1> soft_dirty=<0|1> anon_names=<0|1>
 *            fault_around_kb=<n> kernel=<uname -r>
 *
 * zero_page       a read fault on fresh private anonymous memory maps the
 *                 shared zero page (kpageflags bit 24, via pagemap).
 * soft_dirty      some VmFlags line of /proc/self/smaps has " sd"
 *                 (CONFIG_MEM_SOFT_DIRTY).
 * anon_names      prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME) succeeds
 *                 (CONFIG_ANON_VMA_NAME).
 * fault_around_kb /sys/kernel/debug/fault_around_bytes if readable, else
 *                 the Rss of a private mapping of a cached 1 MiB file after
 *                 reading one byte in its middle.
 *
 * Run as root (pagemap PFNs and /proc/kpageflags need CAP_SYS_ADMIN).
 */
#include "truth.h"
#include <sys/utsname.h>

/* 1 if a read fault on fresh private anonymous memory maps the zero page. */
static int probe_zero_page(void)
{
    char *p = map_anon(PAGE);
    touch_read(p, PAGE);
    uint64_t e = read_u64("/proc/self/pagemap", (uintptr_t)p / PAGE);
    uint64_t flags = 0;
    if (e >> 63 & 1)
        flags = read_u64("/proc/kpageflags", e & PM_PFN_MASK);
    munmap(p, PAGE);
    return (int)(flags >> KPF_ZERO_PAGE & 1);
}

/* 1 if any VmFlags line of our smaps carries the "sd" mnemonic. */
static int probe_soft_dirty(void)
{
    struct reader r = {.fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC)};
    char line[8192];
    int found = 0;
    if (r.fd < 0)
        die("open smaps");
    while (read_line(&r, line, sizeof line) > 0)
        if (strncmp(line, "VmFlags:", 8) == 0 && strstr(line, " sd "))
            found = 1;
    close(r.fd);
    return found;
}

/* 1 if anonymous VMAs can be named. */
static int probe_anon_names(void)
{
    char *p = map_anon(PAGE);
    int ok = prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, PAGE, "probe") == 0;
    munmap(p, PAGE);
    return ok;
}

/* The Rss in kB of our VMA that contains addr, or -1. */
static long rss_kb_of(const void *addr)
{
    struct reader r = {.fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC)};
    char line[8192];
    unsigned long a = (unsigned long)addr, start, end;
    int in = 0;
    long rss = -1;
    if (r.fd < 0)
        die("open smaps");
    while (read_line(&r, line, sizeof line) > 0) {
        if (is_header(line, &start, &end))
            in = start <= a && a < end;
        else if (in && strncmp(line, "Rss:", 4) == 0)
            rss = strtol(line + 4, NULL, 10);
    }
    close(r.fd);
    return rss;
}

/* fault_around_bytes / 1024, read from debugfs or measured. */
static long probe_fault_around_kb(void)
{
    const char *path = "/tmp/cowsh-truth-probe.dat";
    int fd = open("/sys/kernel/debug/fault_around_bytes", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        char buf[32];
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n > 0) {
            buf[n] = 0;
            return strtol(buf, NULL, 10) / 1024;
        }
    }
    unlink(path);
    file_truncate(path, (off_t)MiB);
    file_warm(path, MiB);
    char *p = map_file(path, MiB, PROT_READ, MAP_PRIVATE);
    touch_read(p + MiB / 2, 1);
    long kb = rss_kb_of(p);
    munmap(p, MiB);
    unlink(path);
    return kb;
}

int main(void)
{
    struct utsname u;
    truth_init();
    if (uname(&u))
        die("uname");
    int zero = probe_zero_page();
    int sd = probe_soft_dirty();
    int names = probe_anon_names();
    long fa = probe_fault_around_kb();
    printf("@machine zero_page=%d soft_dirty=%d anon_names=%d fault_around_kb=%ld kernel=%s\n",
           zero, sd, names, fa, u.release);
    return truth_end();
}
