/*
 * The root task: reads the system description linked into it, checks everything and
 * reserves every resource for every unikernel before starting any, then serves them until
 * all have ended and ends QEMU with status 0 iff every unikernel exited 0.
 */
#include "roottask.h"

static struct sysdesc desc;

static int stop_boot(void)
{
    say("boot stopped: no unikernel was started");
    return 1;
}

int main(void)
{
    /* Every line goes out through COM1 itself: a production kernel has no debug console. */
    runtime_console_uart();
    const seL4_BootInfo *bi = runtime_bootinfo();
    alloc_init(bi);
    cspace_init(bi);
    devmem_init(bi);
    if (archive_load_system(&desc) < 0) {
        return stop_boot();
    }
    desc_error_file(desc.file);
    say("system %s: %u unikernel%s, %lu MiB of memory free", desc.file, desc.count,
        desc.count == 1 ? "" : "s", alloc_free_bytes() >> 20);

    clock_init(bi);
    acpi_init(bi);
    console_init();
    service_init();
    timer_init();
    pci_init();

    nprocesses = desc.count;
    for (unsigned i = 0; i < nprocesses; i++) {
        processes[i].index = i;
        processes[i].uk = &desc.uk[i];
    }
    if (channels_plan(&desc) < 0) {
        return stop_boot();
    }
    for (unsigned i = 0; i < nprocesses; i++) {
        if (process_plan(&processes[i]) < 0) {
            return stop_boot();
        }
    }
    if (domains_plan() < 0) {
        return stop_boot();
    }
    domains_start();
    for (unsigned i = 0; i < nprocesses; i++) {
        struct process *p = &processes[i];
        uint64_t begin = runtime_rdtsc();
        if (process_start(p) < 0) {
            /* Everything was reserved by the plan, so this is a root-task bug. */
            fatal("%s could not be started", p->uk->name);
        }
        p->started_at = runtime_rdtsc();
        p->start_cost = p->started_at - begin;
        char size[SIZE_STRING_MAX];
        say("started %s: image %s, %s, priority %u", p->uk->name, p->uk->image,
            size_string(p->uk->memory, size, sizeof(size)), p->uk->priority);
    }
    return service_loop();
}
