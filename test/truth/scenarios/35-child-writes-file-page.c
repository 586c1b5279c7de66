/*
 * 35-child-writes-file-page: COW of a private file page in a forked child.
 *
 * P maps the cached 64 KiB file privately read-write, reads all of it and
 * writes page 0, so the VMA has an anon_vma and fork copies all 16 PTEs.
 * The child's copied PTEs are old, and the file pages are not
 * PG_referenced any more: file_warm, done twice, zapped young PTEs twice,
 * and the second mark_page_accessed moved the pages to the active list,
 * clearing PG_referenced.  So the child's Referenced is 0.  The child writes
 * page 1: a COW copy of the file page (Anonymous +4 in C), while P's page 1
 * is still the file page, now mapped once (Private_Clean in P).
 *
 * linux-semantics.md: 4.1 (anon_vma), 4.2, 7.4 (do_wp_page on a file page).
 */
#include "../truth.h"

#define FILE_PATH "/tmp/cowsh-truth-35.dat"

int main(void)
{
    struct peer c;

    truth_init();
    peer_init(&c, "C");
    unlink(FILE_PATH);

    step("setup");
    file_truncate(FILE_PATH, 64 * KiB);
    file_warm(FILE_PATH, 64 * KiB);
    file_warm(FILE_PATH, 64 * KiB);
    char *f = map_file(FILE_PATH, 64 * KiB, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    mem_read("read-all", f, 64 * KiB);
    mem_write("write-0", f, 1);
    smaps("P", "file", f);
    pagemap("P", "file", f, PAGE);

    step("fork");
    peer_spawn(&c);
    smaps("C", "file", f);
    smaps("P", "file", f);

    step("child-writes-page-1");
    peer_write(&c, "write-4k", f + PAGE, 1);
    smaps("C", "file", f);
    smaps("P", "file", f);
    pagemap("C", "file", f, PAGE);
    pagemap("P", "file", f, PAGE);
    status("C");

    unlink(FILE_PATH);
    return truth_end();
}
