/*
 * netserver: a NIC and NetBSD's TCP/IP stack for other unikernels. The NetBSD glue has
 * booted the rump kernel and configured the interfaces the description names (IFCONFIG_*)
 * before main; main serves the system calls of every unikernel with a channel to this one
 * (each gets a process of its own in this kernel: its sockets, its descriptors) until all
 * of them have ended for good. A client's listening socket is reached from outside through
 * this unikernel's NIC like any socket of its own.
 */
#include <rumpglue.h>

int main(void)
{
    return rumpglue_serve("netserver") ? 1 : 0;
}
