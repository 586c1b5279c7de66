/*
 * 110-fork-from-thread: a thread forks.  The child has one thread, the
 * copy of the caller, running on the copy of the caller's stack; every
 * VMA is copied, the main thread's [stack] (still named so: mm->start_stack
 * is inherited) and the other thread stacks included, as ordinary memory:
 * of T2's two resident stack pages the lower stays shared (Shared_Dirty 4
 * on both sides), the top one, T2's struct pthread, is private on both:
 * glibc's fork in the child (reclaim_stacks, nptl/nptl-stack.c) writes the
 * descriptor of every other thread, to put its stack in the cache.  C runs
 * on its copy of T1's stack: both its pages private in C.  (P's own [stack]
 * is not recorded: P writes it while printing, after the fork.)  The
 * threads are made before buf, so buf merges with no stack VMA.
 */
#include "../truth.h"
#include "../threads.h"

int main(void)
{
    struct tpeer t1, t2;
    struct peer c;

    truth_init();
    peer_init(&t1.p, "T1");
    peer_init(&t2.p, "T2");
    peer_init(&c, "C");

    step("setup");
    make_heap();
    tpeer_spawn(&t1);
    tpeer_spawn(&t2);
    char *buf = map_anon(1 * MiB);
    mem_write("write-P", buf, 1 * MiB);
    char *base = vma_start(t1.sp);
    smaps("P", "stack-T1", t1.sp);
    smaps("P", "stack-T2", t2.sp);

    step("thread-forks");
    peer_fork_from(&t1.p, &c);
    smaps("C", "buf", buf);
    smaps("C", "stack-T1", t1.sp);
    smaps("C", "guard-T1", base - 1);
    smaps("C", "stack-T2", t2.sp);
    smaps("P", "buf", buf);
    smaps("P", "stack-T2", t2.sp);
    threads_line("C");
    task_count("C");
    threads_line("P");
    task_count("P");
    pstat("C");

    step("child-writes");
    peer_write(&c, "write-C", buf, 1 * MiB);
    smaps("C", "buf", buf);
    smaps("P", "buf", buf);
    return truth_end();
}
