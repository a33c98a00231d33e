/*
 * Kernel bugs the fuzzer found, each reduced to a minimal test. They are kernel-test-suite
 * tests (same framework, same rules: they must pass on upstream seL4), kept in a binary of
 * their own because the bugs they reproduce hang the kernel, which would stop the whole
 * suite. Each test names the seed and invocation count of the fuzz run that found it.
 */
#include "../../kernel/support.h"

/*
 * Seed 4, about 600 000 invocations (hang): two CNodes that hold each other's only cap.
 *
 * Revoking the untyped they came from must destroy both. Deleting the first turns its cap
 * into a zombie; clearing its slots then reaches the other CNode's last cap, which becomes
 * a zombie too, whose slots hold the first zombie. The kernel must not follow that cycle
 * of zombies forever.
 */
TEST(finding_revoke_cnodes_holding_each_other)
{
    seL4_CPtr ut = alloc_untyped(16);
    seL4_CPtr x = alloc_slot(), y = alloc_slot(), x_copy = alloc_slot();
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_CapTableObject, 1, ROOT_CNODE, 0, 0, x, 1));
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_CapTableObject, 1, ROOT_CNODE, 0, 0, y, 1));
    CHECK_OK(
        seL4_CNode_Copy(ROOT_CNODE, x_copy, WORD_BITS, ROOT_CNODE, x, WORD_BITS, seL4_AllRights));
    /* X's cap into Y's slot 0, Y's into X's slot 0; then no cap to either is left outside. */
    CHECK_OK(seL4_CNode_Move(y, 0, 1, ROOT_CNODE, x, WORD_BITS));
    CHECK_OK(seL4_CNode_Move(x_copy, 0, 1, ROOT_CNODE, y, WORD_BITS));
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, x_copy, WORD_BITS));
    CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, ut, WORD_BITS));
    /* Both are gone: the whole untyped can be used again. */
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_UntypedObject, 16, ROOT_CNODE, 0, 0, x, 1));
}
