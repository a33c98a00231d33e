/*
 * Declarations shared between the NetBSD glue's source files (not part of its interface).
 */
#pragma once

#include <rumpglue.h>
#include <stdbool.h>

/* RUMP_VERBOSE is set: say what the glue does, not only what it configures. */
extern bool rg_verbose;

/* Prints "rumpglue: WHAT (error ERROR)" and ends the unikernel with status 1. */
__attribute__((noreturn)) void rg_fail(const char *what, int error);

/* Configures the network interfaces the environment names (net.c). */
void rg_net_configure(void);

/* What a serving rump kernel holds (census.c): NetBSD's processes and files. */
struct rg_census {
    unsigned processes;       /* live and zombie */
    unsigned files;           /* open: named by some process's descriptor (sockets too) */
    unsigned file_structures; /* made and not destroyed: open, or cached for reuse */
};
/* Counts them now; 0, or the errno of the sysctl that failed. */
int rg_census(struct rg_census *out);
