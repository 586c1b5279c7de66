/*
 * 25-written-file-dirty: mapping a file whose page was just written with
 * write(2) and not yet written back.
 *
 * "echo hello cowsh > file" leaves one dirty page-cache page.  A private
 * read-only mapping that reads it shows Private_Dirty 4 kB although the
 * mapping never wrote (dirty = PTE dirty or folio dirty).  A second
 * mapping of it makes it Shared_Dirty in both.  fsync cleans the folio:
 * Shared_Clean in both.
 *
 * linux-semantics.md: 3.3 (file pages: folio dirty), 7.4.
 */
#include "../truth.h"

#define FILE_PATH "/tmp/cowsh-truth-25.dat"

int main(void)
{
    truth_init();
    unlink(FILE_PATH);

    step("echo-into-file");
    file_echo(FILE_PATH, "hello cowsh");

    step("map-and-read");
    char *f = map_file(FILE_PATH, PAGE, PROT_READ, MAP_PRIVATE);
    mem_read("read", f, PAGE);
    smaps("P", "file", f);
    pagemap("P", "file", f, 0);

    step("second-mapping-reads");
    char *g = map_file(FILE_PATH, PAGE, PROT_READ, MAP_PRIVATE);
    mem_read("read", g, PAGE);
    smaps("P", "file", f);
    smaps("P", "file2", g);

    step("fsync");
    file_fsync(FILE_PATH);
    smaps("P", "file", f);
    smaps("P", "file2", g);
    pagemap("P", "file", f, 0);

    unlink(FILE_PATH);
    return truth_end();
}
