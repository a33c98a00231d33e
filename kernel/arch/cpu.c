/*
 * Processor set-up: feature checks, control registers, GDT with a TSS, IDT, and the
 * syscall MSRs.
 *
 * GDT order is dictated by syscall/sysret: STAR[47:32] = kernel CS (SS = CS + 8) and
 * STAR[63:48] + 16 = user CS, STAR[63:48] + 8 = user SS.
 */
#include <arch.h>
#include <machine.h>
#include <printk.h>

struct cpu_features cpu_features;

struct PACKED descriptor_pointer {
    uint16_t limit;
    uint64_t base;
};

struct PACKED idt_entry {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
};

static uint64_t gdt[7] ALIGNED(16);
struct tss tss ALIGNED(16);
_Static_assert(offsetof(struct tss, rsp) == 4, "entry.S reads RSP0 at TSS_RSP0");
static struct idt_entry idt[256] ALIGNED(16);
static uint8_t double_fault_stack[4096] ALIGNED(16);

extern const uint64_t vector_table[256];

static void detect_features(void)
{
    uint32_t a, b, c, d;
    cpuid(0x80000001, 0, &a, &b, &c, &d);
    cpu_features.nx = d & BIT(20);
    cpu_features.huge_pages = d & BIT(26);
    cpuid(1, 0, &a, &b, &c, &d);
    cpu_features.pge = d & BIT(13);
    cpuid(0, 0, &a, &b, &c, &d);
    if (a >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        cpu_features.smep = b & BIT(7);
        cpu_features.smap = b & BIT(20);
    }
    if (!cpu_features.nx) {
        panic("CPU lacks NX (no-execute) support");
    }
}

static void setup_gdt(void)
{
    gdt[0] = 0;
    gdt[1] = 0x00209a0000000000ul; /* 0x08 kernel code, 64-bit */
    gdt[2] = 0x0000920000000000ul; /* 0x10 kernel data */
    gdt[3] = 0x0000f20000000000ul; /* 0x18 user data (DPL 3) */
    gdt[4] = 0x0020fa0000000000ul; /* 0x20 user code, 64-bit (DPL 3) */
    uint64_t base = (uint64_t)&tss;
    uint64_t limit = sizeof(tss) - 1;
    gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ul << 40) |
             ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
    gdt[6] = base >> 32;

    tss.iomap_base = sizeof(tss); /* no I/O permission bitmap: user I/O goes through caps */
    tss.ist[0] = (uint64_t)(double_fault_stack + sizeof(double_fault_stack));

    struct descriptor_pointer p = {sizeof(gdt) - 1, (uint64_t)gdt};
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movw %w2, %%ax\n\t"
                     "movw %%ax, %%ds\n\t"
                     "movw %%ax, %%es\n\t"
                     "movw %%ax, %%ss\n\t"
                     "ltr %w3"
                     :
                     : "m"(p), "i"(SEL_KERNEL_CS), "r"(SEL_KERNEL_DS), "r"(SEL_TSS)
                     : "rax", "memory");
}

static void set_idt_entry(int vector, uint64_t handler, int dpl, int ist)
{
    struct idt_entry *e = &idt[vector];
    e->offset_low = handler & 0xffff;
    e->selector = SEL_KERNEL_CS;
    e->ist = ist;
    e->type_attr = 0x8e | (dpl << 5); /* present, 64-bit interrupt gate */
    e->offset_mid = (handler >> 16) & 0xffff;
    e->offset_high = handler >> 32;
    e->reserved = 0;
}

static void setup_idt(void)
{
    for (int v = 0; v < 256; v++) {
        /* Only int3 and into may be raised by `int` from user mode; everything else #GPs. */
        int dpl = (v == 3 || v == 4) ? 3 : 0;
        set_idt_entry(v, vector_table[v], dpl, v == 8 || v == 2 ? 1 : 0);
    }
    struct descriptor_pointer p = {sizeof(idt) - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" : : "m"(p));
}

static void setup_syscall(void)
{
    wrmsr(MSR_STAR, ((uint64_t)(SEL_USER_DS - 8 - 3) << 48) | ((uint64_t)SEL_KERNEL_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    /* Mask IF (kernel runs with interrupts off), TF, DF and AC on entry. */
    wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_TF | BIT(10) | RFLAGS_AC);
}

/*
 * PAT entries 0..4 = WB, WT, UC-, UC, WC, so the 3 attribute bits of seL4_X86_VMAttributes
 * (PWT, PCD, PAT) select what their names say.
 */
static void setup_pat(void)
{
    const uint64_t WB = 6, WT = 4, UCM = 7, UC = 0, WC = 1;
    wrmsr(MSR_PAT,
          WB | WT << 8 | UCM << 16 | UC << 24 | WC << 32 | WB << 40 | UCM << 48 | UC << 56);
}

void cpu_init(void)
{
    detect_features();
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE | EFER_SCE);
    word_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
    if (cpu_features.pge) {
        cr4 |= CR4_PGE;
    }
    if (cpu_features.smep) {
        cr4 |= CR4_SMEP;
    }
    if (cpu_features.smap) {
        cr4 |= CR4_SMAP;
    }
    write_cr4(cr4);
    write_cr0((read_cr0() | CR0_WP | CR0_MP | CR0_NE) & ~CR0_EM);
    setup_pat();
    setup_gdt();
    setup_idt();
    setup_syscall();
    wrmsr(MSR_FS_BASE, 0);
    wrmsr(MSR_GS_BASE, 0);
}
