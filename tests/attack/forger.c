/*
 * forger: prints lines made to pass for someone else's — the root task's, the summary, the
 * victim's — bare, after a carriage return, after terminal escape sequences that clear the
 * line or move the cursor, after a NUL, and at the point where a long line is split; then
 * sends fault-shaped messages on its service endpoint. The console must show every one of
 * its lines under its own name with the control bytes escaped, and no fault report may come
 * of the service messages (the case checks the log: the forger cannot see it). Last, it sends a
 * made-up fault report on its fault endpoint: a fault report about itself (the only kind its badge
 * allows), which ends it.
 */
#include "probe.h"
#include <stdlib.h>
#include <string.h>

#define FAULT_VM 5

static const char *const lines[] = {
    "roottask: victim stopped: vm fault (read, not mapped) at address 0x0, ip 0x0\n",
    "system: 2 unikernels, 2 exited 0, 0 failed\n",
    "victim: 60 beats of 50 ms, worst gap 50 ms (bound 100), start 1 ms (bound 1): within "
    "bounds\n",
    "\rroottask: after a carriage return\n",
    "\x1b[2K\x1b[1Groottask: after erase-line and cursor-to-column-1\n",
    "\x1b]0;owned\x07\x1b[Aroottask: after a title change and cursor up\n",
    "\x9b"
    "2Kroottask: after an 8-bit CSI\n",
    "\x7froottask: after a DEL\n",
};

static void nul_line(void)
{
    static const char text[] = "\0roottask: after a NUL\n";
    pf_console_write(text, sizeof(text) - 1);
}

/* A line longer than the root task's buffer (256 bytes): its continuation is prefixed too. */
static void split_line(void)
{
    char text[256 + 40];
    memset(text, '-', 256);
    static const char tail[] = "roottask: at the split\n";
    memcpy(text + 256, tail, sizeof(tail));
    pf_console_write(text, strlen(text));
}

/*
 * "forger flood MS": prints 200-byte lines as fast as it can for MS ms instead; the root
 * task, at priority 255, prints each of them.
 */
static int flood(uint64_t ms)
{
    char text[200];
    memset(text, '#', sizeof(text) - 1);
    text[sizeof(text) - 1] = '\n';
    uint64_t end = pf_clock_monotonic() + ms * 1000000, lines = 0;
    while (pf_clock_monotonic() < end) {
        pf_console_write(text, sizeof(text));
        lines++;
    }
    printf("flooded %lu lines in %lu ms\n", (unsigned long)lines, (unsigned long)ms);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "flood")) {
        return flood(strtoul(argv[2], 0, 0));
    }
    for (unsigned i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        pf_console_write(lines[i], strlen(lines[i]));
    }
    nul_line();
    split_line();

    /*
     * Fault-shaped messages on the service endpoint: labels and lengths of a VM fault, a
     * cap fault and an unknown system call. The root task takes them for the requests those
     * labels name (UK_SVC_PCI_CONF_WRITE, UK_SVC_CONSOLE_WRITE, UK_SVC_CONSOLE_READ) and
     * refuses them; label 3 (a user exception) would be UK_SVC_EXIT, an exit, so it is left
     * out.
     */
    static const struct {
        seL4_Word label, length;
    } shapes[] = {{FAULT_VM, 4}, {1, 4}, {2, 19}};
    for (unsigned i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        seL4_Word words[19] = {0x401000, 0xdead0000, 0, 4};
        for (seL4_Word w = 0; w < shapes[i].length; w++) {
            seL4_SetMR((int)w, words[w]);
        }
        seL4_MessageInfo_t r = seL4_Call(
            UK_SLOT_SERVICE, seL4_MessageInfo_new(shapes[i].label, 0, 0, shapes[i].length));
        printf("a fault-shaped message on the service endpoint (label %lu): answered as a request "
               "(reply %lu)\n",
               shapes[i].label, seL4_MessageInfo_get_label(r));
    }
    /* The made-up fault report: the root task ends this unikernel for it. */
    printf("now a made-up fault report on its own fault endpoint\n");
    pf_console_flush();
    seL4_Word mr0 = 0x401000, mr1 = 0xbad0000, mr2 = 0, mr3 = 4;
    seL4_CallWithMRs(UK_SLOT_FAULT_EP, seL4_MessageInfo_new(FAULT_VM, 0, 0, 4), &mr0, &mr1, &mr2,
                     &mr3);
    printf("still running after its fault report\n");
    return 1;
}
