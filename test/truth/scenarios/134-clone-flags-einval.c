/*
 * 134-clone-flags-einval: the flag combinations copy_process refuses.
 *
 * The raw clone system call (glibc's syscall(), no stack) with
 * CLONE_THREAD alone, CLONE_THREAD | CLONE_VM, CLONE_SIGHAND alone and
 * CLONE_THREAD | CLONE_SIGHAND: EINVAL each ("thread groups must share
 * signals as well", "shared signal handlers imply shared VM"), and no
 * process made.  Then the ones it accepts: CLONE_FS | CLONE_FILES (a fork
 * that shares the cwd and the file table), CLONE_VM | CLONE_SIGHAND, and
 * CLONE_VM | CLONE_SIGHAND | CLONE_THREAD (glibc's clone() on a stack of
 * P's, a child that returns at once).
 *
 * linux-semantics.md: kernel/fork.c copy_process.
 */
#include "../truth.h"
#include <sched.h>
#include <sys/syscall.h>

static void call_record(const char *label, int failed, int err)
{
    char buf[160];
    int n = snprintf(buf, sizeof buf, "@call P %s error=%s\n", label,
                     failed ? strerror(err) : "none");
    out(buf, (size_t)n);
}

/* The raw system call with no stack: a child (only if the flags are valid
 * and share no mm) _exits at once and is reaped. */
static void raw_clone(const char *label, unsigned long flags)
{
    long pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
    if (pid == 0)
        _exit(0);
    int err = errno;
    if (pid > 0)
        waitpid((pid_t)pid, NULL, 0);
    call_record(label, pid < 0, err);
}

static int child_returns(void *arg)
{
    (void)arg;
    return 0;
}

static char child_stack[64 * 1024] __attribute__((aligned(16)));

/* glibc's clone() on child_stack; a process child is reaped. */
static void glibc_clone(const char *label, int flags)
{
    int pid = clone(child_returns, child_stack + sizeof child_stack, flags, NULL);
    int err = errno;
    if (pid > 0 && !(flags & CLONE_THREAD))
        waitpid(pid, NULL, __WALL);
    else if (pid > 0)
        while (kill(pid, 0) == 0)  /* the thread: until it is gone */
            sched_yield();
    call_record(label, pid < 0, err);
}

int main(void)
{
    truth_init();

    step("1-refused");
    raw_clone("thread", CLONE_THREAD);
    raw_clone("thread-vm", CLONE_THREAD | CLONE_VM);
    raw_clone("sighand", CLONE_SIGHAND);
    raw_clone("thread-sighand", CLONE_THREAD | CLONE_SIGHAND);

    step("2-accepted");
    raw_clone("fs-files", CLONE_FS | CLONE_FILES);
    glibc_clone("vm-sighand", CLONE_VM | CLONE_SIGHAND | SIGCHLD);
    glibc_clone("vm-sighand-thread", CLONE_VM | CLONE_SIGHAND | CLONE_THREAD);
    return truth_end();
}
