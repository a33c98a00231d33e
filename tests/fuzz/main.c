/*
 * The fuzzer's root task: runs the fuzz world under the supervisor, then, on the same kernel,
 * a subset of the kernel test suite as sanity checks (retype, IPC, notifications, mapping,
 * threads), and ends with the line the make target looks for:
 *
 *     fuzz: N invocations, 0 kernel faults
 */
#include "supervisor.h"

/* The kernel test suite's runner (tests/kernel/framework.c, its main renamed by fuzz.mk),
 * with the sanity tests compiled in as its filter. Returns non-zero if a test failed. */
int ktest_main(void);

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
        if (ktest_main() != 0) {
            printf("fuzz: FAILED: sanity checks\n");
            out.kernel_faults++;
        }
    }
    printf("fuzz: %lu invocations, %lu kernel faults\n", out.invocations, out.kernel_faults);
    return out.kernel_faults ? 1 : 0;
}
