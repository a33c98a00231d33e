/*
 * The network through the NIC: the description configures vioif0 by DHCP, the host
 * connects through QEMU's forwarded port to this echo server (the runner, run-system, does
 * the rounds once it sees "echo: listening").
 */
#include "ptest.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <ifaddrs.h>
#include <unistd.h>

#define ECHO_PORT   7
#define ECHO_ROUNDS 3

TEST(nic_address_by_dhcp)
{
    struct ifaddrs *ifs, *i;
    int found = 0;
    CHECK(getifaddrs(&ifs) == 0);
    for (i = ifs; i; i = i->ifa_next) {
        found += i->ifa_addr && i->ifa_addr->sa_family == AF_INET && !strcmp(i->ifa_name, "vioif0");
    }
    CHECK(found == 1);
    freeifaddrs(ifs);
}

TEST(nic_echo_to_host)
{
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(ECHO_PORT)};
    CHECK(s >= 0 && setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
    CHECK(bind(s, (struct sockaddr *)&sin, sizeof(sin)) == 0 && listen(s, 4) == 0);
    printf("echo: listening\n");
    for (int round = 0; round < ECHO_ROUNDS; round++) {
        int c = accept(s, 0, 0);
        char buf[256];
        ssize_t n = c >= 0 ? read(c, buf, sizeof(buf)) : -1;
        CHECK(n > 0 && write(c, buf, (size_t)n) == n);
        CHECK(c >= 0 && close(c) == 0);
    }
    CHECK(close(s) == 0);
}
