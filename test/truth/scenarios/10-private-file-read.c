/*
 * 10-private-file-read: read faults on a private mapping of a cached file.
 *
 * A 1 MiB file (a hole made by truncate, brought into the page cache by
 * reading it through a throw-away mapping) is mapped MAP_PRIVATE rw.
 * Reading one byte at +512 KiB is 1 minor fault that maps the whole
 * 16-page (64 KiB) fault-around window: Rss 64 kB, Private_Clean, not
 * Anonymous.  Reading every page then costs one fault per remaining window
 * (15), leaving Rss 1024 kB.
 *
 * linux-semantics.md: 7.4 (read fault), 7.5 (fault-around), 9.3 row 1.
 */
#include "../truth.h"

#define FILE_PATH "/tmp/cowsh-truth-10.dat"

int main(void)
{
    truth_init();
    unlink(FILE_PATH);

    step("create-and-cache-file");
    file_truncate(FILE_PATH, (off_t)MiB);
    file_warm(FILE_PATH, MiB);

    step("mmap");
    char *f = map_file(FILE_PATH, MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    smaps("P", "file", f);

    step("read-one-byte-mid");
    mem_read("read-512k", f + 512 * KiB, 1);
    smaps("P", "file", f);
    pagemap("P", "file", f, 512 * KiB);
    pagemap("P", "file", f, 512 * KiB + 15 * PAGE);
    pagemap("P", "file", f, 512 * KiB + 16 * PAGE);

    step("read-all");
    mem_read("read-all", f, MiB);
    smaps("P", "file", f);
    status("P");

    unlink(FILE_PATH);
    return truth_end();
}
