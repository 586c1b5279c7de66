/*
 * 12-file-two-mappings: a second mapping of the same file in the same
 * process makes the file pages Shared.
 *
 * As 11 (read +512 KiB, write it, write +0: Rss 68, Anonymous 8), then a
 * second MAP_PRIVATE read-only mapping of the same file is read in full
 * (16 faults).  The 15 file pages still mapped by the first mapping now
 * have mapcount 2 inside one mm: the first mapping shows Shared_Clean 60,
 * Pss 60/2 + 8 = 38 kB; the second Shared_Clean 60 + Private_Clean 964.
 *
 * linux-semantics.md: 3.2 (mapcount includes the same mm twice), 9.3 last row.
 */
#include "../truth.h"

#define FILE_PATH "/tmp/cowsh-truth-12.dat"

int main(void)
{
    truth_init();
    unlink(FILE_PATH);

    step("setup");
    file_truncate(FILE_PATH, (off_t)MiB);
    file_warm(FILE_PATH, MiB);
    char *f = map_file(FILE_PATH, MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    mem_read("read-512k", f + 512 * KiB, 1);
    mem_write("write-512k", f + 512 * KiB, 1);
    mem_write("write-0", f, 1);
    smaps("P", "file", f);

    step("second-mapping-reads-all");
    char *g = map_file(FILE_PATH, MiB, PROT_READ, MAP_PRIVATE);
    mem_read("read-all", g, MiB);
    smaps("P", "file", f);
    smaps("P", "file2", g);
    pagemap("P", "file", f, 512 * KiB + PAGE);
    pagemap("P", "file2", g, 512 * KiB);
    status("P");

    unlink(FILE_PATH);
    return truth_end();
}
