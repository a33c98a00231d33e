/*
 * Boots a real NetBSD rump kernel on the bare platform, without the NetBSD glue: rump_init()
 * called by main itself, then system calls into the rump kernel's file system and, with PCI
 * drivers linked in, its network stack. Built only when RUMP_SYSROOT names a rump kernel
 * sysroot (the rump kernel is not in this repository). One line per check, then
 * "N passed, N failed". Only the glue's header is used (for the rump kernel's
 * declarations), not its library: this is the smallest path from platform to rump kernel.
 */
#include "nbcheck.h"

#include <platform.h>
#include <errno.h>
#include <stdio.h>

static void file_system(void)
{
    int r = rump_sys_mkdir("/data", 0755);
    check(r == 0, "mkdir /data in the rump kernel's root file system", r);
    check_file_round_trip("/data/file", 3000);
}

/* The rump kernel's own sleep: its callouts and condition variables run on platform timers. */
static void kernel_sleep(void)
{
    struct timespec ts = {0, 100 * 1000 * 1000};
    uint64_t t0 = pf_clock_monotonic();
    int r = rump_sys_nanosleep(&ts, 0);
    uint64_t ms = (pf_clock_monotonic() - t0) / 1000000;
    check(r == 0 && ms >= 100 && ms < 2000, "nanosleep(100 ms) in the rump kernel", (long)ms);
}

/*
 * A NIC sends a TCP SYN to QEMU's user-mode gateway, which answers a closed port with a
 * reset: ECONNREFUSED proves transmit and receive DMA and interrupts end to end.
 */
static void network(const char *ifname, const char *addr, uint32_t gateway)
{
    char what[80];
    if (rump_pub_netconfig_ifup(ifname) != 0) {
        printf("     (no %s: its network checks are skipped)\n", ifname);
        return;
    }
    int r = rump_pub_netconfig_ipv4_ifaddr(ifname, addr, "255.255.255.0");
    snprintf(what, sizeof(what), "configure %s as %s/24", ifname, addr);
    check(r == 0, what, r);
    for (int attempt = 0; attempt < 2; attempt++) {
        int s = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0);
        struct sockaddr_in gw = {
            .sin_len = sizeof(gw),
            .sin_family = RUMP_AF_INET,
            .sin_port = rump_htons(1),
            .sin_addr = {rump_htonl(gateway)},
        };
        uint64_t t0 = pf_clock_monotonic();
        r = rump_sys_connect(s, (struct sockaddr *)&gw, sizeof(gw));
        uint64_t ms = (pf_clock_monotonic() - t0) / 1000000;
        snprintf(what, sizeof(what), "%s: TCP connect to the gateway's port 1 is refused (%lu ms)",
                 ifname, (unsigned long)ms);
        check(s >= 0 && r < 0 && errno == RUMP_ECONNREFUSED && ms < 3000, what, r);
        rump_sys_close(s);
    }
}

/* IPv4 duplicate address detection would hold new addresses back for seconds: off. */
static void no_dad(void)
{
    static const int mib[] = {4 /* net */, 2 /* inet */, 0 /* ip */, 25 /* dad_count */};
    int zero = 0;
    int r = rump_sys___sysctl(mib, 4, 0, 0, &zero, sizeof(zero));
    check(r == 0, "sysctl net.inet.ip.dad_count=0", r);
}

int main(void)
{
    uint64_t t0 = pf_clock_monotonic();
    int r = rump_init();
    check(r == 0, "rump_init", r);
    if (r != 0) {
        return check_summary();
    }
    printf("     (rump kernel up in %lu ms)\n",
           (unsigned long)((pf_clock_monotonic() - t0) / 1000000));
    int pid = rump_sys_getpid();
    check(pid > 0, "getpid", pid);
    file_system();
    kernel_sleep();
    no_dad();
    network("wm0", "10.0.2.15", 0x0a000202);    /* gateway 10.0.2.2 */
    network("vioif0", "10.0.3.15", 0x0a000302); /* gateway 10.0.3.2 */
    return check_summary();
}
