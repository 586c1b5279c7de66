/*
 * 21-read-then-write-anon: read fault, then write fault, on private
 * anonymous memory.
 *
 * Reading 1 MiB: 256 faults, each maps the zero page read-only (Rss 0,
 * RssAnon unchanged).  Writing it: 256 more faults (write-protect fault on
 * the zero page allocates a zeroed page), Rss 1024, Private_Dirty 1024.
 * Writing again: no fault.
 *
 * linux-semantics.md: 7.1, 7.2.
 */
#include "../truth.h"

int main(void)
{
    truth_init();

    step("mmap");
    char *buf = map_anon(1 * MiB);
    status("P");

    step("read-all");
    mem_read("read-all", buf, MiB);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    status("P");

    step("write-all");
    mem_write("write-all", buf, MiB);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    status("P");

    step("write-all-again");
    mem_write("write-all-again", buf, MiB);
    smaps("P", "buf", buf);
    return truth_end();
}
