/*
 * chatter: prints argv[1] lines (default 20), each sent to the console in several small
 * pieces with a yield in between, so that unikernels running together hand the root task
 * interleaved partial lines. Every line is "NAME line K: " and the name repeated, which
 * the test checks is never broken or mixed.
 */
#include "guest.h"

int main(int argc, char **argv)
{
    unsigned lines = argc > 1 ? (unsigned)strtoul(argv[1], 0, 0) : 20;
    const char *name = guest_init->name;
    for (unsigned i = 0; i < lines; i++) {
        printf("%s line %u: ", name, i);
        for (int piece = 0; piece < 8; piece++) {
            printf("%s%s", piece ? "-" : "", name);
            guest_flush(); /* a partial line reaches the root task */
            seL4_Yield();
        }
        printf("\n");
    }
    return 0;
}
