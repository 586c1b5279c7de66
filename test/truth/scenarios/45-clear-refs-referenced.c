/*
 * 45-clear-refs-referenced: `echo 1 > /proc/PID/clear_refs` clears the
 * young bits and PG_referenced, so smaps' Referenced drops to 0; reading a
 * quarter of the buffer afterwards makes it 256 kB again.
 *
 * clear_refs does not flush the TLB, so an access from the CPU that still
 * caches the translation would not set the young bit again: the scenario
 * runs on CPU 0 and moves to CPU 1 (which never ran it) for the accesses
 * after clear_refs.
 *
 * Runs without swap (one of the issue-12 captures, helpers from swap.h).
 * fs/proc/task_mmu.c clear_refs_write, clear_refs_pte_range.
 */
#include "../truth.h"
#include "../swap.h"

int main(void)
{
    truth_init();
    pin_cpu(0);

    step("write");
    char *buf = map_anon(1 * MiB);
    mem_write("write-all", buf, 1 * MiB);
    smaps("P", "buf", buf);

    step("clear-refs");
    clear_refs("P", "1");
    smaps("P", "buf", buf);
    pstat("P");

    step("read-quarter");
    pin_cpu(1);
    mem_read("read-quarter", buf, 256 * KiB);
    smaps("P", "buf", buf);
    pagemap("P", "buf", buf, 0);
    pagemap("P", "buf", buf, 128 * PAGE);
    return truth_end();
}
