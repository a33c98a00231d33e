/*
 * Device grants. (Milestone: no devices yet; PCI, I/O ports and IRQs follow.)
 */
#include "roottask.h"

int devices_plan(struct process *p)
{
    if (p->uk->ndevices) {
        say("%s:%u: devices are not supported by this root task yet", system_desc->file,
            p->uk->devices[0].line);
        return -1;
    }
    return 0;
}

seL4_Word devices_frame_count(const struct process *p)
{
    (void)p;
    return 0;
}

int devices_grant(struct process *p, struct uk_init *ui)
{
    (void)p;
    (void)ui;
    return 0;
}

void devices_teardown(struct process *p)
{
    (void)p;
}

seL4_Word pci_service(struct process *p, int write, const seL4_Word *mr, seL4_Word len,
                      seL4_Word *value)
{
    (void)p;
    (void)write;
    (void)mr;
    (void)len;
    (void)value;
    return UK_EPERM;
}
