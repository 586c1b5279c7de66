/*
 * 65-commit-strict: overcommit_memory 2 (OVERCOMMIT_NEVER).  A charge
 * fails once Committed_AS would reach CommitLimit (here overcommit_kbytes:
 * Committed_AS + 128 MiB when the step starts, so the figure does not
 * depend on the machine's RAM) less min(total_vm / 32, user_reserve_kbytes).
 * 64 MiB fits, a further 128 MiB does not, MAP_NORESERVE is ignored
 * (charged, "ac" and no "nr"), a read-only mapping is not charged at all,
 * shared anonymous memory is refused like private; mprotect making a
 * mapping writable is refused too, and fork when the child's charge does
 * not fit.  Then overcommit_ratio 0 (CommitLimit = swap only): even one
 * page fails.  Every setting is put back right after the calls it is for.
 *
 * truth: overcommit scenario
 */
#include "../truth.h"
#include "../commit.h"

#define RW (PROT_READ | PROT_WRITE)

static void *try_map(const char *label, size_t len, int prot, int flags)
{
    void *p = mmap(NULL, len, prot, flags, -1, 0);
    call_record(label, p == MAP_FAILED, errno);
    return p == MAP_FAILED ? NULL : p;
}

int main(void)
{
    truth_init();
    commit_defaults();
    char *ro = map(128 * MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    step("strict");
    long c = committed_kb();
    sysctl_set_long("overcommit_kbytes", c + 128 * 1024);
    sysctl_set("overcommit_memory", "2");
    char *a = try_map("mmap-64m", 64 * MiB, RW, MAP_PRIVATE | MAP_ANONYMOUS);
    try_map("mmap-128m", 128 * MiB, RW, MAP_PRIVATE | MAP_ANONYMOUS);
    char *nr = try_map("mmap-32m-noreserve", 32 * MiB, RW,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE);
    try_map("mmap-128m-noreserve", 128 * MiB, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE);
    char *r = try_map("mmap-128m-readonly", 128 * MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS);
    try_map("mmap-128m-shared", 128 * MiB, RW, MAP_SHARED | MAP_ANONYMOUS);
    int m = mprotect(ro, 128 * MiB, RW);
    call_record("mprotect-128m-rw", m != 0, errno);
    commit_defaults();
    commit_record("strict-total", committed_kb() - c);
    if (nr)
        smaps("P", "nr", nr);
    if (r)
        munmap(r, 128 * MiB);

    step("strict-fork");
    struct peer child;
    peer_init(&child, "C");
    c = committed_kb();
    sysctl_set_long("overcommit_kbytes", c + 16 * 1024);
    sysctl_set("overcommit_memory", "2");
    pid_t pid = fork();
    int err = errno;
    if (pid == 0)
        _exit(0);
    commit_defaults();
    call_record("fork", pid < 0, err);
    if (pid > 0)
        waitpid(pid, NULL, 0);

    step("ratio-0");
    sysctl_set("overcommit_ratio", "0");
    sysctl_set("overcommit_memory", "2");
    void *p = mmap(NULL, PAGE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    err = errno;
    commit_defaults();
    call_record("mmap-one-page", p == MAP_FAILED, err);
    if (a)
        munmap(a, 64 * MiB);
    return truth_end();
}
