/*
 * Internals of the client library: client.c (the connection and the call slots) and
 * syscalls.c (the rsc_sys_* calls, which describe their buffers to rsc_call). Both are
 * compiled against the platform's headers only, so that POSIX programs (whose libc is
 * NetBSD's) can have them too (rsc_client.h).
 */
#pragma once

#include "rsc_client.h"
#include <errno.h>
#include <platform.h>
#include <rsc_protocol.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum rsc_dir {
    RSC_IN,     /* len bytes to the server */
    RSC_INOUT,  /* len bytes there and back */
    RSC_OUTRET, /* back only, as many units as the call returned (read, recvfrom, kevent) */
    RSC_STR,    /* a NUL-terminated string to the server (len unused) */
};

/* A buffer argument: args[arg] points to it, args[len_arg] (if >= 0) holds its length in
 * units of `unit` bytes (0: bytes), which rsc_call may lower to what one call carries. */
struct rsc_buf {
    int arg;
    enum rsc_dir dir;
    size_t len; /* in bytes */
    int len_arg;
    size_t unit;
};

/*
 * Runs NetBSD system call `sysnum` on the server with `nargs` argument words (pointer
 * arguments described by bufs). Returns retval[0], or -1 with errno set.
 */
long rsc_call(int sysnum, uint64_t *args, unsigned nargs, const struct rsc_buf *bufs,
              unsigned nbufs);
