/*
 * 64-commit-heuristic: overcommit_memory 0 (mm/util.c __vm_enough_memory,
 * OVERCOMMIT_GUESS).  On 6.x a single charge fails only if it is larger
 * than all RAM plus swap: mmap of 100 GiB private writable memory fails
 * with ENOMEM (this machine has 23.5 GiB of RAM, cowsh's default 8 GiB),
 * 6 GiB succeeds and is charged whole, however far Committed_AS then goes
 * past CommitLimit.  With MAP_NORESERVE 100 GiB succeeds and charges
 * nothing; read-only it is not accountable at all.  mode 1 (always)
 * refuses nothing.
 *
 * truth: overcommit scenario
 */
#include "../truth.h"
#include "../commit.h"

#define RW (PROT_READ | PROT_WRITE)
#define GiB (1024UL * MiB)

/* mmap(len, prot, flags): prints its @call and, if it worked, the charge; unmaps it again. */
static void try_map(const char *label, size_t len, int prot, int flags)
{
    char name[64];
    long c = committed_kb();
    void *p = mmap(NULL, len, prot, flags, -1, 0);
    long delta = committed_kb() - c;
    call_record(label, p == MAP_FAILED, errno);
    if (p == MAP_FAILED)
        return;
    snprintf(name, sizeof name, "%s-charge", label);
    commit_record(name, delta);
    munmap(p, len);
}

int main(void)
{
    truth_init();
    commit_defaults();

    step("heuristic");
    try_map("mmap-100g", 100 * GiB, RW, MAP_PRIVATE | MAP_ANONYMOUS);
    try_map("mmap-6g", 6 * GiB, RW, MAP_PRIVATE | MAP_ANONYMOUS);
    try_map("mmap-100g-noreserve", 100 * GiB, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE);
    try_map("mmap-100g-readonly", 100 * GiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS);
    try_map("mmap-100g-shared", 100 * GiB, RW, MAP_SHARED | MAP_ANONYMOUS);

    step("always");
    sysctl_set("overcommit_memory", "1");
    try_map("mmap-100g-always", 100 * GiB, RW, MAP_PRIVATE | MAP_ANONYMOUS);
    sysctl_set("overcommit_memory", "0");
    return truth_end();
}
