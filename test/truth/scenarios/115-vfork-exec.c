/*
 * 115-vfork-exec: vfork borrows the parent's mm until the child execs.
 *
 * C maps a 4 MiB private anonymous buffer and writes its first 2 MiB; C
 * vforks V.  While V has not exec'd: C sleeps in state D (vfork's
 * TASK_KILLABLE wait), V's smaps are C's (one mm), no page was copied or
 * write-protected.  V writes the first MiB (no fault: C's PTEs stay
 * writable and exclusive) and the third (256 faults counted in V, pages
 * in C's mm: C's Rss grows).  V execs /bin/sleep: C runs again, its
 * buffer untouched by the exec (Rss 3 MiB, Private_Dirty), and writing all
 * 4 MiB faults only on the fourth MiB.
 *
 * linux-semantics.md: kernel/fork.c copy_mm (CLONE_VM), mm_release's
 * complete_vfork_done, wait_for_vfork_done.
 */
#include "../truth.h"
#include "../spawn.h"

static char *buf;

static long setup(void *arg)
{
    (void)arg;
    buf = map_anon(4 * MiB);
    mem_write("write-first-half", buf, 2 * MiB);
    return (long)buf;
}

int main(void)
{
    struct peer c, v;

    truth_init();
    peer_init(&c, "C");
    peer_init(&v, "V");
    vfork_child = &v;
    peer_spawn(&c);

    step("1-before-vfork");
    buf = (char *)peer_call(&c, setup, NULL);
    smaps("C", "buf", buf);
    status("C");
    pstat("C");

    step("2-vforked");
    vfork_from(&c, &v);
    pstat("C");
    status("C");
    smaps("C", "buf", buf);
    smaps("V", "buf", buf);
    pagemap("C", "buf", buf, 0);
    pagemap("V", "buf", buf, 0);
    status("V");
    pstat("V");

    step("3-child-writes");
    peer_write(&v, "write-first-mib", buf, 1 * MiB);
    peer_write(&v, "write-third-mib", buf + 2 * MiB, 1 * MiB);
    smaps("C", "buf", buf);
    status("C");
    pstat("C");
    pstat("V");
    pagemap("C", "buf", buf, 2 * MiB);

    step("4-child-execs");
    vfork_child_exec(&v);
    order_ack(&c);
    pstat("C");
    status("C");
    smaps("C", "buf", buf);
    smaps("V", "buf", buf);
    pstat("V");

    step("5-parent-writes-all");
    peer_write(&c, "write-all", buf, 4 * MiB);
    smaps("C", "buf", buf);
    pagemap("C", "buf", buf, 2 * MiB);
    return truth_end();
}
