/*
 * 111-exec-from-thread: a thread that is not the leader execs.  de_thread
 * kills the other threads (the leader too) and the exec'ing thread takes
 * the leader's PID: /proc/C now shows one task, /bin/sleep's maps, and the
 * TID the thread had is gone.
 */
#include "../truth.h"
#include "../threads.h"

int main(void)
{
    struct peer c;
    struct tpeer t;

    truth_init();
    peer_init(&c, "C");
    peer_init(&t.p, "T");

    step("setup");
    peer_spawn(&c);
    tpeer_spawn_in(&c, &t);
    threads_line("C");
    task_count("C");
    pstat("C");

    step("thread-execs");
    struct order o = {.op = OP_EXEC};
    write_full(t.p.cmd[1], &o, sizeof o);
    settle(c.pid, SYS_clock_nanosleep);
    procfile("C", "maps");
    threads_line("C");
    task_count("C");
    pstat("C");
    procfile("T", "stat");
    return truth_end();
}
