/*
 * 61-commit-mprotect: mprotect and the commitment (mm/mprotect.c
 * mprotect_fixup), heuristic overcommit (mode 0).
 *
 * A private mapping made writable for the first time is charged ("ac").
 * Made read-only again, an anonymous mapping that never held a page (no
 * anon_vma) gives its charge back; once written, it keeps it, and making
 * it writable again charges nothing more.  A private read-only file
 * mapping made writable is charged too.
 *
 * truth: overcommit scenario
 */
#include "../truth.h"
#include "../commit.h"

#define RW (PROT_READ | PROT_WRITE)
#define DATA "/tmp/cowsh-truth-61.dat"

static void prot(const char *label, char *p, size_t len, int prot)
{
    long c = committed_kb();
    if (mprotect(p, len, prot))
        die("mprotect");
    commit_record(label, committed_kb() - c);
}

int main(void)
{
    truth_init();
    commit_defaults();
    unlink(DATA);

    step("none");
    long c = committed_kb();
    char *buf = map(64 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    commit_record("mmap-none", committed_kb() - c);
    if (madvise(buf, 64 * MiB, MADV_NOHUGEPAGE))
        die("madvise");
    smaps("P", "buf", buf);

    step("rw");
    prot("mprotect-rw", buf, 64 * MiB, RW);
    smaps("P", "buf", buf);

    step("ro-untouched");
    prot("mprotect-r-untouched", buf, 64 * MiB, PROT_READ);
    smaps("P", "buf", buf);

    step("rw-again");
    prot("mprotect-rw-again", buf, 64 * MiB, RW);
    mem_write("write-one-page", buf, PAGE);

    step("ro-written");
    prot("mprotect-r-written", buf, 64 * MiB, PROT_READ);
    smaps("P", "buf", buf);

    step("rw-written");
    prot("mprotect-rw-written", buf, 64 * MiB, RW);
    smaps("P", "buf", buf);

    step("half-ro");
    prot("mprotect-r-half", buf + 32 * MiB, 32 * MiB, PROT_READ);
    smaps("P", "buf-hi", buf + 32 * MiB);

    step("file");
    file_truncate(DATA, 1 * MiB);
    c = committed_kb();
    char *f = map_file(DATA, 1 * MiB, PROT_READ, MAP_PRIVATE);
    commit_record("mmap-file-r", committed_kb() - c);
    prot("mprotect-file-rw", f, 1 * MiB, RW);
    smaps("P", "file", f);
    prot("mprotect-file-r", f, 1 * MiB, PROT_READ);
    smaps("P", "file", f);
    unlink(DATA);
    return truth_end();
}
