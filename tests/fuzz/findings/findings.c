/*
 * Kernel bugs the fuzzer found, each reduced to a minimal test. They are kernel-test-suite
 * tests (same framework, same rules: they must pass on upstream seL4), kept in a binary of
 * their own because the bugs they reproduce hang the kernel, which would stop the whole
 * suite. Each finding names the seed and invocation count of the fuzz run that found it;
 * it may be followed by variants of the same class, written while reducing it (they pass on
 * both kernels, and guard the fix against only covering the case that was found).
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

/* Variants of the class of the finding above: chains of zombies that come back to where
 * the deletion started. */

/* A CNode holding its own only cap. */
TEST(finding_revoke_cnode_holding_itself)
{
    seL4_CPtr ut = alloc_untyped(16);
    seL4_CPtr x = alloc_slot(), x_copy = alloc_slot();
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_CapTableObject, 2, ROOT_CNODE, 0, 0, x, 1));
    CHECK_OK(
        seL4_CNode_Copy(ROOT_CNODE, x_copy, WORD_BITS, ROOT_CNODE, x, WORD_BITS, seL4_AllRights));
    CHECK_OK(seL4_CNode_Move(x_copy, 1, 2, ROOT_CNODE, x, WORD_BITS));
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, x_copy, WORD_BITS));
    CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, ut, WORD_BITS));
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_UntypedObject, 16, ROOT_CNODE, 0, 0, x, 1));
}

/* Three CNodes in a ring. */
TEST(finding_revoke_three_cnodes_in_a_ring)
{
    seL4_CPtr ut = alloc_untyped(16);
    seL4_CPtr x = alloc_slot(), y = alloc_slot(), z = alloc_slot();
    seL4_CPtr xc = alloc_slot(), yc = alloc_slot();
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_CapTableObject, 1, ROOT_CNODE, 0, 0, x, 1));
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_CapTableObject, 1, ROOT_CNODE, 0, 0, y, 1));
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_CapTableObject, 1, ROOT_CNODE, 0, 0, z, 1));
    CHECK_OK(seL4_CNode_Copy(ROOT_CNODE, xc, WORD_BITS, ROOT_CNODE, x, WORD_BITS, seL4_AllRights));
    CHECK_OK(seL4_CNode_Copy(ROOT_CNODE, yc, WORD_BITS, ROOT_CNODE, y, WORD_BITS, seL4_AllRights));
    CHECK_OK(seL4_CNode_Move(y, 0, 1, ROOT_CNODE, x, WORD_BITS));  /* X in Y */
    CHECK_OK(seL4_CNode_Move(z, 0, 1, ROOT_CNODE, y, WORD_BITS));  /* Y in Z */
    CHECK_OK(seL4_CNode_Move(xc, 0, 1, ROOT_CNODE, z, WORD_BITS)); /* Z in X */
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, xc, WORD_BITS));
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, yc, WORD_BITS));
    CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, ut, WORD_BITS));
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_UntypedObject, 16, ROOT_CNODE, 0, 0, x, 1));
}

/* A TCB whose CSpace root holds the TCB's only cap, and whose own CTable slot holds the
 * CNode's only cap. */
TEST(finding_revoke_tcb_and_its_cspace_holding_each_other)
{
    seL4_CPtr ut = alloc_untyped(16);
    seL4_CPtr t = alloc_slot(), c = alloc_slot(), cc = alloc_slot();
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_TCBObject, 0, ROOT_CNODE, 0, 0, t, 1));
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_CapTableObject, 2, ROOT_CNODE, 0, 0, c, 1));
    CHECK_OK(seL4_TCB_SetSpace(t, 0, c, 0, ROOT_VS, 0));
    CHECK_OK(seL4_CNode_Copy(ROOT_CNODE, cc, WORD_BITS, ROOT_CNODE, c, WORD_BITS, seL4_AllRights));
    CHECK_OK(seL4_CNode_Move(cc, 1, 2, ROOT_CNODE, t, WORD_BITS));
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, cc, WORD_BITS));
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, c, WORD_BITS));
    CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, ut, WORD_BITS));
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_UntypedObject, 16, ROOT_CNODE, 0, 0, t, 1));
}

/* Deleting the last cap of a CNode from inside itself (the cap being deleted is in the
 * CNode that dies). */
TEST(finding_delete_cnode_through_itself)
{
    seL4_CPtr x = alloc_slot(), xc = alloc_slot();
    seL4_CPtr ut = alloc_untyped(16);
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_CapTableObject, 2, ROOT_CNODE, 0, 0, x, 1));
    CHECK_OK(seL4_CNode_Copy(ROOT_CNODE, xc, WORD_BITS, ROOT_CNODE, x, WORD_BITS, seL4_AllRights));
    CHECK_OK(seL4_CNode_Move(xc, 2, 2, ROOT_CNODE, x, WORD_BITS));
    /* xc is now the only cap outside; delete the inside one through xc, then xc. */
    CHECK_OK(seL4_CNode_Delete(xc, 2, 2));
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, xc, WORD_BITS));
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_UntypedObject, 16, ROOT_CNODE, 0, 0, x, 1));
}

int main(void)
{
    return ktest_run("");
}
