/*
 * 31-mprotect-shared: mprotect read-only and back on shared mappings.
 *
 * Shared anonymous memory (shmem, no write-notify): pages 0-7 written,
 * 8-15 read (writable, clean PTEs).  mprotect(PROT_READ) then back to
 * read-write: the mapping's page protection is writable again, so every
 * present PTE is writable and neither half faults on the next write.
 *
 * A MAP_SHARED regular file (write-notify): pages 0-7 written (dirty PTEs),
 * 8-15 read (read-only, clean).  After the same round trip only the dirty
 * PTEs are made writable (can_change_pte_writable: the file system was
 * already told): writing 0-7 costs nothing, 8-15 one fault per page.
 *
 * linux-semantics.md: 7.6 (write-notify).  mm/mprotect.c:
 * vma_wants_manual_pte_write_upgrade, can_change_pte_writable.
 */
#include "../truth.h"

#define FILE_PATH "/tmp/cowsh-truth-31.dat"
#define LEN (16 * PAGE)

/* mprotect p[0..LEN) read-only, then read-write again, or die. */
static void round_trip(char *p)
{
    if (mprotect(p, LEN, PROT_READ) || mprotect(p, LEN, PROT_READ | PROT_WRITE))
        die("mprotect");
}

int main(void)
{
    truth_init();
    unlink(FILE_PATH);

    step("shmem-write-half-read-half");
    char *shm = map_shared_anon(LEN);
    mem_write("write-0-7", shm, 8 * PAGE);
    mem_read("read-8-15", shm + 8 * PAGE, 8 * PAGE);
    smaps("P", "shm", shm);

    step("shmem-round-trip");
    round_trip(shm);
    smaps("P", "shm", shm);
    mem_write("write-0-7", shm, 8 * PAGE);
    mem_write("write-8-15", shm + 8 * PAGE, 8 * PAGE);
    smaps("P", "shm", shm);
    pagemap("P", "shm", shm, 8 * PAGE);

    step("file-write-half-read-half");
    file_truncate(FILE_PATH, (off_t)LEN);
    file_warm(FILE_PATH, LEN);
    char *f = map_file(FILE_PATH, LEN, PROT_READ | PROT_WRITE, MAP_SHARED);
    mem_write("write-0-7", f, 8 * PAGE);
    mem_read("read-8-15", f + 8 * PAGE, 8 * PAGE);
    smaps("P", "file", f);

    step("file-round-trip");
    round_trip(f);
    smaps("P", "file", f);
    mem_write("write-0-7", f, 8 * PAGE);
    mem_write("write-8-15", f + 8 * PAGE, 8 * PAGE);
    smaps("P", "file", f);
    pagemap("P", "file", f, 8 * PAGE);
    status("P");

    unlink(FILE_PATH);
    return truth_end();
}
