/*
 * First C code of a root task: TLS for the initial thread, the IPC buffer pointer, main,
 * then QEMU's exit with main's status.
 */
#include <runtime.h>

int main(void);
void runtime_start_root(const seL4_BootInfo *bi);

static const seL4_BootInfo *boot_info;
static char initial_tls[4096] __attribute__((aligned(64)));

const seL4_BootInfo *runtime_bootinfo(void)
{
    return boot_info;
}

void runtime_start_root(const seL4_BootInfo *bi)
{
    boot_info = bi;
    if (runtime_tls_size() > sizeof(initial_tls)) {
        /* No TLS yet, so no printf: say it through the raw debug console. */
        const char *msg = "runtime: TLS image too large for the initial thread\n";
        while (*msg) {
            seL4_DebugPutChar(*msg++);
        }
        runtime_exit_qemu(1);
    }
    uintptr_t tp = runtime_tls_init(initial_tls);
    seL4_TCB_SetTLSBase(seL4_CapInitThreadTCB, tp);
    seL4_SetIPCBuffer(bi->ipcBuffer);
    runtime_exit_qemu(main());
}

/*
 * isa-debug-exit on port 0xf4: QEMU exits with (value << 1) | 1. The cap goes in the last
 * empty slot, which the runtime keeps for itself.
 */
void runtime_exit_qemu(int status)
{
    const seL4_BootInfo *bi = boot_info;
    if (bi) {
        seL4_CPtr slot = bi->empty.end - 1;
        seL4_CNode_Delete(seL4_CapInitThreadCNode, slot, seL4_WordBits);
        if (seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0xf4, 0xf4, seL4_CapInitThreadCNode,
                                         slot, seL4_WordBits) == seL4_NoError) {
            seL4_X86_IOPort_Out8(slot, 0xf4, status ? 1 : 0);
        }
    }
    printf("runtime: could not exit QEMU (status %d); suspending\n", status);
    seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    for (;;) {
        seL4_Yield();
    }
}
