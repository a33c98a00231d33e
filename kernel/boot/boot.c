/*
 * boot_main: from the multiboot hand-off to the first return to user level.
 */
#include <kernel.h>
#include <arch.h>
#include <boot.h>
#include <machine.h>
#include <printk.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002
#define MB_INFO_MEMORY             BIT(0)
#define MB_INFO_MODS               BIT(3)
#define MB_INFO_MMAP               BIT(6)
#define LOW_MEMORY_END             0x100000ul

struct PACKED multiboot_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
};

struct PACKED multiboot_module {
    uint32_t start, end, string, reserved;
};

static struct boot_info_in boot_in;

/* Copies what the kernel needs out of the multiboot structures (they live in free RAM). */
static void read_multiboot(uint32_t magic, paddr_t mbi_paddr)
{
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
        panic("not started by a multiboot loader (magic %x)", magic);
    }
    const struct multiboot_info *mbi = ptr_from_paddr(mbi_paddr);
    if (!(mbi->flags & MB_INFO_MODS) || mbi->mods_count < 1) {
        panic("no root task: pass it as the first multiboot module (-initrd)");
    }
    const struct multiboot_module *mod = ptr_from_paddr(mbi->mods_addr);
    boot_in.module_start = mod->start;
    boot_in.module_end = mod->end;
    if (!(mbi->flags & MB_INFO_MMAP)) {
        panic("the boot loader gave no memory map");
    }
    paddr_t p = mbi->mmap_addr, end = p + mbi->mmap_length;
    while (p < end && boot_in.mmap_entries < ARRAY_SIZE(boot_in.mmap)) {
        const struct multiboot_mmap_copy *e = ptr_from_paddr(p);
        boot_in.mmap[boot_in.mmap_entries++] = *e;
        p += e->size + sizeof(e->size);
    }
}

/* RAM regions above 1 MiB become free memory; everything else is device space. */
static paddr_t init_physical_memory(paddr_t *ranges, int *n_ranges)
{
    paddr_t ram_end = 0;
    *n_ranges = 0;
    boot_device_remove(0, LOW_MEMORY_END);
    for (uint32_t i = 0; i < boot_in.mmap_entries; i++) {
        const struct multiboot_mmap_copy *e = &boot_in.mmap[i];
        paddr_t start = e->base, end = e->base + e->length;
        if (*n_ranges < MAX_BOOT_REGIONS) {
            ranges[2 * *n_ranges] = start;
            ranges[2 * *n_ranges + 1] = end;
            (*n_ranges)++;
        }
        if (e->type != 1) {
            continue;
        }
        boot_device_remove(start, end);
        start = MAX(start, LOW_MEMORY_END);
        end = MIN(end, BIT(PPTR_LIMIT_BITS));
        if (start < end) {
            boot_mem_add(ROUND_UP(start, seL4_PageBits), ROUND_DOWN(end, seL4_PageBits));
            ram_end = MAX(ram_end, end);
        }
    }
    boot_mem_reserve(KERNEL_PHYS_LOAD, kernel_image_end_paddr());
    boot_mem_reserve(ROUND_DOWN(boot_in.module_start, seL4_PageBits),
                     ROUND_UP(boot_in.module_end, seL4_PageBits));
    return ram_end;
}

void boot_main(uint32_t magic, uint32_t mbi_paddr);
void boot_main(uint32_t magic, uint32_t mbi_paddr)
{
    serial_init();
    kinfo("\nseL4-ABI kernel booting (x86_64, pc99)\n");
    read_multiboot(magic, mbi_paddr);
    cpu_init();
    fpu_init();

    paddr_t ranges[2 * MAX_BOOT_REGIONS];
    int n_ranges;
    paddr_t ram_end = init_physical_memory(ranges, &n_ranges);
    kvspace_init(ram_end, ranges, n_ranges);

    acpi_init();
    pic_disable();
    lapic_init();
    ioapic_init();
    /* The kernel's own device registers are never device untypeds. */
    boot_device_remove(0xfee00000, 0xfee01000);
    boot_device_remove(0xfec00000, 0xfed00000);
    io_ports_init();
    timer_calibrate_and_start();

    sched_init();
    create_root_task(&boot_in);
    accounting_reset_all();
    kinfo("Booting all finished, dropped to user space\n");
    sched_schedule();
    thread_activate(current_thread);
    restore_user_context();
}
