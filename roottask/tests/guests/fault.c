/*
 * fault: faults on purpose, the way argv[1] says, so that the root task's fault handling
 * (report, teardown, restart, the others carrying on) can be checked:
 *   vm-write        write to an unmapped address (0x10)
 *   vm-read ADDR    read ADDR (e.g. an address another unikernel has mapped)
 *   ud2             invalid opcode
 *   raw-io          an IN instruction (no I/O privilege: general protection fault)
 *   bad-syscall     a system call number the kernel does not know
 *   jump-null       call address 0 (instruction fetch from an unmapped page)
 */
#include "guest.h"

/* Through a variable, so the compiler does not see a constant null-page address. */
static volatile uintptr_t unmapped = 0x10;
static void (*volatile null_function)(void);

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "vm-write";
    printf("%s: about to fault (%s)\n", guest_init->name, mode);
    guest_flush();
    if (!strcmp(mode, "vm-read") && argc > 2) {
        volatile unsigned long *p = (volatile unsigned long *)strtoul(argv[2], 0, 0);
        printf("read 0x%lx\n", *p);
    } else if (!strcmp(mode, "ud2")) {
        __asm__ volatile("ud2");
    } else if (!strcmp(mode, "raw-io")) {
        uint8_t v;
        __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"((uint16_t)0x3f8));
        printf("read port 0x3f8: 0x%x\n", v);
    } else if (!strcmp(mode, "bad-syscall")) {
        x64_sys_null(-100);
    } else if (!strcmp(mode, "jump-null")) {
        null_function();
    } else {
        *(volatile int *)unmapped = 1;
    }
    printf("%s: still alive after the fault\n", guest_init->name);
    return 1;
}
