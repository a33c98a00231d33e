/*
 * I/O ports: IOPortControl issues a cap for a port range, each port at most once; an
 * IOPort cap performs 8/16/32-bit in/out on ports inside its range. Ports the kernel keeps
 * for itself (the 8259 PICs it masked at boot) are never issued.
 */
#include <kernel.h>
#include <machine.h>

#define NUM_PORTS 65536

static uint64_t issued_ports[NUM_PORTS / 64];

static void mark_ports(word_t first, word_t last, bool issued)
{
    for (word_t p = first; p <= last; p++) {
        if (issued) {
            issued_ports[p / 64] |= BIT(p % 64);
        } else {
            issued_ports[p / 64] &= ~BIT(p % 64);
        }
    }
}

static bool ports_free(word_t first, word_t last)
{
    for (word_t p = first; p <= last; p++) {
        if (issued_ports[p / 64] & BIT(p % 64)) {
            return false;
        }
    }
    return true;
}

void io_ports_init(void)
{
    mark_ports(0x20, 0x21, true); /* master PIC */
    mark_ports(0xa0, 0xa1, true); /* slave PIC */
}

void io_port_range_free(word_t first, word_t last)
{
    mark_ports(first, last, false);
}

exception_t decode_io_port_control_invocation(word_t label, word_t length, cte_t *control,
                                              word_t *buffer)
{
    tcb_t *t = current_thread;
    if (label != seL4_X86IOPortControlIssue) {
        return error_illegal_operation("not an IOPortControl invocation");
    }
    if (length < 4 || current_extra_caps.count < 1) {
        return error_simple(seL4_TruncatedMessage,
                            "Issue needs first, last, index, depth and the CNode");
    }
    word_t first = get_mr(t, buffer, 0) & 0xffff;
    word_t last = get_mr(t, buffer, 1) & 0xffff;
    word_t index = get_mr(t, buffer, 2), depth = get_mr(t, buffer, 3);
    if (last < first) {
        return error_invalid_argument(1, "the last port is below the first");
    }
    if (!ports_free(first, last)) {
        return error_simple(seL4_RevokeFirst,
                            "a port in the range is already issued (or the kernel's)");
    }
    lookup_result_t r =
        lookup_slot_for_cnode_op(false, current_extra_caps.slots[0]->cap, index, depth);
    if (r.status != EXCEPTION_NONE) {
        return r.status;
    }
    if (ensure_empty_slot(r.slot) != EXCEPTION_NONE) {
        return EXCEPTION_SYSCALL_ERROR;
    }
    thread_set_state(t, ThreadState_Restart);
    mark_ports(first, last, true);
    cte_insert(cap_io_port_new(first, last), control, r.slot);
    return EXCEPTION_NONE;
}

static word_t port_width(word_t label)
{
    switch (label) {
    case seL4_X86IOPortIn8:
    case seL4_X86IOPortOut8:
        return 1;
    case seL4_X86IOPortIn16:
    case seL4_X86IOPortOut16:
        return 2;
    default:
        return 4;
    }
}

exception_t decode_io_port_invocation(word_t label, word_t length, cap_t cap, bool call,
                                      word_t *buffer)
{
    tcb_t *t = current_thread;
    bool is_in = label >= seL4_X86IOPortIn8 && label <= seL4_X86IOPortIn32;
    bool is_out = label >= seL4_X86IOPortOut8 && label <= seL4_X86IOPortOut32;
    if (!is_in && !is_out) {
        return error_illegal_operation("not an IOPort invocation");
    }
    if (length < (is_in ? 1u : 2u)) {
        return error_simple(seL4_TruncatedMessage,
                            is_in ? "In needs the port" : "Out needs the port and the value");
    }
    uint16_t port = get_mr(t, buffer, 0) & 0xffff;
    word_t width = port_width(label);
    if (port < cap.io_port.first || port + width - 1 > cap.io_port.last) {
        return error_illegal_operation("the port is outside the cap's range");
    }
    thread_set_state(t, ThreadState_Restart);
    if (is_out) {
        word_t data = get_mr(t, buffer, 1);
        if (width == 1) {
            outb(port, data & 0xff);
        } else if (width == 2) {
            outw(port, data & 0xffff);
        } else {
            outl(port, data & 0xffffffff);
        }
        return EXCEPTION_NONE;
    }
    word_t value = width == 1 ? inb(port) : width == 2 ? inw(port) : inl(port);
    if (call) {
        set_mr(t, lookup_ipc_buffer(t, true), 0, value);
        set_reply_message(t, 0, 1);
    }
    thread_set_state(t, ThreadState_Running);
    return EXCEPTION_NONE;
}
