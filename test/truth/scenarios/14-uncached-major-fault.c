/*
 * 14-uncached-major-fault: a read fault on a file page that is not in the
 * page cache is a major fault.
 *
 * A 1 MiB file is cached (as in 10), then evicted (fsync +
 * POSIX_FADV_DONTNEED).  Mapping it and reading +0 is 1 *major* fault
 * (filemap_fault had to read; the file is a hole, so no real I/O and the
 * outcome is deterministic).  Reading +64 KiB, brought in by readahead, is
 * then an ordinary minor fault.  stat's majflt counts it too.
 *
 * linux-semantics.md: 7.0 (major vs minor), 7.5.
 */
#include "../truth.h"

#define FILE_PATH "/tmp/cowsh-truth-14.dat"

int main(void)
{
    truth_init();
    unlink(FILE_PATH);

    step("setup");
    file_truncate(FILE_PATH, (off_t)MiB);
    file_warm(FILE_PATH, MiB);
    file_evict(FILE_PATH);
    char *f = map_file(FILE_PATH, MiB, PROT_READ, MAP_PRIVATE);
    pstat("P");

    step("read-0-uncached");
    mem_read("read-0", f, 1);
    smaps("P", "file", f);
    pagemap("P", "file", f, 0);
    pstat("P");

    step("read-64k");
    mem_read("read-64k", f + 64 * KiB, 1);
    smaps("P", "file", f);
    pstat("P");

    step("read-all");
    mem_read("read-all", f, MiB);
    smaps("P", "file", f);

    unlink(FILE_PATH);
    return truth_end();
}
