/*
 * commit.h: helpers of the overcommit scenarios (60 and up).  Include after
 * truth.h.  These scenarios change vm.overcommit_* for a few system calls
 * at a time and set them back at once; run.sh saves the machine's values
 * before every scenario and restores them after it (and in its EXIT trap),
 * however the scenario ends.
 *
 * Extra records (README.md, "Overcommit scenarios"):
 *   @commit P <label> committed=<kB>
 *       the change of Committed_AS in /proc/meminfo across one operation
 *       (read right before and right after it, so that other processes of
 *       the machine have no time to move it); for fork and exit the
 *       scenario prints the change less the Size of the VMAs of the child
 *       that carry VM_ACCOUNT ("ac" in VmFlags), since the C program's own
 *       image is not /bin/sh's.
 *   @call P <label> error=<strerror>|error=none
 *       how a system call ended.
 *   @sysctl P <name> <written>   then "error=<strerror>" or "error=none",
 *       then the file's content read back.
 */
#ifndef COMMIT_H
#define COMMIT_H

/* Committed_AS, in kB. */
TRUTH long committed_kb(void) { return meminfo_kb("Committed_AS"); }

/* Print "@commit P <label> committed=<delta>". */
TRUTH void commit_record(const char *label, long delta)
{
    char buf[160];
    int n = snprintf(buf, sizeof buf, "@commit P %s committed=%ld\n", label, delta);
    out(buf, (size_t)n);
}

/* Print "@call P <label> error=..." for a call that returned `failed` with errno `err`. */
TRUTH void call_record(const char *label, int failed, int err)
{
    char buf[160];
    int n = snprintf(buf, sizeof buf, "@call P %s error=%s\n", label,
                     failed ? strerror(err) : "none");
    out(buf, (size_t)n);
}

/* The sum of Size of the VMAs of `who` whose VmFlags hold "ac", in kB. */
TRUTH long accounted_kb(const char *who)
{
    struct reader r = {.fd = open_proc(who, "smaps")};
    char line[512];
    long size = 0, sum = 0;
    if (r.fd < 0)
        die("open smaps");
    while (read_line(&r, line, sizeof line) > 0) {
        if (strncmp(line, "Size:", 5) == 0)
            size = strtol(line + 5, NULL, 10);
        else if (strncmp(line, "VmFlags:", 8) == 0 && strstr(line, " ac"))
            sum += size;
    }
    close(r.fd);
    return sum;
}

/* Write `text` to /proc/sys/vm/<name> in one write(2); returns 0 or errno. */
TRUTH int sysctl_write(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "/proc/sys/vm/%s", name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        die(path);
    ssize_t n = write(fd, text, strlen(text));
    int err = n < 0 ? errno : 0;
    close(fd);
    return err;
}

/* Write `text` to /proc/sys/vm/<name>; dies if refused. */
TRUTH void sysctl_set(const char *name, const char *text)
{
    int err = sysctl_write(name, text);
    if (err) {
        errno = err;
        die(name);
    }
}

/* Set /proc/sys/vm/<name> to the number `value`; dies if refused. */
TRUTH void sysctl_set_long(const char *name, long value)
{
    char text[32];
    snprintf(text, sizeof text, "%ld", value);
    sysctl_set(name, text);
}

/* Print the @sysctl record of writing `text` to /proc/sys/vm/<name>: the
 * write's outcome, then the file read back.  `shown` is the record's
 * rendering of `text` (no spaces or newlines). */
TRUTH void sysctl_try(const char *name, const char *text, const char *shown)
{
    char buf[256];
    int err = sysctl_write(name, text);
    int n = snprintf(buf, sizeof buf, "@sysctl P %s %s\nerror=%s\n", name, shown,
                     err ? strerror(err) : "none");
    out(buf, (size_t)n);
    char path[128];
    snprintf(path, sizeof path, "/proc/sys/vm/%s", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t got = fd < 0 ? -1 : read(fd, buf, sizeof buf);
    if (got <= 0)
        die(path);
    close(fd);
    out(buf, (size_t)got);
}

/* Print the @sysctl record of reading /proc/sys/vm/<name> (no write). */
TRUTH void sysctl_show(const char *name)
{
    char buf[256];
    int n = snprintf(buf, sizeof buf, "@sysctl P %s (read)\nerror=none\n", name);
    out(buf, (size_t)n);
    snprintf(buf, sizeof buf, "/proc/sys/vm/%s", name);
    int fd = open(buf, O_RDONLY | O_CLOEXEC);
    ssize_t got = fd < 0 ? -1 : read(fd, buf, sizeof buf);
    if (got <= 0)
        die(name);
    close(fd);
    out(buf, (size_t)got);
}

/* The machine's settings every scenario starts from (run.sh sets them). */
TRUTH void commit_defaults(void)
{
    sysctl_set("overcommit_memory", "0");
    sysctl_set("overcommit_ratio", "50"); /* also sets overcommit_kbytes to 0 */
}

#endif /* COMMIT_H */
