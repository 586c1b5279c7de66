/*
 * 20-read-touch-fork: fork after touching private anonymous memory with
 * reads only.
 *
 * On this machine a read fault on fresh private anonymous memory maps the
 * shared zero page (kpageflags bit 24): 256 faults, but Rss 0, no anon_vma.
 * So fork copies no PTEs: C's pagemap shows the page not present, and C's
 * own reads fault again onto the zero page.  P's later writes allocate real
 * pages (256 faults, Rss 1024); C still sees Rss 0.
 * (Kernels booted without the zero page allocate real pages on read
 * instead; see the @machine record.)
 *
 * linux-semantics.md: 7.1 (zero page), 3.5, 4.1 (vma_needs_copy).
 */
#include "../truth.h"

int main(void)
{
    struct peer c;

    truth_init();
    peer_init(&c, "C");

    step("read-all");
    char *buf = map_anon(1 * MiB);
    mem_read("read-all", buf, MiB);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    status("P");

    step("fork");
    peer_spawn(&c);
    smaps("C", "buf", buf);
    pagemap("C", "buf", buf, 0);

    step("child-reads");
    peer_read(&c, "read-all", buf, MiB);
    smaps("C", "buf", buf);
    pagemap("C", "buf", buf, 0);

    step("parent-writes");
    mem_write("write-all", buf, MiB);
    smaps("P", "buf", buf);
    smaps("C", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("C", "buf", buf, 0);
    return truth_end();
}
