/*
 * The smallest root task: proves the kernel loads an ELF, passes bootinfo, supports TLS
 * and debug output, and lets the root task end QEMU.
 */
#include <runtime.h>

static __thread int tls_probe = 42;

int main(void)
{
    const seL4_BootInfo *bi = runtime_bootinfo();
    printf("hello from the root task: bootinfo at %p, %lu untypeds, TSC %u MHz, tls %d\n",
           (void *)bi, bi->untyped.end - bi->untyped.start, seL4_BootInfo_TSCFrequencyMHz(bi),
           tls_probe);
    return 0;
}
