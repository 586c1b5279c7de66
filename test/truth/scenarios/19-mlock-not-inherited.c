/*
 * 19-mlock-not-inherited: mlock and fork.
 *
 * mlock of an untouched 64 KiB private anonymous region populates it (the
 * faults are counted, through GUP) and sets "lo": Locked 64 kB, VmLck 64.
 * After fork C's copy has no "lo", Locked 0 and VmLck 0 (VM_LOCKED is
 * stripped), Shared_Dirty 64.  P's Locked is Pss-based, so it drops to
 * 32 kB although P still has 64 kB locked (VmLck 64).
 *
 * linux-semantics.md: 2.1 (Locked), 4.1, 4.3, 9.5.
 */
#include "../truth.h"

int main(void)
{
    struct peer c;

    truth_init();
    peer_init(&c, "C");

    step("mmap");
    char *l = map_anon(64 * KiB);
    smaps("P", "locked", l);

    step("mlock");
    MEASURE("mlock", if (mlock(l, 64 * KiB)) die("mlock"));
    smaps("P", "locked", l);
    pagemap("P", "locked", l, 0);
    status("P");

    step("fork");
    peer_spawn(&c);
    smaps("P", "locked", l);
    smaps("C", "locked", l);
    status("P");
    status("C");

    step("child-writes");
    peer_write(&c, "write-all", l, 64 * KiB);
    smaps("P", "locked", l);
    smaps("C", "locked", l);
    return truth_end();
}
