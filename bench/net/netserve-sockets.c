/*
 * netserve's sockets over a POSIX socket API, shared by the back ends that run as ordinary
 * programs: netserve-linux.c (the Linux guest) and netserve-posix.c (inside a POSIX
 * unikernel, next to iperf; Rumprun's toolchain, NetBSD's libc).
 */
#include "netserve.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

int ns_listen(unsigned port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    struct sockaddr_in sin = {
        .sin_family = AF_INET,
        .sin_port = htons((uint16_t)port),
        .sin_addr = {htonl(INADDR_ANY)},
    };
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(s, 8) < 0) {
        return -1;
    }
    return s;
}

int ns_accept(int s)
{
    int one = 1;
    int c = accept(s, 0, 0);
    if (c >= 0) {
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    return c;
}

long ns_read(int fd, void *buf, size_t n)
{
    return read(fd, buf, n);
}

long ns_write(int fd, const void *buf, size_t n)
{
    return write(fd, buf, n);
}

void ns_close(int fd)
{
    close(fd);
}
