/*
 * The root task's test guests: tiny unikernels that run without the platform (platform/),
 * using the unikernel.h contract directly: start-up, console and exit through the service
 * endpoint, nothing else. guest.c is their whole runtime.
 */
#pragma once

#include <runtime.h>
#include <unikernel.h>

/* The init data the root task passed in RDI. */
extern const struct uk_init *guest_init;

int main(int argc, char **argv);

/* Sends any partial console line now. */
void guest_flush(void);
/* Flushes the console and asks the root task to end this unikernel. */
void guest_exit(int status) __attribute__((noreturn));
/* One service request with words as its message; returns the reply label (0 = ok). */
seL4_Word guest_call(seL4_Word label, const seL4_Word *words, seL4_Word n, seL4_Word *reply0);
/* Value of NAME in the environment, or 0. */
const char *guest_getenv(const char *name);

/* Waits on the notification until a bit of mask arrives or the TSC passes deadline (through
 * the root task's timer); returns the bits seen (UK_NOTIFY_TIMER's bit on timeout). */
seL4_Word guest_wait(seL4_Word mask, uint64_t deadline);
/* TSC ticks in ms milliseconds. */
uint64_t guest_ms(uint64_t ms);
