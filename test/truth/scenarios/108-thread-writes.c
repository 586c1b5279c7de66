/*
 * 108-thread-writes: threads share one mm: a thread's writes show in the
 * process's smaps and status; its faults count in its own
 * /proc/PID/task/TID/stat and in the group's /proc/PID/stat, not in the
 * other threads'.
 *
 * The threads are made before the regions (mapped below their guards, so
 * no region merges with a stack VMA: they have the same flags).  Each
 * thread first writes one page of `warm` (shared, so it merges with
 * nothing), and P prints its records once, so that the harness's own
 * stack pre-fault (16 KiB of the thread's stack, MEASURE) has happened
 * before the records that count.  T1 writes 1 MiB: 256 faults, in T1's
 * task stat and P's stat; T2 writing it again takes none; P reads it: none.
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
    tpeer_spawn(&t2);
    char *warm = map_shared_anon(2 * PAGE);
    char *buf = map_anon(1 * MiB);
    peer_write(&t1.p, "warm-T1", warm, PAGE);
    peer_write(&t2.p, "warm-T2", warm + PAGE, PAGE);
    smaps("P", "warm", warm);
    pagemap("P", "warm", warm, 0);
    status("P");
    pstat("P");
    task_stat("P", "P");
    task_stat("P", "T1");
    task_stat("P", "T2");

    step("thread-writes");
    peer_write(&t1.p, "write-T1", buf, 1 * MiB);
    smaps("P", "buf", buf);
    smaps("T1", "buf", buf);
    pagemap("P", "buf", buf, 0);
    status("P");
    pstat("P");
    task_stat("P", "P");
    task_stat("P", "T1");
    task_stat("P", "T2");

    step("other-thread-writes");
    peer_write(&t2.p, "write-T2", buf, 1 * MiB);
    smaps("P", "buf", buf);
    pstat("P");
    task_stat("P", "T1");
    task_stat("P", "T2");

    step("main-reads");
    mem_read("read-P", buf, 1 * MiB);
    pstat("P");
    task_stat("P", "P");
    return truth_end();
}
