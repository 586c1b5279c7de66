/*
 * 05-pss-truncation: per-VMA truncation of Pss with 3 and 7 sharers.
 *
 * A 1-page region A and a 3-page region B (kept apart by a PROT_NONE spacer
 * so they cannot merge) are written, then shared by 3 processes and then by
 * 7.  Pss is summed per VMA in fixed point and truncated once:
 *   3 sharers: A = 5592405 >> 22 = 1 kB, B = 3*5592405 >> 22 = 3 kB (not 4);
 *   7 sharers: A = 2396745 >> 22 = 0 kB, B = 3*2396745 >> 22 = 1 kB.
 *
 * linux-semantics.md: 3.4, 10 item 2.
 */
#include "../truth.h"

#define NKIDS 6

static const char *names[NKIDS] = {"C1", "C2", "C3", "C4", "C5", "C6"};

/* Print the smaps blocks of A and B in `who`. */
static void show(const char *who, char *a, char *b)
{
    smaps(who, "a", a);
    smaps(who, "b", b);
}

int main(void)
{
    struct peer kid[NKIDS];

    truth_init();
    for (int i = 0; i < NKIDS; i++)
        peer_init(&kid[i], names[i]);

    step("setup");
    char *a = map_anon(PAGE);
    char *spacer = map(PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *b = map_anon(3 * PAGE);
    mem_write("write-a", a, PAGE);
    mem_write("write-b", b, 3 * PAGE);
    show("P", a, b);
    smaps("P", "spacer", spacer);

    step("three-sharers");
    peer_spawn(&kid[0]);
    peer_spawn(&kid[1]);
    show("P", a, b);
    show("C1", a, b);
    pagemap("P", "a", a, 0);

    step("seven-sharers");
    for (int i = 2; i < NKIDS; i++)
        peer_spawn(&kid[i]);
    show("P", a, b);
    show("C6", a, b);
    pagemap("P", "b", b, 0);
    return truth_end();
}
