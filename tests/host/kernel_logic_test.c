/*
 * Host-side unit tests of the kernel's pure logic: message-info and cap-data packing,
 * CSpace address resolution (guards, depths, lookup failures) and the capability
 * derivation tree (copies, badges, revoke, delete, swap, cyclic CNodes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kernel.h>
#include "host_check.h"
#include "kernel_stubs.h"
#include <untyped.h>

/* Dummy kernel objects: only their addresses matter here. */
static endpoint_t endpoints[4] __attribute__((aligned(64)));

static cap_t endpoint_cap(int i, word_t badge)
{
    return cap_endpoint_new(&endpoints[i], badge, seL4_AllRights);
}

static void put_root(cte_t *slot, cap_t cap)
{
    memset(slot, 0, sizeof(*slot));
    slot->cap = cap;
    slot->mdb.revocable = 1;
    slot->mdb.first_badged = 1;
}

/* Every link in the list through `start` agrees with its neighbour. */
static int mdb_consistent(cte_t *start)
{
    cte_t *s = start;
    while (s->mdb.prev) {
        s = s->mdb.prev;
    }
    for (; s; s = mdb_next(s)) {
        cte_t *n = mdb_next(s);
        if (n && n->mdb.prev != s) {
            return 0;
        }
    }
    return 1;
}

/* --- Packing -------------------------------------------------------------------------------- */

static void test_message_info_packing(void)
{
    seL4_MessageInfo_t m = seL4_MessageInfo_new(0x123, 5, 3, 120);
    CHECK_EQ(m.words[0], (0x123ul << 12) | (5ul << 9) | (3ul << 7) | 120);
    CHECK_EQ(seL4_MessageInfo_get_label(m), 0x123);
    CHECK_EQ(seL4_MessageInfo_get_capsUnwrapped(m), 5);
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(m), 3);
    CHECK_EQ(seL4_MessageInfo_get_length(m), 120);
    m = seL4_MessageInfo_set_length(m, 7);
    CHECK_EQ(seL4_MessageInfo_get_length(m), 7);
    CHECK_EQ(seL4_MessageInfo_get_label(m), 0x123);
    CHECK_EQ(seL4_CNode_CapData_new(0x5, 52).words[0], (0x5ul << 6) | 52);
    CHECK_EQ(seL4_AllRights.words[0], 0xf);
    CHECK_EQ(seL4_NoWrite.words[0], 0xe);
}

/* --- CSpace resolution
 * ---------------------------------------------------------------------------- */

static void test_resolve_root_cnode(void)
{
    cte_t *root = host_cnode_alloc(12);
    cap_t root_cap = cap_cnode_new(root, 12, 52, 0);
    lookup_result_t r = resolve_address_bits(root_cap, 5, 64);
    CHECK_EQ(r.status, EXCEPTION_NONE);
    CHECK(r.slot == &root[5]);
    CHECK_EQ(r.bits_remaining, 0);
    /* 12 bits cannot hold a 52-bit guard. */
    r = resolve_address_bits(root_cap, 5, 12);
    CHECK_EQ(r.status, EXCEPTION_LOOKUP_FAULT);
    CHECK_EQ(current_lookup_fault.type, seL4_GuardMismatch);
    CHECK_EQ(current_lookup_fault.bits_left, 12);
    CHECK_EQ(current_lookup_fault.guard_bits_found, 52);
    /* A non-zero guard in the cptr's top bits. */
    r = resolve_address_bits(root_cap, (1ul << 63) | 5, 64);
    CHECK_EQ(current_lookup_fault.type, seL4_GuardMismatch);
    r = resolve_address_bits(endpoint_cap(0, 0), 5, 64);
    CHECK_EQ(current_lookup_fault.type, seL4_InvalidRoot);
    free(root);
}

static void test_resolve_two_levels(void)
{
    cte_t *top = host_cnode_alloc(8), *leaf = host_cnode_alloc(4);
    cap_t top_cap = cap_cnode_new(top, 8, 0, 0);
    put_root(&top[3], cap_cnode_new(leaf, 4, 4, 0xa));
    put_root(&top[9], endpoint_cap(1, 0));

    lookup_result_t r = resolve_address_bits(top_cap, (3ul << 8) | (0xa << 4) | 7, 16);
    CHECK_EQ(r.status, EXCEPTION_NONE);
    CHECK(r.slot == &leaf[7]);

    r = resolve_address_bits(top_cap, (3ul << 8) | (0xb << 4) | 7, 16);
    CHECK_EQ(current_lookup_fault.type, seL4_GuardMismatch);
    CHECK_EQ(current_lookup_fault.bits_left, 8);
    CHECK_EQ(current_lookup_fault.depth_bits_found, 0xa);
    CHECK_EQ(current_lookup_fault.guard_bits_found, 4);

    /* 10 bits: the first level takes 8, the second needs 8 more. */
    r = resolve_address_bits(top_cap, 3ul << 2, 10);
    CHECK_EQ(current_lookup_fault.type, seL4_GuardMismatch);
    r = resolve_address_bits(top_cap, (3ul << 6) | (0xa << 2), 14);
    CHECK_EQ(current_lookup_fault.type, seL4_DepthMismatch);
    CHECK_EQ(current_lookup_fault.bits_left, 6);
    CHECK_EQ(current_lookup_fault.depth_bits_found, 8);

    /* A non-CNode cap ends the walk early with bits left over. */
    r = resolve_address_bits(top_cap, 9ul << 8, 16);
    CHECK_EQ(r.status, EXCEPTION_NONE);
    CHECK(r.slot == &top[9]);
    CHECK_EQ(r.bits_remaining, 8);

    /* CNode operations insist on consuming exactly `depth` bits. */
    r = lookup_slot_for_cnode_op(false, top_cap, 9ul << 8, 16);
    CHECK_EQ(r.status, EXCEPTION_SYSCALL_ERROR);
    CHECK_EQ(current_syscall_error.type, seL4_FailedLookup);
    CHECK_EQ(current_lookup_fault.type, seL4_DepthMismatch);
    r = lookup_slot_for_cnode_op(true, top_cap, 9, 0);
    CHECK_EQ(current_syscall_error.type, seL4_RangeError);
    CHECK_EQ(current_syscall_error.range_min, 1);
    CHECK_EQ(current_syscall_error.range_max, 64);
    r = lookup_slot_for_cnode_op(true, top_cap, 9, 8);
    CHECK_EQ(r.status, EXCEPTION_NONE);
    CHECK(r.slot == &top[9]);
    free(top);
    free(leaf);
}

/* --- Derivation tree
 * ------------------------------------------------------------------------------- */

static void test_copies_and_finality(void)
{
    cte_t *cn = host_cnode_alloc(4);
    put_root(&cn[0], endpoint_cap(0, 0));
    cte_insert(cn[0].cap, &cn[0], &cn[1]);
    CHECK(!is_final_capability(&cn[0]));
    CHECK(!is_final_capability(&cn[1]));
    CHECK(mdb_consistent(&cn[0]));
    finalised_count = 0;
    cte_delete(&cn[1]);
    CHECK_EQ(finalised_count, 0);
    CHECK(is_final_capability(&cn[0]));
    cte_delete(&cn[0]);
    CHECK_EQ(finalised_count, 1);
    CHECK(cap_is_null(cn[0].cap));
    free(cn);
}

static void test_badged_revoke(void)
{
    cte_t *cn = host_cnode_alloc(4);
    put_root(&cn[0], endpoint_cap(0, 0));
    /* Two badged children, each with a copy. */
    cte_insert(update_cap_data(false, 7, cn[0].cap), &cn[0], &cn[1]);
    cte_insert(cn[1].cap, &cn[1], &cn[2]);
    cte_insert(update_cap_data(false, 9, cn[0].cap), &cn[0], &cn[3]);
    CHECK(cn[1].mdb.revocable && !cn[2].mdb.revocable);
    CHECK(is_mdb_parent_of(&cn[0], &cn[1]));
    CHECK(is_mdb_parent_of(&cn[1], &cn[2]));
    CHECK(!is_mdb_parent_of(&cn[1], &cn[3]));
    /* A badge cannot be replaced. */
    CHECK(cap_is_null(update_cap_data(false, 3, cn[1].cap)));
    cte_revoke(&cn[1]);
    CHECK(cap_is_null(cn[2].cap));
    CHECK(!cap_is_null(cn[3].cap));
    cte_revoke(&cn[0]);
    CHECK(cap_is_null(cn[1].cap) && cap_is_null(cn[3].cap));
    CHECK(!cap_is_null(cn[0].cap));
    CHECK(mdb_consistent(&cn[0]));
    free(cn);
}

static void test_untyped_children(void)
{
    cte_t *cn = host_cnode_alloc(4);
    put_root(&cn[0], cap_untyped_new(0x100000, 16, false, 0));
    CHECK(!slot_has_children(&cn[0]));
    CHECK_EQ(ensure_no_children(&cn[0]), EXCEPTION_NONE);
    cte_insert_new_object(&cn[0], &cn[1], cap_frame_new(0x100000, FRAME_4K, VM_READ_WRITE, 0));
    cte_insert_new_object(&cn[0], &cn[2], cap_frame_new(0x101000, FRAME_4K, VM_READ_WRITE, 0));
    CHECK(slot_has_children(&cn[0]));
    CHECK_EQ(ensure_no_children(&cn[0]), EXCEPTION_SYSCALL_ERROR);
    CHECK_EQ(current_syscall_error.type, seL4_RevokeFirst);
    derive_result_t d = derive_cap(&cn[0], cn[0].cap);
    CHECK_EQ(d.status, EXCEPTION_SYSCALL_ERROR);
    /* A frame outside the untyped's range is not its child. */
    CHECK(!same_region_as(cn[0].cap, cap_frame_new(0x200000, FRAME_4K, VM_READ_WRITE, 0)));
    cte_revoke(&cn[0]);
    CHECK(cap_is_null(cn[1].cap) && cap_is_null(cn[2].cap));
    CHECK(!slot_has_children(&cn[0]));
    free(cn);
}

static void test_swap_neighbours(void)
{
    cte_t *cn = host_cnode_alloc(4);
    put_root(&cn[0], endpoint_cap(0, 0));
    cte_insert(cn[0].cap, &cn[0], &cn[1]);
    cte_insert(cn[1].cap, &cn[1], &cn[2]);
    /* cn[1] and cn[2] are neighbours in the list: the order of updates matters. */
    cte_swap(cn[1].cap, &cn[1], cn[2].cap, &cn[2]);
    CHECK(mdb_consistent(&cn[0]));
    CHECK(mdb_next(&cn[0]) == &cn[2]);
    CHECK(mdb_next(&cn[2]) == &cn[1]);
    cte_move(cn[1].cap, &cn[1], &cn[5]);
    CHECK(cap_is_null(cn[1].cap));
    CHECK(mdb_next(&cn[2]) == &cn[5]);
    CHECK(mdb_consistent(&cn[0]));
    free(cn);
}

static void test_cyclic_cnode_delete(void)
{
    /* A CNode whose only cap lives in one of its own slots, plus a nested CNode. */
    cte_t *outer = host_cnode_alloc(3), *inner = host_cnode_alloc(2), *holder = host_cnode_alloc(1);
    put_root(&holder[0], cap_cnode_new(outer, 3, 0, 0));
    cte_move(holder[0].cap, &holder[0], &outer[2]);
    put_root(&outer[5], cap_cnode_new(inner, 2, 0, 0));
    put_root(&inner[1], endpoint_cap(2, 0));
    finalised_count = 0;
    cte_delete(&outer[2]);
    CHECK(cap_is_null(outer[2].cap));
    CHECK(cap_is_null(outer[5].cap));
    CHECK(cap_is_null(inner[1].cap));
    CHECK_EQ(finalised_count, 3); /* outer, inner, the endpoint */
    free(outer);
    free(inner);
    free(holder);
}

static void test_cnodes_holding_each_other(void)
{
    /* X's only cap is in Y and Y's only cap is in X: deleting one must destroy both. */
    cte_t *x = host_cnode_alloc(1), *y = host_cnode_alloc(1);
    put_root(&y[0], cap_cnode_new(x, 1, 0, 0));
    put_root(&x[0], cap_cnode_new(y, 1, 0, 0));
    finalised_count = 0;
    cte_delete(&y[0]);
    CHECK(cap_is_null(x[0].cap));
    CHECK(cap_is_null(y[0].cap));
    CHECK_EQ(finalised_count, 2);
    free(x);
    free(y);
}

static void test_untyped_placement(void)
{
    paddr_t first;
    word_t index, left;
    /* A fresh 64 KiB untyped: four 16 KiB objects fill it exactly, five do not. */
    CHECK(untyped_place(0x100000, 16, 0, 14, 4, &first, &index, &left));
    CHECK_EQ(first, 0x100000);
    CHECK_EQ(index << 4, 0x10000);
    CHECK(!untyped_place(0x100000, 16, 0, 14, 5, &first, &index, &left));
    CHECK_EQ(left, 0x10000);
    /* After a 16-byte object the next 4 KiB object is aligned up to 4 KiB... */
    CHECK(untyped_place(0x100000, 16, 1, 12, 1, &first, &index, &left));
    CHECK_EQ(first, 0x101000);
    CHECK_EQ(index << 4, 0x2000);
    /* ...so only 15 of them fit, though 16 pages' worth minus 16 bytes remain. */
    CHECK(untyped_place(0x100000, 16, 1, 12, 15, &first, &index, &left));
    CHECK(!untyped_place(0x100000, 16, 1, 12, 16, &first, &index, &left));
    CHECK_EQ(left, 0x10000 - 16);
    /* An object bigger than the untyped never fits; a full untyped has nothing left. */
    CHECK(!untyped_place(0x100000, 12, 0, 13, 1, &first, &index, &left));
    CHECK(!untyped_place(0x100000, 12, 0x100, 4, 1, &first, &index, &left));
    CHECK_EQ(left, 0);
}

static const struct {
    const char *name;
    void (*fn)(void);
} tests[] = {
    {"message_info_packing", test_message_info_packing},
    {"untyped_placement", test_untyped_placement},
    {"resolve_root_cnode", test_resolve_root_cnode},
    {"resolve_two_levels", test_resolve_two_levels},
    {"copies_and_finality", test_copies_and_finality},
    {"badged_revoke", test_badged_revoke},
    {"untyped_children", test_untyped_children},
    {"swap_neighbours", test_swap_neighbours},
    {"cyclic_cnode_delete", test_cyclic_cnode_delete},
    {"cnodes_holding_each_other", test_cnodes_holding_each_other},
};

int main(void)
{
    int failed_tests = 0;
    for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        int before = host_checks_failed;
        tests[i].fn();
        int ok = host_checks_failed == before;
        failed_tests += !ok;
        printf("TEST kernel_logic_%s ... %s\n", tests[i].name, ok ? "ok" : "FAILED");
    }
    size_t n = sizeof(tests) / sizeof(tests[0]);
    printf("%zu passed, %d failed\n", n - failed_tests, failed_tests);
    return failed_tests ? 1 : 0;
}
