/*
 * 66-overcommit-sysctls: writing /proc/sys/vm/overcommit_* as `echo N >`
 * does (one write(2) of the text and a newline), and what each file reads
 * back (mm/util.c overcommit_policy_handler, overcommit_ratio_handler,
 * overcommit_kbytes_handler; kernel/sysctl.c proc_dointvec_minmax,
 * proc_doulongvec_minmax).  Only writes that leave the machine as it was,
 * or that cannot matter in mode 0, are made; run.sh restores the values.
 *
 * truth: overcommit scenario
 */
#include "../truth.h"
#include "../commit.h"

int main(void)
{
    truth_init();
    commit_defaults();

    step("overcommit_memory");
    sysctl_try("overcommit_memory", "3\n", "3");
    sysctl_try("overcommit_memory", "-1\n", "-1");
    sysctl_try("overcommit_memory", "abc\n", "abc");
    sysctl_try("overcommit_memory", "0x\n", "0x");
    sysctl_try("overcommit_memory", "1x\n", "1x");
    sysctl_try("overcommit_memory", "\n", "(newline)");
    sysctl_try("overcommit_memory", "+0\n", "+0");
    sysctl_try("overcommit_memory", "0x0\n", "0x0");
    sysctl_try("overcommit_memory", "00\n", "00");
    sysctl_try("overcommit_memory", "  0\n", "(spaces)0");
    sysctl_try("overcommit_memory", "0 2\n", "0(space)2");
    sysctl_try("overcommit_memory", "99999999999999999999999\n", "99999999999999999999999");

    step("overcommit_ratio");
    sysctl_try("overcommit_ratio", "2147483648\n", "2147483648");
    sysctl_try("overcommit_ratio", "-5\n", "-5");
    sysctl_try("overcommit_ratio", "010\n", "010");
    sysctl_try("overcommit_ratio", "08\n", "08");
    sysctl_try("overcommit_ratio", "50\n", "50");

    step("overcommit_kbytes");
    sysctl_try("overcommit_kbytes", "-1\n", "-1");
    sysctl_try("overcommit_kbytes", "18446744073709551616\n", "18446744073709551616");
    sysctl_try("overcommit_kbytes", "0x10\n", "0x10");
    sysctl_show("overcommit_ratio");
    sysctl_try("overcommit_ratio", "50\n", "50");
    sysctl_show("overcommit_kbytes");

    step("reserves");
    sysctl_try("user_reserve_kbytes", "-1\n", "-1");
    sysctl_try("admin_reserve_kbytes", "x\n", "x");
    return truth_end();
}
