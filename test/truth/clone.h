/*
 * clone.h: clone(CLONE_VM) peers for the clone scenarios 130-134 (issue 14).
 *
 * A clone peer K is a process (its own PID and thread group) made by the
 * peer C with glibc's clone(fn, stack, CLONE_VM | SIGCHLD, ...): it runs
 * on C's mm, on a stack C mapped for it, while C runs on too.  It obeys
 * orders as any peer does; since it shares C's memory, self_who (a global)
 * names it only while it carries out an order (C is blocked reading its
 * command pipe then), as for the thread peers of threads.h.
 *
 * The stack (clone_stack) is a private anonymous region of CLONE_STACK
 * bytes under a PROT_NONE guard page, written whole by C before the clone
 * (`@faults C stack`) and read (`@faults C stack-read`): glibc's clone
 * stores fn and arg at its top in the parent, and K's frames and MEASURE's
 * 16 KiB pre-write then fault nothing, and the code K runs for an order
 * (mem_write, mem_read and what they call) is already mapped in the mm, so
 * K's records show only the operations ordered.  The guard keeps the stack
 * from merging with the region mapped below it.
 */
#ifndef CLONE_H
#define CLONE_H
#include <sched.h>

#define CLONE_STACK (128 * KiB)

/* The peer K's life on the shared mm: hello (its pid), then orders. */
static int clone_peer_main(void *arg)
{
    struct peer *k = arg;
    pid_t me = getpid();
    struct order o;
    write_full(k->ack[1], &me, sizeof me);
    while (read_full(k->cmd[0], &o, sizeof o) == 0) {
        if (o.op == OP_EXIT || o.op == OP_EXEC)
            peer_obey(&o);         /* does not return; self_who stays C's */
        const char *saved = self_who;
        self_who = k->who;
        long result = peer_obey(&o);
        self_who = saved;
        write_full(k->ack[1], &result, sizeof result);
    }
    _exit(0);
}

/* C's stack for K, set in C by clone_stack (P's copy stays NULL). */
static char *clone_top;

/* In C: a stack for K, CLONE_STACK bytes under a guard page, written
 * whole and read (two @faults C records); returns its top. */
TRUTH long clone_stack(void *arg)
{
    (void)arg;
    char *g = map_anon(PAGE + CLONE_STACK);
    if (mprotect(g, PAGE, PROT_NONE))
        die("mprotect guard");
    mem_write("stack", g + PAGE, CLONE_STACK);
    mem_read("stack-read", g + PAGE, CLONE_STACK);
    clone_top = g + PAGE + CLONE_STACK;
    return (long)clone_top;
}

/* In C: glibc's clone(clone_peer_main, clone_top, CLONE_VM | SIGCHLD, k). */
TRUTH long clone_call(void *k)
{
    int pid = clone(clone_peer_main, clone_top, CLONE_VM | SIGCHLD, k);
    if (pid < 0)
        die("clone");
    return pid;
}

/* Peer c clones peer k (CLONE_VM) on the stack clone_stack mapped in c;
 * returns once k is blocked reading its first order. */
TRUTH void clone_from(struct peer *c, struct peer *k)
{
    peer_call(c, clone_call, k);
    peer_await(k);
}

#endif
