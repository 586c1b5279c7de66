/*
 * 62-commit-fork-exit: fork charges the child's accounted VMAs (kernel/fork.c
 * dup_mmap), exit gives them back (exit_mmap), heuristic overcommit.
 *
 * The C program's own image is not /bin/sh's, so the records of fork and
 * exit print the change of Committed_AS less the Size of the child's "ac"
 * VMAs (0 when fork charges exactly those), and the scenario's own
 * regions show what is charged: a private writable one ("ac": charged in
 * the child too), a MADV_DONTFORK one (not in the child, not charged), a
 * shared anonymous one (its object is charged once, not again).
 *
 * truth: overcommit scenario
 */
#include "../truth.h"
#include "../commit.h"

#define RW (PROT_READ | PROT_WRITE)

int main(void)
{
    truth_init();
    commit_defaults();
    struct peer child;
    peer_init(&child, "C");

    step("map");
    char *buf = map_anon(16 * MiB);
    mem_write("write-buf", buf, 1 * MiB);
    char *nofork = map_anon(8 * MiB);
    if (madvise(nofork, 8 * MiB, MADV_DONTFORK))
        die("madvise dontfork");
    char *sh = map_shared_anon(4 * MiB);

    step("fork");
    long c = committed_kb();
    peer_spawn(&child);
    long delta = committed_kb() - c;
    commit_record("fork-less-child-ac", delta - accounted_kb("C"));
    smaps("C", "buf", buf);
    smaps("C", "nofork", nofork);
    smaps("C", "sh", sh);

    step("child-writes");
    c = committed_kb();
    peer_write(&child, "C-write-buf", buf, 1 * MiB);
    commit_record("child-write", committed_kb() - c);

    step("exit");
    long ac = accounted_kb("C");
    c = committed_kb();
    peer_exit(&child, 0);
    commit_record("exit-plus-child-ac", committed_kb() - c + ac);
    peer_reap(&child);
    return truth_end();
}
