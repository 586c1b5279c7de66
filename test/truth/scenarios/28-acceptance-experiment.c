/*
 * 28-acceptance-experiment: the project's acceptance scenario (SPEC.md,
 * /work/shared/truth/experiment.c), with full records.
 *
 * The system calls are experiment.c's own: mmap of a 16 MiB private
 * anonymous buffer and a 1 MiB shared anonymous region, MADV_NOHUGEPAGE on
 * the buffer, both written; fork; P writes the first MiB (256 copies);
 * C execs /bin/sleep; P writes a MiB it has not written since the fork
 * (256 faults, frames reused); and the same MiB again (0 faults).
 *
 * linux-semantics.md: 9.1 (the same experiment at 16 + 4 MiB).
 */
#include "../truth.h"

/* The two regions in `who`. */
static void show(const char *who, char *buf, char *shm)
{
    smaps(who, "shared", shm);
    smaps(who, "buffer", buf);
}

int main(void)
{
    struct peer c;

    truth_init();
    peer_init(&c, "C");

    step("1-before-fork");
    char *buf = map(16 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *shm = map(1 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (madvise(buf, 16 * MiB, MADV_NOHUGEPAGE))
        die("madvise");
    mem_write("write-buffer", buf, 16 * MiB);
    mem_write("write-shared", shm, 1 * MiB);
    show("P", buf, shm);

    step("2-after-fork");
    peer_spawn(&c);
    show("P", buf, shm);
    show("C", buf, shm);
    pstat("C");

    step("3-parent-writes-first-mib");
    pagemap("P", "buffer", buf, 0);
    mem_write("write-first-mib", buf, 1 * MiB);
    pagemap("P", "buffer", buf, 0);
    show("P", buf, shm);
    show("C", buf, shm);

    step("4-after-exec");
    peer_exec(&c);
    show("P", buf, shm);
    pstat("C");

    step("5-parent-writes-unwritten-mib");
    pagemap("P", "buffer", buf, 2 * MiB);
    mem_write("write-unwritten-mib", buf + 2 * MiB, 1 * MiB);
    pagemap("P", "buffer", buf, 2 * MiB);

    step("6-parent-writes-same-mib-again");
    mem_write("write-same-mib-again", buf + 2 * MiB, 1 * MiB);
    pagemap("P", "buffer", buf, 2 * MiB);
    show("P", buf, shm);
    pstat("P");
    return truth_end();
}
