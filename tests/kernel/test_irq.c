/*
 * Interrupts on x86 (IOAPIC mode): IRQControl_GetIOAPIC / GetMSI with their argument
 * checks, IRQHandler SetNotification / Ack / Clear, and real delivery of the CMOS RTC's
 * periodic interrupt (ISA IRQ 8 = IOAPIC 0 pin 8, edge, active high) to a notification.
 */
#include "support.h"
#include "../common/cmos.h"

#define RTC_PIN    8
#define VECTOR     10 /* user IRQ index: CPU vector 0x30 + 10 */
#define NTFN_BADGE 0x100

static seL4_Error get_ioapic(seL4_CPtr slot, seL4_Word ioapic, seL4_Word pin, seL4_Word level,
                             seL4_Word polarity, seL4_Word vector)
{
    return seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT_CNODE, slot, WORD_BITS, ioapic, pin,
                                     level, polarity, vector);
}

static seL4_Error get_msi(seL4_CPtr slot, seL4_Word bus, seL4_Word dev, seL4_Word func,
                          seL4_Word vector)
{
    return seL4_IRQControl_GetMSI(seL4_CapIRQControl, ROOT_CNODE, slot, WORD_BITS, bus, dev, func,
                                  0, vector);
}

TEST(irq_generic_get_is_illegal)
{
    /* Built for the IOAPIC, the kernel has no "plain IRQ number" interface. */
    seL4_CPtr slot = alloc_slot();
    CHECK_ERR(seL4_IRQControl_Get(seL4_CapIRQControl, 8, ROOT_CNODE, slot, WORD_BITS),
              seL4_IllegalOperation);
    CHECK_ERR(seL4_IRQControl_Get(seL4_CapIRQControl, 1, ROOT_CNODE, slot, WORD_BITS),
              seL4_IllegalOperation);
    CHECK_EQ(seL4_DebugCapIdentify(slot), seL4_CapType_Null);
}

TEST(irq_ioapic_issue)
{
    seL4_CPtr h = alloc_slot();
    CHECK_OK(get_ioapic(h, 0, RTC_PIN, 0, 0, VECTOR));
    CHECK_EQ(seL4_DebugCapIdentify(h), seL4_CapType_IRQHandler);
}

TEST(irq_double_issue_refused)
{
    seL4_CPtr h = alloc_slot(), again = alloc_slot();
    CHECK_OK(get_ioapic(h, 0, RTC_PIN, 0, 0, VECTOR));
    /* The vector is taken, whatever the source. */
    CHECK_ERR(get_ioapic(again, 0, RTC_PIN, 0, 0, VECTOR), seL4_RevokeFirst);
    CHECK_ERR(get_ioapic(again, 0, 3, 0, 0, VECTOR), seL4_RevokeFirst);
    CHECK_ERR(get_msi(again, 0, 3, 0, VECTOR), seL4_RevokeFirst);
    /* Copies keep it taken; deleting the last handler cap frees it. */
    seL4_CPtr copy = copy_cap(h, seL4_AllRights);
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, h, WORD_BITS));
    CHECK_ERR(get_ioapic(again, 0, RTC_PIN, 0, 0, VECTOR), seL4_RevokeFirst);
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, copy, WORD_BITS));
    CHECK_OK(get_ioapic(again, 0, RTC_PIN, 0, 0, VECTOR));
}

TEST(irq_vector_range)
{
    seL4_CPtr slot = alloc_slot();
    CHECK_ERR(get_ioapic(slot, 0, RTC_PIN, 0, 0, seL4_MaxUserVector + 1), seL4_RangeError);
    CHECK_MR(0, 0);
    CHECK_MR(1, seL4_MaxUserVector);
    CHECK_ERR(get_msi(slot, 0, 3, 0, 1000), seL4_RangeError);
    CHECK_MR(1, seL4_MaxUserVector);
    /* Both ends of the range are fine. */
    CHECK_OK(get_ioapic(slot, 0, RTC_PIN, 0, 0, seL4_MaxUserVector));
    CHECK_OK(get_ioapic(alloc_slot(), 0, 9, 0, 0, 0));
}

TEST(irq_ioapic_argument_ranges)
{
    seL4_CPtr slot = alloc_slot();
    /* One IOAPIC with 24 pins on this machine. */
    CHECK_ERR(get_ioapic(slot, 1, RTC_PIN, 0, 0, VECTOR), seL4_RangeError);
    CHECK_MR(0, 0);
    CHECK_MR(1, 0);
    CHECK_ERR(get_ioapic(slot, 0, 24, 0, 0, VECTOR), seL4_RangeError);
    CHECK_MR(0, 0);
    CHECK_MR(1, 23);
    CHECK_ERR(get_ioapic(slot, 0, RTC_PIN, 2, 0, VECTOR), seL4_RangeError);
    CHECK_MR(1, 1);
    CHECK_ERR(get_ioapic(slot, 0, RTC_PIN, 0, 2, VECTOR), seL4_RangeError);
    CHECK_MR(1, 1);
    CHECK_EQ(seL4_DebugCapIdentify(slot), seL4_CapType_Null);
    /* Level-triggered and active-low are both accepted (on unused pins). */
    CHECK_OK(get_ioapic(slot, 0, 23, 1, 0, VECTOR));
    CHECK_OK(get_ioapic(alloc_slot(), 0, 22, 0, 1, VECTOR + 1));
}

TEST(irq_issue_destination_checks)
{
    seL4_CPtr busy = alloc_obj(seL4_EndpointObject, 0);
    CHECK_ERR(get_ioapic(busy, 0, RTC_PIN, 0, 0, VECTOR), seL4_DeleteFirst);
    CHECK_ERR(get_msi(busy, 0, 3, 0, VECTOR), seL4_DeleteFirst);
    CHECK_ERR(seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT_CNODE, alloc_slot(), 0, 0, RTC_PIN,
                                        0, 0, VECTOR),
              seL4_RangeError);
    seL4_Word w[7] = {alloc_slot(), WORD_BITS, 0, RTC_PIN, 0, 0, VECTOR};
    seL4_SetCap(0, ROOT_CNODE);
    CHECK_ERR(seL4_Invoke_(seL4_CapIRQControl, seL4_X86IRQIssueIRQHandlerIOAPIC, 1, 6, w, 0),
              seL4_TruncatedMessage);
    CHECK_ERR(seL4_Invoke_(seL4_CapIRQControl, seL4_X86IRQIssueIRQHandlerIOAPIC, 0, 7, w, 0),
              seL4_TruncatedMessage);
    CHECK_ERR(seL4_Invoke_(seL4_CapIRQControl, seL4_X86IOPortIn8, 1, 7, w, 0),
              seL4_IllegalOperation);
}

TEST(irq_msi_issue)
{
    seL4_CPtr h = alloc_slot();
    CHECK_OK(get_msi(h, 0, 3, 0, VECTOR));
    CHECK_EQ(seL4_DebugCapIdentify(h), seL4_CapType_IRQHandler);
    /* Largest bus/device/function numbers. */
    CHECK_OK(get_msi(alloc_slot(), 255, 31, 7, VECTOR + 1));
}

TEST(irq_msi_bounds)
{
    seL4_CPtr slot = alloc_slot();
    CHECK_ERR(get_msi(slot, 256, 0, 0, VECTOR), seL4_RangeError);
    CHECK_MR(0, 0);
    CHECK_MR(1, 255);
    CHECK_ERR(get_msi(slot, 0, 32, 0, VECTOR), seL4_RangeError);
    CHECK_MR(1, 31);
    CHECK_ERR(get_msi(slot, 0, 0, 8, VECTOR), seL4_RangeError);
    CHECK_MR(1, 7);
    CHECK_EQ(seL4_DebugCapIdentify(slot), seL4_CapType_Null);
}

TEST(irq_handler_invocation_errors)
{
    seL4_CPtr h = alloc_slot();
    CHECK_OK(get_ioapic(h, 0, RTC_PIN, 0, 0, VECTOR));
    seL4_CPtr ntfn = alloc_obj(seL4_NotificationObject, 0);
    /* Not a notification, or one without the send right: cap index 0 (sic). */
    CHECK_ERR(seL4_IRQHandler_SetNotification(h, alloc_obj(seL4_EndpointObject, 0)),
              seL4_InvalidCapability);
    CHECK_MR(0, 0);
    CHECK_ERR(seL4_IRQHandler_SetNotification(h, copy_cap(ntfn, seL4_CanRead)),
              seL4_InvalidCapability);
    seL4_Word w[1] = {0};
    CHECK_ERR(seL4_Invoke_(h, seL4_IRQSetIRQHandler, 0, 0, w, 0), seL4_TruncatedMessage);
    CHECK_ERR(seL4_Invoke_(h, seL4_X86IRQIssueIRQHandlerIOAPIC, 0, 0, w, 0), seL4_IllegalOperation);
    /* Ack and Clear work without a notification; binding twice replaces. */
    CHECK_OK(seL4_IRQHandler_Ack(h));
    CHECK_OK(seL4_IRQHandler_Clear(h));
    CHECK_OK(seL4_IRQHandler_SetNotification(h, ntfn));
    CHECK_OK(seL4_IRQHandler_SetNotification(h, mint_badged(ntfn, 3)));
    CHECK_OK(seL4_IRQHandler_Clear(h));
    /* IRQ control has no other invocations. */
    CHECK_ERR(seL4_Invoke_(seL4_CapIRQControl, seL4_IRQAckIRQ, 0, 0, w, 0), seL4_IllegalOperation);
}

/* --- The RTC's periodic interrupt ------------------------------------------------------------ */

struct rtc {
    seL4_CPtr port, handler, ntfn;
};

/* Run by the supervisor after the test: periodic interrupts off, flag cleared. */
static void rtc_stop(seL4_Word port)
{
    rtc_periodic(port, 0);
}

/* Issues the RTC ports and IRQ, binds a badged notification, starts 256 Hz interrupts. */
static struct rtc rtc_start(void)
{
    struct rtc r;
    r.port = alloc_slot();
    CHECK_OK(seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, CMOS_PORT_INDEX, CMOS_PORT_DATA,
                                          ROOT_CNODE, r.port, WORD_BITS));
    defer_call(rtc_stop, r.port);
    r.handler = alloc_slot();
    CHECK_OK(get_ioapic(r.handler, 0, RTC_PIN, 0, 0, VECTOR));
    r.ntfn = alloc_obj(seL4_NotificationObject, 0);
    CHECK_OK(seL4_IRQHandler_SetNotification(r.handler, mint_badged(r.ntfn, NTFN_BADGE)));
    cmos_read(r.port, RTC_REG_C);
    cmos_write(r.port, RTC_REG_A, (cmos_read(r.port, RTC_REG_A) & 0xf0) | 0x08); /* 256 Hz */
    cmos_write(r.port, RTC_REG_B, cmos_read(r.port, RTC_REG_B) | RTC_B_PERIODIC);
    return r;
}

/* Polls the notification for up to `ms`; returns the word seen (0: nothing). */
static seL4_Word wait_irq(seL4_CPtr ntfn, unsigned ms)
{
    uint64_t deadline = tsc_now() + ms_to_tsc(ms);
    do {
        seL4_Word word = 0;
        seL4_Poll(ntfn, &word);
        if (word) {
            return word;
        }
        seL4_Yield();
    } while (tsc_now() < deadline);
    return 0;
}

/* Tells the RTC the interrupt was seen (it raises the line again at the next period). */
static void rtc_ack_device(struct rtc *r)
{
    CHECK_EQ(cmos_read(r->port, RTC_REG_C) & 0x40, 0x40); /* periodic flag was set */
}

TEST(irq_rtc_delivered_and_acked)
{
    struct rtc r = rtc_start();
    CHECK_EQ(wait_irq(r.ntfn, 1000), NTFN_BADGE);
    for (int i = 0; i < 3; i++) {
        rtc_ack_device(&r);
        CHECK_OK(seL4_IRQHandler_Ack(r.handler));
        CHECK_EQ(wait_irq(r.ntfn, 1000), NTFN_BADGE);
    }
}

TEST(irq_rtc_masked_until_ack)
{
    struct rtc r = rtc_start();
    CHECK_EQ(wait_irq(r.ntfn, 1000), NTFN_BADGE);
    rtc_ack_device(&r);
    /* The device interrupts again within 4 ms, but the kernel keeps the line masked. */
    CHECK_EQ(wait_irq(r.ntfn, 50), 0);
    CHECK_OK(seL4_IRQHandler_Ack(r.handler));
    CHECK_EQ(wait_irq(r.ntfn, 1000), NTFN_BADGE);
}

TEST(irq_clear_unbinds)
{
    struct rtc r = rtc_start();
    CHECK_EQ(wait_irq(r.ntfn, 1000), NTFN_BADGE);
    CHECK_OK(seL4_IRQHandler_Clear(r.handler));
    rtc_ack_device(&r);
    CHECK_OK(seL4_IRQHandler_Ack(r.handler));
    CHECK_EQ(wait_irq(r.ntfn, 50), 0);
    /* Bound again (to another badge), the interrupt comes back after an Ack. */
    CHECK_OK(seL4_IRQHandler_SetNotification(r.handler, mint_badged(r.ntfn, 0x200)));
    cmos_read(r.port, RTC_REG_C);
    CHECK_OK(seL4_IRQHandler_Ack(r.handler));
    CHECK_EQ(wait_irq(r.ntfn, 1000), 0x200);
}

TEST(irq_wakes_blocked_waiter)
{
    struct rtc r = rtc_start();
    CHECK_EQ(wait_irq(r.ntfn, 1000), NTFN_BADGE);
    /* A thread blocked in Wait is woken by the next interrupt. */
    struct helper *h = helper_run(ROOT_PRIO, helper_fn_wait, r.ntfn, 0, 0, 0);
    yield_n(2);
    CHECK_EQ(h->finished, 0);
    rtc_ack_device(&r);
    CHECK_OK(seL4_IRQHandler_Ack(r.handler));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(h->result, NTFN_BADGE);
}

TEST(irq_deleted_handler_stops_delivery)
{
    struct rtc r = rtc_start();
    CHECK_EQ(wait_irq(r.ntfn, 1000), NTFN_BADGE);
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, r.handler, WORD_BITS));
    rtc_ack_device(&r);
    CHECK_EQ(wait_irq(r.ntfn, 50), 0);
    /* Issued again and bound, it works again. */
    CHECK_OK(get_ioapic(r.handler, 0, RTC_PIN, 0, 0, VECTOR));
    CHECK_OK(seL4_IRQHandler_SetNotification(r.handler, mint_badged(r.ntfn, NTFN_BADGE)));
    /*
     * An interrupt can fire between issuing and binding; the kernel then masks the line
     * with nobody to tell. Acknowledging re-opens it whatever happened.
     */
    CHECK_OK(seL4_IRQHandler_Ack(r.handler));
    cmos_read(r.port, RTC_REG_C);
    CHECK_EQ(wait_irq(r.ntfn, 1000), NTFN_BADGE);
}
