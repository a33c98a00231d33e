/*
 * What the hostile unikernels of the attack suite share: a probe thread whose faults come
 * to the attacker itself (so one unikernel can try many things that fault), and the
 * reporting of attempts.
 *
 * A probe runs one of the stubs below in a TCB of the attacker's own, whose fault endpoint
 * is an endpoint the attacker holds. Each stub ends with ud2, so "it went through" is an
 * invalid-opcode exception and anything else (a VM fault, a general protection fault, an
 * unknown system call) means the hardware or the kernel stopped it.
 */
#pragma once

#include <errno.h>
#include <platform.h>
#include <stdio.h>

/* The stubs (probe_stubs.S): arguments arrive in RDI and RSI as set by probe_run. */
void probe_read(void);    /* loads 8 bytes from RDI */
void probe_write(void);   /* stores RSI to RDI */
void probe_syscall(void); /* system call number RDI with RSI as its first argument */
void probe_in(void);      /* IN from port RDI */
void probe_out(void);     /* OUT to port RDI */
void spin(void);          /* loops for ever */

enum probe_outcome {
    PROBE_DONE,       /* the stub got to its ud2: the access or call went through */
    PROBE_VM_FAULT,   /* the address is not mapped for it, or not with that right */
    PROBE_EXCEPTION,  /* another CPU exception (general protection: a port, an address) */
    PROBE_UNKNOWN_SC, /* the kernel has no such system call (a production kernel's debug calls) */
    PROBE_OTHER,      /* another fault, or the probe did not run */
};

/* Makes the probe thread (an endpoint and a TCB from the kernel-object pool); 0 or errno. */
int probe_init(void);
/* Runs stub with RDI = a, RSI = b in the probe thread; *detail gets the fault's address,
 * exception vector or system call number. */
enum probe_outcome probe_run(void (*stub)(void), seL4_Word a, seL4_Word b, seL4_Word *detail);
const char *probe_outcome_name(enum probe_outcome o);

/* One attempt that must be refused: prints "NAME: WHAT: refused (...)" or "... ALLOWED". */
void attempt(const char *what, int allowed, const char *how);
/* Prints "NAME: N attempts, N allowed" and returns the number allowed (the exit status). */
int attempts_summary(void);
