/*
 * A TCP echo server on a NetBSD rump kernel: every byte a client sends comes back, until
 * the client closes. It uses only the rump kernel's system calls; the NetBSD glue has
 * booted the kernel and configured the network interface before main (IFCONFIG_* in the
 * system description's environment) and halts it when main returns.
 *
 *   echo [PORT [CONNECTIONS]]    port 7 by default; after CONNECTIONS clients (0: never)
 *                                main returns 0 and the unikernel ends
 */
#include <rumpglue.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static int listen_on(unsigned port)
{
    int s = rump_tcp_listen(port, 8);
    if (s < 0) {
        printf("echo: cannot listen on port %u (error %d)\n", port, errno);
    }
    return s;
}

/* Echoes until the client closes; returns the bytes echoed, or -1 on an error. */
static long serve(int c)
{
    static char buf[4096];
    long total = 0;
    for (;;) {
        ssize_t n = rump_sys_read(c, buf, sizeof(buf));
        if (n <= 0) {
            return n == 0 ? total : -1;
        }
        for (ssize_t done = 0; done < n;) {
            ssize_t w = rump_sys_write(c, buf + done, (size_t)(n - done));
            if (w <= 0) {
                return -1;
            }
            done += w;
        }
        total += n;
    }
}

int main(int argc, char **argv)
{
    unsigned port = argc > 1 ? (unsigned)strtoul(argv[1], 0, 10) : 7;
    unsigned limit = argc > 2 ? (unsigned)strtoul(argv[2], 0, 10) : 0;
    int s = listen_on(port);
    if (s < 0) {
        return 1;
    }
    if (limit) {
        printf("echo: listening on TCP port %u for %u connections\n", port, limit);
    } else {
        printf("echo: listening on TCP port %u\n", port);
    }
    for (unsigned served = 0; !limit || served < limit;) {
        struct sockaddr_in peer;
        socklen_t len = sizeof(peer);
        int c = rump_sys_accept(s, (struct sockaddr *)&peer, &len);
        if (c < 0) {
            printf("echo: accept failed (error %d)\n", errno);
            return 1;
        }
        uint32_t a = rump_ntohl(peer.sin_addr.s_addr);
        long n = serve(c);
        rump_sys_close(c);
        served++;
        printf("echo: connection %u from %u.%u.%u.%u:%u: %ld bytes echoed%s\n", served, a >> 24,
               (a >> 16) & 255, (a >> 8) & 255, a & 255, rump_ntohs(peer.sin_port), n < 0 ? 0 : n,
               n < 0 ? " (ended by an error)" : "");
    }
    rump_sys_close(s);
    printf("echo: served %u connections, exiting\n", limit);
    return 0;
}
