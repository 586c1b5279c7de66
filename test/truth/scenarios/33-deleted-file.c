/*
 * 33-deleted-file: a mapped file that is unlinked lives on, " (deleted)".
 *
 * A 64 KiB file mapped shared read-write and written (4 dirty pages), then
 * unlinked: the smaps header names it "/tmp/cowsh-truth-33.dat (deleted)"
 * (d_path), the inode and its page cache stay, and reading all of it
 * faults around the cached pages as before.
 *
 * linux-semantics.md: 1.1 (path escaping, " (deleted)").
 */
#include "../truth.h"

#define FILE_PATH "/tmp/cowsh-truth-33.dat"

int main(void)
{
    truth_init();
    unlink(FILE_PATH);

    step("map-and-write");
    file_truncate(FILE_PATH, 64 * KiB);
    file_warm(FILE_PATH, 64 * KiB);
    char *f = map_file(FILE_PATH, 64 * KiB, PROT_READ | PROT_WRITE, MAP_SHARED);
    mem_write("write-0-3", f, 4 * PAGE);
    smaps("P", "file", f);

    step("unlink");
    if (unlink(FILE_PATH))
        die("unlink");
    smaps("P", "file", f);

    step("read-all");
    mem_read("read-all", f, 64 * KiB);
    smaps("P", "file", f);
    pagemap("P", "file", f, 0);
    pagemap("P", "file", f, 4 * PAGE);
    return truth_end();
}
