/*
 * NetBSD's system calls on a rump kernel in another unikernel: a program linked with the
 * client library (bake link --rump-client) has no rump kernel of its own; its rump_sys_*
 * calls go over a channel of the system description to a server (a unikernel whose rump
 * kernel called rump_init_server("channel:"), e.g. apps/netserver, apps/fsserver) and run
 * there, in a process the server keeps for this client. README.md of platform/rumpclient
 * lists the calls it carries.
 *
 * The types, constants and structures are those of <rumpglue.h> (NetBSD's amd64 layout).
 */
#pragma once

#include <rumpglue.h>

/*
 * Connects to the server: the unikernel named by RUMP_SERVER in the environment, or else
 * the one server this unikernel has a channel to. While that server has not started yet,
 * it waits (at most RUMPCLIENT_WAIT seconds, default 60). Returns 0 or an errno: ENOENT
 * (no such channel), ECONNREFUSED (the server ended for good), ETIMEDOUT. The first
 * rump_sys_* call connects by itself if the program did not.
 */
int rumpclient_init(void);

/*
 * After a call failed with ECONNRESET (the server stopped: crashed or restarted, and with
 * it every descriptor this client had there), every call fails the same way until the
 * program connects again with this: it waits for the server to run again and begins a new
 * session (a new process, no descriptors). Returns as rumpclient_init.
 */
int rumpclient_reconnect(void);

/* The server's pid for this client's process and its banner ("NetBSD 7.99.34 amd64"). */
int rumpclient_pid(void);
const char *rumpclient_banner(void);

/* Bytes one call can carry (a read returns at most this much, a write is split). */
size_t rumpclient_capacity(void);
