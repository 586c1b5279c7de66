/*
 * 11-private-file-cow: writes to a private file mapping create anonymous
 * pages.
 *
 * Cached 1 MiB file, MAP_PRIVATE rw.  Read 1 byte at +512 KiB (1 fault,
 * Rss 64).  Write that byte: 1 write-protect fault that copies the file
 * page into a new anonymous page: Rss stays 64, Anonymous 4, Private_Dirty
 * 4, RssFile -4 / RssAnon +4.  Write at +0, a page never touched: 1 fault
 * through do_cow_fault, no fault-around: Rss 68, Anonymous 8.
 *
 * linux-semantics.md: 7.4, 3.5 (COW copies count as Anonymous), 9.3.
 */
#include "../truth.h"

#define FILE_PATH "/tmp/cowsh-truth-11.dat"

int main(void)
{
    truth_init();
    unlink(FILE_PATH);

    step("create-and-cache-file");
    file_truncate(FILE_PATH, (off_t)MiB);
    file_warm(FILE_PATH, MiB);
    char *f = map_file(FILE_PATH, MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE);

    step("read-one-byte-mid");
    mem_read("read-512k", f + 512 * KiB, 1);
    smaps("P", "file", f);
    status("P");

    step("write-same-byte");
    mem_write("write-512k", f + 512 * KiB, 1);
    smaps("P", "file", f);
    pagemap("P", "file", f, 512 * KiB);
    pagemap("P", "file", f, 512 * KiB + PAGE);
    status("P");

    step("write-untouched-page");
    mem_write("write-0", f, 1);
    smaps("P", "file", f);
    pagemap("P", "file", f, 0);
    pagemap("P", "file", f, PAGE);
    status("P");

    unlink(FILE_PATH);
    return truth_end();
}
