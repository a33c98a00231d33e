/*
 * netserve: the network benchmark's server (bench/README.md, "bench/net"). One protocol
 * core (netserve.c) over two back ends that supply the sockets, the guest's CPU accounting
 * and the way out: netserve-rump.c (a unikernel on a NetBSD rump kernel) and
 * netserve-linux.c (a static Linux program in the Linux guest's initramfs). Both are the
 * same server, so the benchmark compares systems, not programs.
 */
#pragma once

#include <stddef.h>

/* The TCP port the host's forwarding reaches. */
#define NETSERVE_PORT 7

/* Socket calls of the back end; a negative result is an error. */
int ns_listen(unsigned port);
int ns_accept(int s);
long ns_read(int fd, void *buf, size_t n);
long ns_write(int fd, const void *buf, size_t n);
void ns_close(int fd);

/*
 * Guest CPU accounting. ns_util_start begins a period; ns_util_stop ends it and writes one
 * or more "BUSY TOTAL SOURCE" triples (busy and total time of the period in nanoseconds of
 * the guest's clock) separated by blanks into line, the first being the one to report.
 */
void ns_util_start(void);
void ns_util_stop(char *line, size_t size);

/* Serves connections on port until a client says "quit"; returns the exit status. */
int netserve_run(unsigned port);
