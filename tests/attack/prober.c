/*
 * prober: granted an e1000 and the COM2 ports, reaches for everything else — IN/OUT
 * instructions (seL4 gives user level no I/O permission: even granted ports are reached
 * only through their caps), its port cap outside its range, configuration space of devices
 * it was not given, offsets that wrap around, BAR and ROM writes that would move its device
 * over someone else's memory. Every attempt must fail.
 */
#include "probe.h"

#define PCI_BAR0 0x10
#define PCI_ROM  0x30

static seL4_Word conf(seL4_Word label, seL4_Word index, seL4_Word off, seL4_Word width,
                      seL4_Word value)
{
    seL4_Word in[4] = {index, off, width, value}, out = 0;
    return pf_svc_call(label, in, label == UK_SVC_PCI_CONF_WRITE ? 4 : 3, &out, 1);
}

int main(void)
{
    const struct uk_init *ui = pf_init();
    int err = probe_init();
    const struct uk_ioport *granted = 0;
    for (seL4_Word i = 0; i < ui->n_ioports; i++) {
        if (ui->ioports[i].first == 0x2f8) {
            granted = &ui->ioports[i];
        }
    }
    if (err || !granted || ui->n_pci != 1) {
        printf("needs a probe thread, the ports 0x2f8-0x2ff and one PCI device\n");
        return 100;
    }
    char how[64];
    static const seL4_Word ports[] = {0x3f8, 0x20, 0x43, 0x70, 0xcf8, 0xf4, 0x2f8};
    for (unsigned i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
        seL4_Word detail;
        enum probe_outcome o = probe_run(i % 2 ? probe_out : probe_in, ports[i], 0, &detail);
        snprintf(how, sizeof(how), "port 0x%lx: %s, vector %lu", ports[i], probe_outcome_name(o),
                 detail);
        attempt(i % 2 ? "OUT instruction" : "IN instruction", o == PROBE_DONE, how);
    }

    static const seL4_Word outside[] = {0x3f8, 0x2f7, 0x300, 0x20, 0xcfc};
    for (unsigned i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
        seL4_X86_IOPort_In8_t r = seL4_X86_IOPort_In8(granted->cap, (uint16_t)outside[i]);
        snprintf(how, sizeof(how), "port 0x%lx, error %d", outside[i], r.error);
        attempt("read a port outside its range through its port cap", r.error == seL4_NoError, how);
    }

    static const struct {
        const char *what;
        seL4_Word label, index, off, width, value;
    } requests[] = {
        {"read the configuration of a device not granted", UK_SVC_PCI_CONF_READ, 1, 0, 4, 0},
        {"read the configuration of device index 2^63", UK_SVC_PCI_CONF_READ, 1ul << 63, 0, 4, 0},
        {"write at an offset that wraps to 0x0 (8 bytes before 2^64)", UK_SVC_PCI_CONF_WRITE, 0,
         0xfffffffffffffffcul, 4, 0x12345000},
        {"write at an offset that wraps in 32 bits", UK_SVC_PCI_CONF_WRITE, 0, 0xfffffffcul, 4,
         0x12345000},
        {"read beyond the configuration space", UK_SVC_PCI_CONF_READ, 0, 0x100, 4, 0},
        {"read with width 8", UK_SVC_PCI_CONF_READ, 0, 0, 8, 0},
        {"move BAR 0", UK_SVC_PCI_CONF_WRITE, 0, PCI_BAR0, 4, 0x12345000},
        {"move BAR 0 with two 2-byte writes", UK_SVC_PCI_CONF_WRITE, 0, PCI_BAR0 + 2, 2, 0x1234},
        {"move BAR 0 with a byte write", UK_SVC_PCI_CONF_WRITE, 0, PCI_BAR0 + 3, 1, 0x12},
        {"point the expansion ROM somewhere", UK_SVC_PCI_CONF_WRITE, 0, PCI_ROM, 4, 0x12340001},
    };
    for (unsigned i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
        seL4_Word r = conf(requests[i].label, requests[i].index, requests[i].off, requests[i].width,
                           requests[i].value);
        snprintf(how, sizeof(how), "reply %lu", r);
        attempt(requests[i].what, r == 0, how);
    }
    return attempts_summary();
}
