/*
 * 60-commit-mmap-munmap: what mmap and munmap charge to Committed_AS
 * (mm/mmap.c accountable_mapping, mm/shmem.c shmem_acct_size), heuristic
 * overcommit (mode 0).
 *
 * A private writable mapping is charged whole at mmap ("ac" in VmFlags),
 * written or not; munmap of half gives half back.  A private read-only
 * mapping is not charged.  Shared anonymous memory is charged whole when
 * it is made (its shmem object) and given back when the last mapping goes.
 * MAP_NORESERVE: the private mapping is not charged ("nr", no "ac"); shared
 * anonymous memory made with it ("nr") is charged page by page as its
 * pages are allocated (shmem_acct_blocks).
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
    long c;

    step("mmap-private-rw");
    c = committed_kb();
    char *buf = map(64 * MiB, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    commit_record("mmap-private-rw", committed_kb() - c);
    if (madvise(buf, 64 * MiB, MADV_NOHUGEPAGE))
        die("madvise");
    smaps("P", "buf", buf);

    step("write-some");
    c = committed_kb();
    mem_write("write-1m", buf, 1 * MiB);
    commit_record("write-1m", committed_kb() - c);

    step("munmap-half");
    c = committed_kb();
    if (munmap(buf + 32 * MiB, 32 * MiB))
        die("munmap");
    commit_record("munmap-half", committed_kb() - c);

    step("mmap-private-ro");
    c = committed_kb();
    char *ro = map(16 * MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    commit_record("mmap-private-ro", committed_kb() - c);
    smaps("P", "ro", ro);

    step("mmap-shared");
    c = committed_kb();
    char *sh = map(16 * MiB, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    commit_record("mmap-shared", committed_kb() - c);
    smaps("P", "sh", sh);
    c = committed_kb();
    mem_write("write-shared-1m", sh, 1 * MiB);
    commit_record("write-shared-1m", committed_kb() - c);

    step("munmap-shared");
    c = committed_kb();
    if (munmap(sh, 16 * MiB))
        die("munmap");
    commit_record("munmap-shared", committed_kb() - c);

    step("mmap-noreserve");
    c = committed_kb();
    char *nr = map(64 * MiB, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    commit_record("mmap-noreserve", committed_kb() - c);
    if (madvise(nr, 64 * MiB, MADV_NOHUGEPAGE))
        die("madvise");
    smaps("P", "nr", nr);
    c = committed_kb();
    mem_write("write-noreserve-1m", nr, 1 * MiB);
    commit_record("write-noreserve-1m", committed_kb() - c);

    step("mmap-shared-noreserve");
    c = committed_kb();
    char *shnr = map(16 * MiB, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    commit_record("mmap-shared-noreserve", committed_kb() - c);
    smaps("P", "shnr", shnr);
    c = committed_kb();
    mem_write("write-shared-noreserve-1m", shnr, 1 * MiB);
    commit_record("write-shared-noreserve-1m", committed_kb() - c);
    c = committed_kb();
    if (munmap(shnr, 16 * MiB))
        die("munmap");
    commit_record("munmap-shared-noreserve", committed_kb() - c);

    step("munmap-all");
    c = committed_kb();
    if (munmap(buf, 32 * MiB) || munmap(nr, 64 * MiB) || munmap(ro, 16 * MiB))
        die("munmap");
    commit_record("munmap-all", committed_kb() - c);
    return truth_end();
}
