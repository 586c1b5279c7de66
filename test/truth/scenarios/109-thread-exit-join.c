/*
 * 109-thread-exit-join: a thread exits and is joined; glibc keeps its stack
 * mapped in its stack cache (nptl/nptl-stack.c, up to 40 MiB), after
 * start_thread's advise_stack_range has MADV_DONTNEEDed the part of it
 * below the frames in use.  The next pthread_create takes that stack from
 * the cache: no new mapping, no fault.  Here the thread returns from its
 * start routine (pthread_exit would unwind through libgcc_s, which glibc
 * dlopens, and malloc in a thread makes a 64 MiB arena): its two top pages
 * stay (Rss 8), nothing below them was ever touched.
 */
#include "../truth.h"
#include "../threads.h"

int main(void)
{
    struct tpeer t1, t2;

    truth_init();
    peer_init(&t1.p, "T1");
    peer_init(&t2.p, "T2");

    step("setup");
    make_heap();
    tpeer_spawn(&t1);
    char *base = vma_start(t1.sp), *top = vma_end(t1.sp);
    smaps("P", "stack-T1", t1.sp);
    status("P");
    threads_line("P");

    step("thread-exits");
    tpeer_exit_join(&t1);
    smaps("P", "stack-T1", t1.sp);
    smaps("P", "guard-T1", base - 1);
    for (size_t k = 1; k <= 4; k++)
        pagemap("P", "stack-T1", base, (size_t)(top - base) - k * PAGE);
    status("P");
    pstat("P");
    threads_line("P");
    task_count("P");

    step("next-thread");
    tpeer_spawn(&t2);
    smaps("P", "stack-T1", t1.sp);
    smaps("P", "stack-T2", t2.sp);
    status("P");
    threads_line("P");
    task_count("P");
    return truth_end();
}
