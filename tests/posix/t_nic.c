/*
 * The network through the NIC: the description configures vioif0 by DHCP from QEMU's user
 * network (10.0.2.0/24, gateway 10.0.2.2). The host talks to this unikernel two ways:
 *  - run-system connects through QEMU's forwarded port to the echo server here (TCP rounds,
 *    then UDP rounds, once it sees "echo: listening");
 *  - QEMU's guestfwd runs `cat` on the host for each connection to 10.0.2.100:7777, so what
 *    is sent there comes back from the host.
 */
#include "ptest.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#define ECHO_PORT     7
#define ECHO_ROUNDS   3 /* run-system -p */
#define UDP_ROUNDS    3 /* run-system -u */
#define HOST_CAT_ADDR "10.0.2.100"
#define HOST_CAT_PORT 7777
#define GUEST_ADDR    "10.0.2.15"

TEST(nic_address_by_dhcp)
{
    struct ifaddrs *ifs, *i;
    int inet = 0, up = 0, loopback = 0;
    CHECK(getifaddrs(&ifs) == 0);
    for (i = ifs; i; i = i->ifa_next) {
        struct sockaddr_in *sin = (struct sockaddr_in *)i->ifa_addr;
        if (!strcmp(i->ifa_name, "vioif0") && sin && sin->sin_family == AF_INET) {
            struct sockaddr_in *mask = (struct sockaddr_in *)i->ifa_netmask;
            inet += sin->sin_addr.s_addr == inet_addr(GUEST_ADDR) &&
                    mask->sin_addr.s_addr == inet_addr("255.255.255.0");
            up = (i->ifa_flags & (IFF_UP | IFF_RUNNING)) == (IFF_UP | IFF_RUNNING);
        }
        loopback += !strcmp(i->ifa_name, "lo0") && sin && sin->sin_family == AF_INET &&
                    sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK);
    }
    CHECK(inet == 1 && up);
    CHECK(loopback == 1);
    freeifaddrs(ifs);
    CHECK(if_nametoindex("vioif0") > 0 && if_nametoindex("nosuch0") == 0);
}

static int connect_to(const char *addr, int port)
{
    struct sockaddr_in sin = {.sin_family = AF_INET,
                              .sin_port = htons((uint16_t)port),
                              .sin_addr.s_addr = inet_addr(addr)};
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s >= 0 && connect(s, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
        int e = errno;
        close(s);
        errno = e;
        return -1;
    }
    return s;
}

/* The gateway is the host: a port nothing listens on there is refused (QEMU passes the
 * host's refusal on as a reset). */
TEST(nic_host_refuses_closed_port)
{
    errno = 0;
    int s = connect_to("10.0.2.2", 1);
    CHECK(s == -1 && errno == ECONNREFUSED);
}

/* 256 KiB to the host's `cat` and back through the NIC, every byte checked. */
TEST(nic_bulk_through_host)
{
    int s = connect_to(HOST_CAT_ADDR, HOST_CAT_PORT);
    CHECK(s >= 0);
    if (s < 0) {
        return;
    }
    struct sockaddr_in me;
    socklen_t len = sizeof(me);
    CHECK(getsockname(s, (struct sockaddr *)&me, &len) == 0 &&
          me.sin_addr.s_addr == inet_addr(GUEST_ADDR));
    long bad = -1;
    struct ptest_sender *sender = ptest_send_pattern(s, 256 * 1024, 4096);
    /* cat ends its output when its input ends */
    CHECK(sender && ptest_receive_pattern(s, 8192, &bad) == 256 * 1024 && bad == 0);
    CHECK(ptest_sender_done(sender));
    close(s);
}

/* Echoes what one UDP datagram or TCP connection brings; returns 1 if it did. */
static int echo_tcp(int listener)
{
    int c = accept(listener, 0, 0);
    char buf[256];
    ssize_t n = c >= 0 ? read(c, buf, sizeof(buf)) : -1;
    int ok = n > 0 && write(c, buf, (size_t)n) == n;
    if (c >= 0) {
        close(c);
    }
    return ok;
}

static int echo_udp(int s)
{
    struct sockaddr_in from;
    socklen_t len = sizeof(from);
    char buf[512];
    ssize_t n = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
    return n > 0 && sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&from, len) == n;
}

/* The host's rounds: TCP connections, then datagrams, taken as poll says they come. */
TEST(nic_echo_to_host)
{
    int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(ECHO_PORT)};
    CHECK(t >= 0 && setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
    CHECK(bind(t, (struct sockaddr *)&sin, sizeof(sin)) == 0 && listen(t, 4) == 0);
    CHECK(u >= 0 && bind(u, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    printf("echo: listening\n");
    int tcp = 0, udp = 0, tcp_ok = 0, udp_ok = 0;
    while (tcp < ECHO_ROUNDS || udp < UDP_ROUNDS) {
        struct pollfd pfd[2] = {{.fd = t, .events = POLLIN}, {.fd = u, .events = POLLIN}};
        if (poll(pfd, 2, 60000) <= 0) {
            break; /* the host gave up: the counts below say what is missing */
        }
        if (pfd[0].revents & POLLIN) {
            tcp++;
            tcp_ok += echo_tcp(t);
        }
        if (pfd[1].revents & POLLIN) {
            udp++;
            udp_ok += echo_udp(u);
        }
    }
    CHECK(tcp == ECHO_ROUNDS && tcp_ok == ECHO_ROUNDS);
    CHECK(udp == UDP_ROUNDS && udp_ok == UDP_ROUNDS);
    CHECK(close(t) == 0 && close(u) == 0);
}
