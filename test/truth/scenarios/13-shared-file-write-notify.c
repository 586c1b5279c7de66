/*
 * 13-shared-file-write-notify: writes through a MAP_SHARED file mapping.
 *
 * Cached 1 MiB file, MAP_SHARED rw.  Read +0: 1 fault, fault-around maps 16
 * pages read-only (write-notify).  Write +0: 1 more fault (wp_page_shared,
 * page_mkwrite), the page is Private_Dirty, Anonymous stays 0.  Write +4K,
 * already mapped read-only by fault-around: 1 fault.  msync(MS_SYNC)
 * cleans and write-protects: Private_Clean.  Writing +0 again faults once
 * more.  Writing +512 KiB (never mapped) is one do_shared_fault with no
 * fault-around: Rss +4.
 *
 * linux-semantics.md: 7.6, 9.4.
 */
#include "../truth.h"

#define FILE_PATH "/tmp/cowsh-truth-13.dat"

int main(void)
{
    truth_init();
    unlink(FILE_PATH);

    step("setup");
    file_truncate(FILE_PATH, (off_t)MiB);
    file_warm(FILE_PATH, MiB);
    char *f = map_file(FILE_PATH, MiB, PROT_READ | PROT_WRITE, MAP_SHARED);
    smaps("P", "file", f);

    step("read-0");
    mem_read("read-0", f, 1);
    smaps("P", "file", f);

    step("write-0");
    mem_write("write-0", f, 1);
    smaps("P", "file", f);
    pagemap("P", "file", f, 0);

    step("write-4k");
    mem_write("write-4k", f + PAGE, 1);
    smaps("P", "file", f);

    step("msync");
    if (msync(f, MiB, MS_SYNC))
        die("msync");
    smaps("P", "file", f);
    pagemap("P", "file", f, 0);

    step("write-0-again");
    mem_write("write-0-again", f, 1);
    smaps("P", "file", f);

    step("write-512k-untouched");
    mem_write("write-512k", f + 512 * KiB, 1);
    smaps("P", "file", f);
    status("P");

    unlink(FILE_PATH);
    return truth_end();
}
