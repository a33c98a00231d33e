/*
 * Fixed configuration of this kernel: the pinned upstream configuration, plus the choices
 * of our own implementation (memory layout).
 *
 * Two builds (kernel/kernel.mk, kernel/README.md):
 *   debug      (kernel32.elf; the test suites boot it) = upstream KernelDebugBuild ON and
 *              KernelPrinting ON: the debug system calls, cycle accounting, kernel messages.
 *   production (kernel32-prod.elf; what `make run` and `make image` boot; built with
 *              CONFIG_PRODUCTION) = upstream KernelDebugBuild OFF and KernelPrinting OFF:
 *              those system calls are unknown system calls, and the kernel prints only why
 *              it stopped or what hardware it had to leave unused at boot.
 */
#pragma once

#ifndef CONFIG_PRODUCTION
#define CONFIG_DEBUG_BUILD                 1 /* DebugHalt, CapIdentify, Snapshot, NameThread */
#define CONFIG_PRINTING                    1 /* DebugPutChar, DumpScheduler, kernel messages */
#define CONFIG_BENCHMARK_TRACK_UTILISATION 1 /* the cycle-accounting system calls */
#endif

#define CONFIG_TIMER_TICK_MS         2
#define CONFIG_TIME_SLICE            5
#define CONFIG_NUM_PRIORITIES        256
#define CONFIG_MAX_PRIO              255
#define CONFIG_ROOT_CNODE_SIZE_BITS  12
#define CONFIG_RETYPE_FAN_OUT_LIMIT  256
#define CONFIG_MAX_BOOTINFO_UNTYPEDS 230
/*
 * Scheduling domains (temporal isolation, kernel/README.md "Domains"): 16 as upstream's
 * verified x86_64 configuration; a schedule of 100 entries, upstream's default.
 */
#define CONFIG_NUM_DOMAINS          16
#define CONFIG_NUM_DOMAIN_SCHEDULES 100

/* Virtual memory layout (x86_64, 48-bit canonical addresses). */
#define USER_TOP         0x0000800000000000ul /* first address above user space */
#define PPTR_BASE        0xffff800000000000ul /* window onto physical memory */
#define PPTR_LIMIT_BITS  36                   /* window covers 64 GiB of physical memory */
#define KERNEL_BASE      0xffffffff80000000ul /* kernel image: virtual = physical + this */
#define KDEV_BASE        0xffffffffc0000000ul /* kernel device mappings (APIC, IOAPIC) */
#define KERNEL_PHYS_LOAD 0x100000ul

/* Kernel stack (one: the kernel is not preemptible and runs on one core). */
#define KERNEL_STACK_BITS 14

/* Most IOAPICs we drive. */
#define MAX_IOAPICS 4

/* IRQ numbering as upstream x86: user index 0..107 <-> kernel irq 16..123 <-> vector 0x30.. */
#define IRQ_USER_MIN    0
#define IRQ_USER_MAX    107
#define VECTOR_IRQ_BASE 0x30
#define VECTOR_TIMER    0x9d
#define VECTOR_SPURIOUS 0xff
#define NUM_USER_IRQS   (IRQ_USER_MAX + 1)
