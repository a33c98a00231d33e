/*
 * I/O ports: IOPortControl_Issue (ranges issued once, freed with their last cap, argument
 * checks) and In/Out of 8/16/32 bits with range checks, on real QEMU devices: the CMOS
 * RTC (ports 0x70/0x71) and PCI configuration space (0xCF8/0xCFC, host bridge at 0:0.0).
 */
#include "support.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define PCI_ADDR   0xcf8
#define PCI_DATA   0xcfc

static seL4_Error issue(seL4_Word first, seL4_Word last, seL4_CPtr *slot)
{
    *slot = alloc_slot();
    return seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, first, last, ROOT_CNODE, *slot,
                                        WORD_BITS);
}

static seL4_CPtr issue_ok_at(seL4_Word first, seL4_Word last, int line)
{
    seL4_CPtr slot;
    seL4_Error err = issue(first, last, &slot);
    if (err != seL4_NoError) {
        ktest_fail(__FILE__, line, "issuing ports 0x%lx..0x%lx: expected seL4_NoError, got %s",
                   first, last, ktest_error_name(err));
    }
    return slot;
}
#define issue_ok(first, last) issue_ok_at((first), (last), __LINE__)

TEST(ioport_issue)
{
    seL4_CPtr port = issue_ok(CMOS_INDEX, CMOS_DATA);
    CHECK_EQ(seL4_DebugCapIdentify(port), seL4_CapType_IOPort);
    /* A single port is a range too. */
    CHECK_EQ(seL4_DebugCapIdentify(issue_ok(0x80, 0x80)), seL4_CapType_IOPort);
}

TEST(ioport_issue_overlap_refused)
{
    seL4_CPtr slot;
    issue_ok(0x2f8, 0x2ff);
    CHECK_ERR(issue(0x2f8, 0x2ff, &slot), seL4_RevokeFirst); /* the same range */
    CHECK_ERR(issue(0x2f0, 0x2f8, &slot), seL4_RevokeFirst); /* overlapping at the start */
    CHECK_ERR(issue(0x2ff, 0x300, &slot), seL4_RevokeFirst); /* overlapping at the end */
    CHECK_ERR(issue(0x2fa, 0x2fb, &slot), seL4_RevokeFirst); /* inside */
    CHECK_ERR(issue(0x200, 0x3ff, &slot), seL4_RevokeFirst); /* around */
    CHECK_EQ(seL4_DebugCapIdentify(slot), seL4_CapType_Null);
    /* Neighbours are free. */
    issue_ok(0x2f0, 0x2f7);
    issue_ok(0x300, 0x307);
}

TEST(ioport_freed_with_last_cap)
{
    seL4_CPtr slot;
    seL4_CPtr port = issue_ok(0x2e8, 0x2ef);
    seL4_CPtr copy = copy_cap(port, seL4_AllRights);
    CHECK_EQ(seL4_DebugCapIdentify(copy), seL4_CapType_IOPort);
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, port, WORD_BITS));
    CHECK_ERR(issue(0x2e8, 0x2ef, &slot), seL4_RevokeFirst); /* the copy keeps them */
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, copy, WORD_BITS));
    issue_ok(0x2e8, 0x2ef);
}

TEST(ioport_issue_argument_checks)
{
    seL4_CPtr slot;
    CHECK_ERR(issue(0x71, 0x70, &slot), seL4_InvalidArgument);
    CHECK_MR(0, 1);
    /* Ports are 16-bit: higher bits are ignored. */
    seL4_CPtr wide = issue_ok(0x10300, 0x10307);
    CHECK_ERR(issue(0x300, 0x300, &slot), seL4_RevokeFirst);
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, wide, WORD_BITS));
    /* Destination slot occupied, bad depth. */
    seL4_CPtr busy = alloc_obj(seL4_EndpointObject, 0);
    CHECK_ERR(seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x300, 0x301, ROOT_CNODE, busy,
                                           WORD_BITS),
              seL4_DeleteFirst);
    CHECK_ERR(seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x300, 0x301, ROOT_CNODE,
                                           alloc_slot(), 0),
              seL4_RangeError);
    /* Too few words, or no CNode. */
    seL4_Word w[4] = {0x300, 0x301, alloc_slot(), WORD_BITS};
    seL4_SetCap(0, ROOT_CNODE);
    CHECK_ERR(seL4_Invoke_(seL4_CapIOPortControl, seL4_X86IOPortControlIssue, 1, 3, w, 0),
              seL4_TruncatedMessage);
    CHECK_ERR(seL4_Invoke_(seL4_CapIOPortControl, seL4_X86IOPortControlIssue, 0, 4, w, 0),
              seL4_TruncatedMessage);
    CHECK_ERR(seL4_Invoke_(seL4_CapIOPortControl, seL4_X86IOPortIn8, 1, 4, w, 0),
              seL4_IllegalOperation);
}

/*
 * Everything above the PC's system-board range (0x000-0x0ff) in one cap. A kernel may keep
 * system-board ports for itself (ours keeps the 8259 PICs, whose reprogramming could
 * inject interrupts on exception vectors), so the test does not ask for those.
 */
TEST(ioport_whole_range)
{
    seL4_CPtr slot;
    /* Everything from 0x100 on, or after COM1 when the suite's console holds it. */
    seL4_CPtr all = issue_ok(KTEST_CONSOLE_PORTS ? 0x400 : 0x100, 0xffff);
    CHECK_ERR(issue(0xf000, 0xf000, &slot), seL4_RevokeFirst);
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, all, WORD_BITS));
    issue_ok(0xf000, 0xf000);
}

TEST(ioport_access_range_checks)
{
    seL4_CPtr port = issue_ok(PCI_ADDR, PCI_ADDR + 7);
    /* Inside: every width at the edges that fit. */
    CHECK_OK(seL4_X86_IOPort_In8(port, PCI_ADDR + 7).error);
    CHECK_OK(seL4_X86_IOPort_In16(port, PCI_ADDR + 6).error);
    CHECK_OK(seL4_X86_IOPort_In32(port, PCI_ADDR + 4).error);
    /* Partly or wholly outside: refused. */
    CHECK_ERR(seL4_X86_IOPort_In8(port, PCI_ADDR - 1).error, seL4_IllegalOperation);
    CHECK_ERR(seL4_X86_IOPort_In8(port, PCI_ADDR + 8).error, seL4_IllegalOperation);
    CHECK_ERR(seL4_X86_IOPort_In16(port, PCI_ADDR + 7).error, seL4_IllegalOperation);
    CHECK_ERR(seL4_X86_IOPort_In32(port, PCI_ADDR + 5).error, seL4_IllegalOperation);
    CHECK_ERR(seL4_X86_IOPort_Out8(port, 0x80, 0), seL4_IllegalOperation);
    CHECK_ERR(seL4_X86_IOPort_Out16(port, PCI_ADDR + 7, 0), seL4_IllegalOperation);
    CHECK_ERR(seL4_X86_IOPort_Out32(port, PCI_ADDR - 2, 0), seL4_IllegalOperation);
}

TEST(ioport_truncated_and_illegal)
{
    seL4_CPtr port = issue_ok(CMOS_INDEX, CMOS_DATA);
    seL4_Word w[2] = {CMOS_INDEX, 0};
    CHECK_ERR(seL4_Invoke_(port, seL4_X86IOPortIn8, 0, 0, w, 0), seL4_TruncatedMessage);
    CHECK_ERR(seL4_Invoke_(port, seL4_X86IOPortOut8, 0, 1, w, 0), seL4_TruncatedMessage);
    CHECK_ERR(seL4_Invoke_(port, seL4_X86IOPortControlIssue, 0, 2, w, 0), seL4_IllegalOperation);
    CHECK_ERR(seL4_Invoke_(port, seL4_CNodeCopy, 0, 2, w, 0), seL4_IllegalOperation);
}

static seL4_Word cmos_read(seL4_CPtr port, seL4_Word reg)
{
    CHECK_OK(seL4_X86_IOPort_Out8(port, CMOS_INDEX, reg));
    seL4_X86_IOPort_In8_t r = seL4_X86_IOPort_In8(port, CMOS_DATA);
    CHECK_OK(r.error);
    return r.result;
}

static int bcd_ok(seL4_Word v, seL4_Word max)
{
    return (v & 0xf) <= 9 && (v >> 4) <= 9 && ((v >> 4) * 10 + (v & 0xf)) <= max;
}

TEST(ioport_cmos_rtc_time)
{
    seL4_CPtr port = issue_ok(CMOS_INDEX, CMOS_DATA);
    seL4_Word status_b = cmos_read(port, 0x0b);
    int binary = (status_b & 0x04) != 0;
    seL4_Word sec = cmos_read(port, 0x00);
    seL4_Word min = cmos_read(port, 0x02);
    seL4_Word mday = cmos_read(port, 0x07);
    seL4_Word month = cmos_read(port, 0x08);
    if (binary) {
        CHECK_LE(sec, 59);
        CHECK_LE(min, 59);
        CHECK(mday >= 1 && mday <= 31);
        CHECK(month >= 1 && month <= 12);
    } else {
        CHECK(bcd_ok(sec, 59));
        CHECK(bcd_ok(min, 59));
        CHECK(bcd_ok(mday, 31) && mday != 0);
        CHECK(bcd_ok(month, 12) && month != 0);
    }
    /* Register D bit 7: the RTC's battery/RAM is valid. */
    CHECK_EQ(cmos_read(port, 0x0d) & 0x80, 0x80);
}

TEST(ioport_pci_host_bridge)
{
    seL4_CPtr port = issue_ok(PCI_ADDR, PCI_ADDR + 7);
    /* Configuration address of bus 0, device 0, function 0, register 0. */
    CHECK_OK(seL4_X86_IOPort_Out32(port, PCI_ADDR, 0x80000000u));
    seL4_X86_IOPort_In32_t id = seL4_X86_IOPort_In32(port, PCI_DATA);
    CHECK_OK(id.error);
    CHECK_EQ(id.result & 0xffff, 0x8086); /* Intel */
    CHECK_EQ(id.result >> 16, 0x1237);    /* 440FX host bridge */
    /* The same through narrower reads. */
    seL4_X86_IOPort_In16_t vendor = seL4_X86_IOPort_In16(port, PCI_DATA);
    seL4_X86_IOPort_In16_t device = seL4_X86_IOPort_In16(port, PCI_DATA + 2);
    seL4_X86_IOPort_In8_t low = seL4_X86_IOPort_In8(port, PCI_DATA);
    seL4_X86_IOPort_In8_t high = seL4_X86_IOPort_In8(port, PCI_DATA + 1);
    CHECK_EQ(vendor.result, 0x8086);
    CHECK_EQ(device.result, 0x1237);
    CHECK_EQ(low.result, 0x86);
    CHECK_EQ(high.result, 0x80);
    /* Register 8: class code 0x06 (bridge), subclass 0x00 (host). */
    CHECK_OK(seL4_X86_IOPort_Out32(port, PCI_ADDR, 0x80000008u));
    seL4_X86_IOPort_In32_t cls = seL4_X86_IOPort_In32(port, PCI_DATA);
    CHECK_EQ(cls.result >> 16, 0x0600);
}

TEST(ioport_out32_in32_round_trip)
{
    seL4_CPtr port = issue_ok(PCI_ADDR, PCI_ADDR + 3);
    /* The configuration address register reads back what was written. */
    CHECK_OK(seL4_X86_IOPort_Out32(port, PCI_ADDR, 0x8000f804u));
    seL4_X86_IOPort_In32_t r = seL4_X86_IOPort_In32(port, PCI_ADDR);
    CHECK_OK(r.error);
    CHECK_EQ(r.result, 0x8000f804u);
    /* Data wider than the port size is masked to it. */
    CHECK_OK(seL4_X86_IOPort_Out32(port, PCI_ADDR, 0x1280000010ul));
    r = seL4_X86_IOPort_In32(port, PCI_ADDR);
    CHECK_EQ(r.result, 0x80000010u);
    CHECK_OK(seL4_X86_IOPort_Out32(port, PCI_ADDR, 0));
}

TEST(ioport_copy_works)
{
    seL4_CPtr port = issue_ok(CMOS_INDEX, CMOS_DATA);
    seL4_CPtr copy = copy_cap(port, seL4_AllRights);
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, port, WORD_BITS));
    CHECK_OK(seL4_X86_IOPort_Out8(copy, CMOS_INDEX, 0x0d));
    CHECK_OK(seL4_X86_IOPort_In8(copy, CMOS_DATA).error);
}
