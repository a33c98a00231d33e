/*
 * The fuzzer's root task: runs the fuzz world under the supervisor, then, on the same kernel,
 * a subset of the kernel test suite as sanity checks (retype, IPC, notifications, mapping,
 * threads), and ends with the line the make target looks for:
 *
 *     fuzz: N invocations, 0 kernel faults
 */
#include "supervisor.h"

#include "../kernel/framework.h"

/* Kernel test suite tests that show the kernel still works after fuzzing. */
static const char sanity_tests[] =
    "untyped_retype_tcb,untyped_retype_endpoint,untyped_retype_4k_frame,"
    "untyped_reuse_after_revoke,untyped_memory_zeroed_on_reuse,ipc_call_reply,"
    "ipc_reply_recv_server,ipc_cap_transfer_with_grant,ntfn_signal_then_wait,"
    "ntfn_wait_blocks_until_signal,frame_map_4k_read_write,vspace_page_map_missing_levels,"
    "tcb_configure_and_start,vspace_thread_in_new_vspace";

int main(void)
{
    printf("fuzz: seed 0x%lx, %lu invocations\n", fuzz_cfg_seed, fuzz_cfg_invocations);
    struct fz_outcome out = {0, 1};
    if (fz_supervisor_init() == 0) {
        fz_supervisor_run(fuzz_cfg_invocations, &out);
    }
    if (out.kernel_faults == 0) {
        fz_supervisor_teardown();
        printf("fuzz: sanity checks after fuzzing (kernel test suite subset)\n");
        if (ktest_run(sanity_tests) != 0) {
            printf("fuzz: FAILED: sanity checks\n");
            out.kernel_faults++;
        }
    }
    printf("fuzz: %lu invocations, %lu kernel faults\n", out.invocations, out.kernel_faults);
    return out.kernel_faults ? 1 : 0;
}
