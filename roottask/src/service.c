/*
 * The service endpoint: every unikernel's requests (badge BADGE_SERVICE | index) and faults
 * (badge BADGE_FAULT | index) arrive here, and the root task's own notification (timer
 * interrupt) is bound to its thread so that it wakes the same wait.
 */
#include "roottask.h"

seL4_CPtr service_endpoint;
static seL4_CPtr root_notification;

struct message {
    seL4_Word label, length;
    seL4_Word mr[seL4_MsgMaxLength];
};

void service_init(void)
{
    service_endpoint = slot_alloc();
    root_notification = slot_alloc();
    if (alloc_object(seL4_EndpointObject, 0, service_endpoint) < 0 ||
        alloc_object(seL4_NotificationObject, 0, root_notification) < 0 ||
        seL4_TCB_BindNotification(seL4_CapInitThreadTCB, root_notification)) {
        fatal("cannot create the service endpoint");
    }
}

seL4_CPtr service_notification(void)
{
    return root_notification;
}

/* MR0 = byte count, then the bytes packed 8 per word, first byte lowest. */
static seL4_Word console_write_request(struct process *p, const struct message *m)
{
    seL4_Word n = m->length ? m->mr[0] : ~0ul;
    if (n > UK_CONSOLE_CHUNK || n > (m->length - 1) * sizeof(seL4_Word)) {
        return UK_EINVAL;
    }
    char bytes[UK_CONSOLE_CHUNK];
    memcpy(bytes, &m->mr[1], n);
    console_write(p, bytes, n);
    return 0;
}

static seL4_Word console_read_request(const struct message *m, struct message *reply)
{
    char bytes[UK_CONSOLE_CHUNK];
    seL4_Word max = m->length ? m->mr[0] : 0;
    seL4_Word n = console_read(bytes, max < UK_CONSOLE_CHUNK ? max : UK_CONSOLE_CHUNK);
    reply->mr[0] = n;
    memcpy(&reply->mr[1], bytes, n);
    reply->length = 1 + (n + sizeof(seL4_Word) - 1) / sizeof(seL4_Word);
    return 0;
}

/* Handles one request; returns 1 if the caller gets a reply. */
static int service_request(struct process *p, const struct message *m, struct message *reply)
{
    reply->length = 0;
    switch (m->label) {
    case UK_SVC_CONSOLE_WRITE:
        reply->label = console_write_request(p, m);
        return 1;
    case UK_SVC_CONSOLE_READ:
        reply->label = console_read_request(m, reply);
        return 1;
    case UK_SVC_EXIT:
        p->exit_status = m->length ? (int)m->mr[0] : 0;
        p->state = PROC_EXITED;
        lifecycle_ended(p);
        return 0;
    case UK_SVC_PCI_CONF_READ:
    case UK_SVC_PCI_CONF_WRITE:
        reply->label =
            pci_service(p, m->label == UK_SVC_PCI_CONF_WRITE, m->mr, m->length, &reply->mr[0]);
        reply->length = m->label == UK_SVC_PCI_CONF_READ && reply->label == 0;
        return 1;
    case UK_SVC_TIMER_SET:
        reply->label = m->length ? timer_set(p, m->mr[0]) : UK_EINVAL;
        return 1;
    default:
        reply->label = UK_ENOSYS;
        return 1;
    }
}

static struct process *sender(seL4_Word badge)
{
    seL4_Word index = badge & BADGE_INDEX_MASK;
    if (index >= nprocesses || processes[index].state != PROC_RUNNING) {
        return 0;
    }
    return &processes[index];
}

int service_loop(void)
{
    static struct message m, reply;
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(service_endpoint, &badge);
    for (;;) {
        int answer = 0;
        if (badge & BADGE_NOTIFY_MASK) {
            if (badge & BADGE_TIMER_IRQ) {
                timer_interrupt();
            }
            irqshare_fire(badge);
        } else {
            /* Copy the message out first: every kernel invocation reuses the IPC buffer. */
            m.label = seL4_MessageInfo_get_label(info);
            m.length = seL4_MessageInfo_get_length(info);
            for (seL4_Word i = 0; i < m.length; i++) {
                m.mr[i] = seL4_GetMR((int)i);
            }
            struct process *p = sender(badge);
            if (p && (badge & BADGE_KIND_MASK) == BADGE_FAULT) {
                lifecycle_fault(p, m.label, m.mr, m.length);
            } else if (p && (badge & BADGE_KIND_MASK) == BADGE_SERVICE) {
                uint64_t begin = runtime_rdtsc();
                answer = service_request(p, &m, &reply);
                if (answer && throttle_charge(p, runtime_rdtsc() - begin, reply.label, reply.mr,
                                              reply.length)) {
                    answer = 0; /* answered later (throttle.c) */
                }
            } else if (p && (badge & BADGE_KIND_MASK) == BADGE_IRQ_ACK) {
                reply.label = irqshare_ack(badge, m.label);
                reply.length = 0;
                answer = 1;
            }
        }
        uint64_t restart = lifecycle_restart_due(), kept = throttle_due();
        timer_set_root(!restart || (kept && kept < restart) ? kept : restart);
        timer_check();
        if (lifecycle_all_done()) {
            return lifecycle_summary();
        }
        if (answer) {
            for (seL4_Word i = 0; i < reply.length; i++) {
                seL4_SetMR((int)i, reply.mr[i]);
            }
            info = seL4_ReplyRecv(service_endpoint,
                                  seL4_MessageInfo_new(reply.label, 0, 0, reply.length), &badge);
        } else {
            info = seL4_Recv(service_endpoint, &badge);
        }
    }
}
