/*
 * 107-thread-stacks: two threads made by pthread_create() with default
 * attributes, and what each leaves in the process.
 *
 * glibc (nptl/allocatestack.c) maps RLIMIT_STACK (8 MiB) plus a one-page
 * guard with MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK and PROT_NONE, then makes
 * all but the lowest page read-write: a `---p` guard VMA of 4 kB and an
 * 8192 kB `rw-p` stack VMA above it, both `nh` (MAP_STACK is VM_NOHUGEPAGE
 * since 6.7), neither named.  The thread's start (struct pthread and the
 * static TLS at the top, start_thread's frame below them) leaves the top
 * pages resident.  The second thread's mapping lies right below the first's
 * guard.  status Threads: counts the tasks; /proc/PID/task lists them;
 * /proc/TID/smaps is the same mm's.
 *
 * [heap] is made first (make_heap): pthread_create's dtv calloc
 * then lands in it, as it does in cowsh's /bin/sh, which has a heap.
 */
#include "../truth.h"
#include "../threads.h"

static void stack_records(struct tpeer *t, const char *stack, const char *guard)
{
    char *base = vma_start(t->sp), *top = vma_end(t->sp);
    smaps("P", stack, t->sp);
    smaps("P", guard, base - 1);
    for (size_t k = 1; k <= 4; k++)
        pagemap("P", stack, base, (size_t)(top - base) - k * PAGE);
}

int main(void)
{
    struct tpeer t1, t2;

    truth_init();
    peer_init(&t1.p, "T1");
    peer_init(&t2.p, "T2");

    step("setup");
    make_heap();
    status("P");
    pstat("P");
    threads_line("P");
    task_count("P");

    step("first-thread");
    tpeer_spawn(&t1);
    stack_records(&t1, "stack-T1", "guard-T1");
    smaps("T1", "stack-T1", t1.sp);
    status("P");
    pstat("P");
    task_stat("P", "P");
    task_stat("P", "T1");
    threads_line("P");
    threads_line("T1");
    task_count("P");

    step("second-thread");
    tpeer_spawn(&t2);
    stack_records(&t2, "stack-T2", "guard-T2");
    smaps("P", "stack-T1", t1.sp);
    smaps("P", "guard-T1", vma_start(t1.sp) - 1);
    status("P");
    pstat("P");
    task_stat("P", "P");
    task_stat("P", "T1");
    task_stat("P", "T2");
    threads_line("P");
    task_count("P");
    return truth_end();
}
