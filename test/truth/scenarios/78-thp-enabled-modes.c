/*
 * 78-thp-enabled-modes: /sys/kernel/mm/transparent_hugepage/enabled as the
 * kernel shows it and what each mode does to a first write, written by the
 * scenario itself (run.sh restores the machine's value).
 *
 * always: an unadvised aligned region gets a THP (THPeligible 1); an
 * MADV_NOHUGEPAGE one does not.  never: even an MADV_HUGEPAGE region gets
 * 4 KiB pages (THPeligible 0).  madvise: only "hg" regions.  The file
 * reads "always [madvise] never" with the chosen mode in brackets.
 *
 * truth: thp enabled=madvise defrag=madvise
 * mm/huge_memory.c enabled_store/enabled_show, thp_vma_allowable_orders.
 */
#include "../truth.h"
#include "../swap.h"
#include "../hugepage.h"

#define THP_ENABLED "/sys/kernel/mm/transparent_hugepage/enabled"

/* Write `mode` to the enabled file and print "@sysfs P enabled <mode>"
 * with the file read back. */
static void set_mode(const char *mode)
{
    char buf[128];
    int fd = open(THP_ENABLED, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, mode, strlen(mode)) != (ssize_t)strlen(mode))
        die(THP_ENABLED);
    close(fd);
    fd = open(THP_ENABLED, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf);
    if (n <= 0)
        die(THP_ENABLED);
    close(fd);
    printf("@sysctl P transparent_hugepage/enabled %s\nerror=none\n", mode);
    out(buf, (size_t)n);
}

static void try_region(const char *name, int advice)
{
    char *p = map_at(2 * MiB, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (advice >= 0)
        advise(p, 2 * MiB, advice, "madvise");
    mem_write(name, p, 2 * MiB);
    smaps("P", name, p);
}

int main(void)
{
    truth_init();
    pin_cpu(0);
    huge_begin();

    step("always");
    set_mode("always");
    try_region("plain", -1);
    try_region("nohuge", MADV_NOHUGEPAGE);
    huge_meminfo("always");

    step("never");
    set_mode("never");
    try_region("huge", MADV_HUGEPAGE);
    huge_meminfo("never");

    step("madvise");
    set_mode("madvise");
    try_region("plain", -1);
    try_region("huge", MADV_HUGEPAGE);
    huge_meminfo("madvise");
    return truth_end();
}
