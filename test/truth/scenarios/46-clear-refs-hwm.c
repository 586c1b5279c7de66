/*
 * 46-clear-refs-hwm: `echo 5 > /proc/PID/clear_refs` resets VmHWM to the
 * current RSS.  1 MiB is written (VmHWM up by 1024 kB), dropped with
 * MADV_DONTNEED (VmRSS down, VmHWM stays), reset, then 256 kB written again.
 *
 * fs/proc/task_mmu.c clear_refs_write (CLEAR_REFS_MM_HIWATER_RSS).
 */
#include "../truth.h"
#include "../swap.h"

int main(void)
{
    truth_init();
    pin_cpu(0);

    step("write");
    status("P");
    char *buf = map_anon(1 * MiB);
    mem_write("write-all", buf, 1 * MiB);
    status("P");

    step("dontneed");
    advise(buf, 1 * MiB, MADV_DONTNEED, "madvise dontneed");
    status("P");

    step("clear-refs-5");
    clear_refs("P", "5");
    status("P");

    step("write-quarter");
    mem_write("write-quarter", buf, 256 * KiB);
    status("P");
    return truth_end();
}
