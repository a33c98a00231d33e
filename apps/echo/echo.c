/*
 * A TCP echo server on a NetBSD rump kernel: every byte a client sends comes back, until
 * the client closes. It uses only the rump kernel's system calls; the NetBSD glue has
 * booted the kernel and configured the network interface before main (IFCONFIG_* in the
 * system description's environment) and halts it when main returns.
 *
 *   echo [PORT [CONNECTIONS [READ_SIZE]]]
 *       port 7 by default; after CONNECTIONS clients (0: never) main returns 0 and the
 *       unikernel ends; each read asks for up to READ_SIZE bytes (default 32768, at most
 *       65536)
 *
 * Reads are large by default because a system call may cost much more than in-kernel
 * work: linked as a client of a netserver (platform/rumpclient), each one is a round trip
 * to another unikernel, two address-space switches, and one 32 KiB read carries what eight
 * 4 KiB reads would (bench/rsc/README.md). A read returns what the socket holds, so a
 * large buffer never waits for more data than a small one would.
 */
#include <rumpglue.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_READ (32 * 1024)
#define MAX_READ     (64 * 1024)

static int listen_on(unsigned port)
{
    int s = rump_tcp_listen(port, 8);
    if (s < 0) {
        printf("echo: cannot listen on port %u (error %d)\n", port, errno);
    }
    return s;
}

/* Echoes until the client closes; returns the bytes echoed, or -1 on an error. */
static long serve(int c, size_t read_size)
{
    static char buf[MAX_READ];
    long total = 0;
    for (;;) {
        ssize_t n = rump_sys_read(c, buf, read_size);
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
    size_t read_size = argc > 3 ? strtoul(argv[3], 0, 10) : DEFAULT_READ;
    if (read_size == 0 || read_size > MAX_READ) {
        printf("echo: read size %s: expected 1 to %u bytes\n", argv[3], MAX_READ);
        return 2;
    }
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
        long n = serve(c, read_size);
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
