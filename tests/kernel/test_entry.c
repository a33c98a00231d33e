/*
 * Kernel entry with hostile user state: the direction flag. A thread may run with DF set
 * (after `std`); the kernel's own string copies (rep movs/stos) must still run forwards on
 * every way in — system calls, exceptions, interrupts — and the thread must get its DF back.
 * Each probe sets DF in assembly right before the entry, reads RFLAGS right after it and
 * clears DF again before any C code runs.
 */
#include "support.h"

#define RFLAGS_DF 0x400ul

seL4_Word ktest_df_read_probe(seL4_Word addr);
seL4_Word ktest_df_spin_probe(seL4_Word tsc_end);
seL4_Word ktest_df_send_probe(seL4_Word ep, seL4_Word info, seL4_Word mr0);
seL4_Word ktest_df_ud2_probe(void);
extern char ktest_df_ud2_insn[], ktest_df_ud2_resume[];
seL4_Word ktest_df_flags; /* RFLAGS right after the entry */
seL4_Word ktest_df_value; /* what the read probe read */

__asm__(".text\n"
        /* Reads *addr (a fault to be fixed by the handler) with DF set. */
        ".global ktest_df_read_probe\n"
        "ktest_df_read_probe:\n"
        "  std\n"
        "  mov (%rdi), %rax\n"
        "  pushfq\n  popq ktest_df_flags(%rip)\n"
        "  cld\n"
        "  mov %rax, ktest_df_value(%rip)\n"
        "  ret\n"
        /* Spins with DF set until the TSC passes tsc_end: timer interrupts come and go. */
        ".global ktest_df_spin_probe\n"
        "ktest_df_spin_probe:\n"
        "  std\n"
        "1: rdtsc\n  shl $32, %rdx\n  or %rdx, %rax\n  cmp %rdi, %rax\n  jb 1b\n"
        "  pushfq\n  popq ktest_df_flags(%rip)\n"
        "  cld\n"
        "  xor %eax, %eax\n"
        "  ret\n"
        /* seL4_Send(ep, info) with DF set; MR0 in R10, MR1..3 zero, the rest in the IPC
         * buffer. RSP travels in RBX across `syscall`, as libsel4 does. */
        ".global ktest_df_send_probe\n"
        "ktest_df_send_probe:\n"
        "  push %rbx\n  push %r15\n"
        "  mov %rdx, %r10\n  xor %r8d, %r8d\n  xor %r9d, %r9d\n  xor %r15d, %r15d\n"
        "  mov $-3, %rdx\n" /* seL4_SysSend */
        "  std\n"
        "  mov %rsp, %rbx\n"
        "  syscall\n"
        "  mov %rbx, %rsp\n"
        "  pushfq\n  popq ktest_df_flags(%rip)\n"
        "  cld\n"
        "  pop %r15\n  pop %rbx\n"
        "  xor %eax, %eax\n"
        "  ret\n"
        /* ud2 with DF set; the handler resumes at ktest_df_ud2_resume. */
        ".global ktest_df_ud2_probe\n.global ktest_df_ud2_insn\n.global ktest_df_ud2_resume\n"
        "ktest_df_ud2_probe:\n"
        "  std\n"
        "ktest_df_ud2_insn:\n  ud2\n"
        "ktest_df_ud2_resume:\n"
        "  pushfq\n  popq ktest_df_flags(%rip)\n"
        "  cld\n"
        "  mov $0x5a, %eax\n"
        "  ret\n");

_Static_assert(seL4_SysSend == -3, "ktest_df_send_probe's system call number");

static seL4_Word fn_df_read(seL4_Word addr, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    return ktest_df_read_probe(addr);
}

/* Runs fn(a0) in a helper whose faults come here; returns the helper, *m = its fault. */
static struct helper *run_until_fault(helper_fn fn, seL4_Word a0, struct msg *m)
{
    ktest_df_flags = 0;
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    struct helper *h = helper_new(ROOT_PRIO, mint_badged(ep, 0xdf));
    helper_start(h, fn, a0, 0, 0, 0);
    CHECK(poll_msg(ep, 1000, m));
    return h;
}

TEST(entry_direction_flag_vm_fault)
{
    struct msg m;
    struct helper *h = run_until_fault(fn_df_read, SCRATCH_VADDR + 0x30, &m);
    CHECK_EQ(m.label, seL4_Fault_VMFault);
    CHECK_EQ(m.mr[seL4_VMFault_Addr], SCRATCH_VADDR + 0x30);
    map_new_frame(SCRATCH_VADDR);
    *(volatile seL4_Word *)(SCRATCH_VADDR + 0x30) = 0xd1ec;
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(ktest_df_value, 0xd1ec);
    CHECK_EQ(ktest_df_flags & RFLAGS_DF, RFLAGS_DF);
}

static seL4_Word fn_df_ud2(seL4_Word a0, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    return ktest_df_ud2_probe();
}

TEST(entry_direction_flag_user_exception)
{
    struct msg m;
    struct helper *h = run_until_fault(fn_df_ud2, 0, &m);
    CHECK_EQ(m.label, seL4_Fault_UserException);
    CHECK_EQ(m.mr[seL4_UserException_FaultIP], (seL4_Word)ktest_df_ud2_insn);
    /* The fault message reports the thread's flags as they were. */
    CHECK_EQ(m.mr[seL4_UserException_FLAGS] & RFLAGS_DF, RFLAGS_DF);
    seL4_SetMR(0, (seL4_Word)ktest_df_ud2_resume);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 1));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(h->result, 0x5a);
    CHECK_EQ(ktest_df_flags & RFLAGS_DF, RFLAGS_DF);
}

static seL4_Word fn_df_spin(seL4_Word tsc_end, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    return ktest_df_spin_probe(tsc_end);
}

TEST(entry_direction_flag_interrupts)
{
    ktest_df_flags = 0;
    /* 30 ms of ticks and time-slice switches between the spinner and this thread. */
    struct helper *h = helper_run(ROOT_PRIO, fn_df_spin, tsc_now() + ms_to_tsc(30), 0, 0, 0);
    CHECK(helper_wait(h, 2000));
    CHECK_EQ(ktest_df_flags & RFLAGS_DF, RFLAGS_DF);
}

#define LONG_MSG seL4_MsgMaxLength

static volatile seL4_Word received[LONG_MSG];
static volatile long received_length;

static seL4_Word fn_receive_long(seL4_Word ep, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
    for (seL4_Word i = 0; i < seL4_MessageInfo_get_length(info); i++) {
        received[i] = seL4_GetMR(i);
    }
    received_length = (long)seL4_MessageInfo_get_length(info);
    return 0;
}

static seL4_Word fn_df_send_long(seL4_Word ep, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    for (int i = 4; i < LONG_MSG; i++) {
        seL4_SetMR(i, 0xd0000 + i);
    }
    return ktest_df_send_probe(ep, seL4_MessageInfo_new(0x1d, 0, 0, LONG_MSG).words[0], 0xd0000);
}

TEST(entry_direction_flag_long_message)
{
    ktest_df_flags = 0;
    received_length = 0;
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    /* The receiver waits first, so the copy happens in the sender's system call. */
    struct helper *receiver = helper_run(ROOT_PRIO + 1, fn_receive_long, ep, 0, 0, 0);
    struct helper *sender = helper_run(ROOT_PRIO, fn_df_send_long, ep, 0, 0, 0);
    CHECK(helper_wait(sender, 1000));
    CHECK(helper_wait(receiver, 1000));
    CHECK_EQ(received_length, LONG_MSG);
    CHECK_EQ(received[0], 0xd0000);
    for (int i = 1; i < 4; i++) {
        CHECK_EQ(received[i], 0);
    }
    for (int i = 4; i < LONG_MSG; i++) {
        CHECK_EQ(received[i], 0xd0000 + i);
    }
    CHECK_EQ(ktest_df_flags & RFLAGS_DF, RFLAGS_DF);
}
