/*
 * NetBSD's system calls on a rump kernel in another unikernel: a program linked with the
 * client library (bake link --rump-client) has no rump kernel of its own; its rump_sys_*
 * calls go over a channel of the system description to a server (a unikernel whose rump
 * kernel called rump_init_server("channel:"), e.g. apps/netserver, apps/fsserver) and run
 * there, in a process the server keeps for this client. README.md of platform/rumpclient
 * lists the calls it carries.
 *
 * The types, constants and structures are those of <rumpglue.h> (NetBSD's amd64 layout);
 * the connection's calls (rumpclient_init, rumpclient_reconnect, ...) are rsc_client.h's.
 */
#pragma once

#include <rumpglue.h>

#include "rsc_client.h"
