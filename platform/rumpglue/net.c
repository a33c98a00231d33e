/*
 * Network configuration from the system description's environment:
 *
 *   IFCONFIG_<interface>=dhcp               DHCP, once, at boot (QEMU's user network has a server)
 *   IFCONFIG_<interface>=<address>/<prefix> a static IPv4 address, e.g. 10.0.2.15/24
 *   GATEWAY=<address>                       the IPv4 default route
 *   IFMEDIA_<interface>=<media>             fixed media instead of auto-negotiation:
 *                                           10baseT, 100baseTX or 1000baseT, -FDX for full duplex
 *   IFOFFLOAD=on                            switch on every offload the drivers have (default: off)
 *
 * It uses the rump kernel's libnetconfig (the net_config component; DHCP also needs
 * dev_bpf). Those are weak references, so a program without networking links without them;
 * asking for a configuration they would carry out is then an error.
 */
#include "glue.h"

#include <errno.h>
#include <platform.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma weak rump_pub_netconfig_ifup
#pragma weak rump_pub_netconfig_ipv4_ifaddr_cidr
#pragma weak rump_pub_netconfig_ipv4_gw
#pragma weak rump_pub_netconfig_dhcp_ipv4_oneshot

#define IFCONFIG_PREFIX "IFCONFIG_"

/*
 * IPv4 duplicate address detection holds a new address back for a second or more per
 * probe. The addresses of a system's unikernels are the deployer's to choose (or the DHCP
 * server's), so it is switched off: an interface is usable as soon as it is configured.
 * net.inet.ip.dad_count by number: CTL_NET, PF_INET, IPPROTO_IP, IPCTL_DAD_COUNT.
 */
static void no_dad(void)
{
    static const int mib[] = {4, 2, 0, 25};
    int zero = 0;
    if (rump_sys___sysctl(mib, 4, 0, 0, &zero, sizeof(zero)) != 0 && rg_verbose) {
        printf("rumpglue: cannot switch off duplicate address detection (error %d)\n", errno);
    }
}

/*
 * Hardware offloads: a driver that can compute checksums or segment TCP (wm(4) on QEMU's
 * e1000: IPv4, TCP and UDP checksums both ways, TCP segmentation) has them all switched
 * off until asked, and NetBSD's stack then sums every byte and sends one frame per
 * segment. With IFOFFLOAD=on they are switched on before the interface goes up (a change
 * while it runs resets the device). Off by default: on QEMU's e1000 the guest executes fewer
 * instructions with them, but QEMU spends more host time emulating the offloads than it
 * saves (README.md, Performance). SIOCGIFCAP/SIOCSIFCAP take NetBSD's struct ifcapreq: the
 * name, then the capabilities the driver has and those enabled, as 64-bit masks.
 */
struct ifcapreq {
    char name[16];
    uint64_t capabilities, enabled;
};
#define SIOCGIFCAP 0xc0206976ul /* _IOWR('i', 118, struct ifcapreq) */
#define SIOCSIFCAP 0x80206975ul /* _IOW('i', 117, struct ifcapreq) */

static void enable_offloads(const char *ifname)
{
    const char *setting = pf_getenv("IFOFFLOAD");
    if (!setting || strcmp(setting, "on") != 0) {
        return;
    }
    struct ifcapreq req;
    memset(&req, 0, sizeof(req));
    strlcpy(req.name, ifname, sizeof(req.name));
    int s = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_DGRAM, 0);
    if (s < 0) {
        rg_fail("cannot make a socket to configure interfaces", errno);
    }
    int r = rump_sys_ioctl(s, SIOCGIFCAP, &req);
    if (r == 0 && req.capabilities != req.enabled) {
        req.enabled = req.capabilities;
        r = rump_sys_ioctl(s, SIOCSIFCAP, &req);
    }
    int error = errno;
    rump_sys_close(s);
    if (r != 0) {
        char what[64];
        snprintf(what, sizeof(what), "%s: cannot switch on its offloads", ifname);
        rg_fail(what, error);
    }
    if (rg_verbose && req.capabilities) {
        printf("rumpglue: %s: offloads 0x%lx on\n", ifname, (unsigned long)req.enabled);
    }
}

/*
 * Fixed media: the PHY is programmed without auto-negotiation. For QEMU's e1000 this takes
 * half a second off the interface's start: its PHY reports the link up throughout but
 * completes a negotiation only 500 ms after one is started, and wm(4) starting on "auto"
 * waits for that while it brings the interface up. SIOCSIFMEDIA takes NetBSD's struct
 * ifreq (the name, then a 128-byte union whose first int is the media word: IFM_ETHER
 * 0x20 | the subtype | IFM_FDX 0x100000 for full duplex).
 */
struct ifreq_media {
    char name[16];
    union {
        char space[128];
        int media;
    } u;
};
#define SIOCSIFMEDIA 0xc0906935ul /* _IOWR('i', 53, struct ifreq) */

static void set_media(const char *ifname)
{
    static const struct {
        const char *name;
        int subtype;
    } media[] = {{"10baseT", 3}, {"100baseTX", 6}, {"1000baseT", 16}};
    char var[48], what[96];
    snprintf(var, sizeof(var), "IFMEDIA_%s", ifname);
    const char *value = pf_getenv(var);
    if (!value) {
        return;
    }
    struct ifreq_media req;
    memset(&req, 0, sizeof(req));
    strlcpy(req.name, ifname, sizeof(req.name));
    for (size_t i = 0; i < sizeof(media) / sizeof(media[0]) && !req.u.media; i++) {
        size_t n = strlen(media[i].name);
        if (strncmp(value, media[i].name, n) == 0 &&
            (value[n] == 0 || strcmp(value + n, "-FDX") == 0)) {
            req.u.media = 0x20 | media[i].subtype | (value[n] ? 0x100000 : 0);
        }
    }
    if (!req.u.media) {
        snprintf(what, sizeof(what), "%s=%s: not 10baseT, 100baseTX or 1000baseT (-FDX)", var,
                 value);
        rg_fail(what, EINVAL);
    }
    int s = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_DGRAM, 0);
    int r = s < 0 ? -1 : rump_sys_ioctl(s, SIOCSIFMEDIA, &req);
    int error = errno;
    if (s >= 0) {
        rump_sys_close(s);
    }
    if (r != 0) {
        snprintf(what, sizeof(what), "%s: cannot set media %s (does the driver have it?)", ifname,
                 value);
        rg_fail(what, error);
    }
}

static void configure_static(const char *ifname, const char *value)
{
    char addr[16], what[96];
    const char *slash = strchr(value, '/');
    char *end;
    unsigned long prefix = slash ? strtoul(slash + 1, &end, 10) : 0;
    if (!slash || (size_t)(slash - value) >= sizeof(addr) || end == slash + 1 || *end ||
        prefix > 32) {
        snprintf(what, sizeof(what), "%s%s=%s: not dhcp or ADDRESS/PREFIX", IFCONFIG_PREFIX, ifname,
                 value);
        rg_fail(what, EINVAL);
    }
    memcpy(addr, value, (size_t)(slash - value));
    addr[slash - value] = 0;
    int r = rump_pub_netconfig_ifup(ifname);
    if (r == 0) {
        r = rump_pub_netconfig_ipv4_ifaddr_cidr(ifname, addr, (int)prefix);
    }
    if (r != 0) {
        snprintf(what, sizeof(what), "%s: cannot configure %s", ifname, value);
        rg_fail(what, r);
    }
    printf("rumpglue: %s: %s\n", ifname, value);
}

static void configure_dhcp(const char *ifname)
{
    char what[64];
    if (!rump_pub_netconfig_dhcp_ipv4_oneshot) {
        snprintf(what, sizeof(what), "%s: DHCP needs the net_config component", ifname);
        rg_fail(what, ENOSYS);
    }
    printf("rumpglue: %s: asking for an address by DHCP\n", ifname);
    int r = rump_pub_netconfig_dhcp_ipv4_oneshot(ifname);
    if (r != 0) {
        snprintf(what, sizeof(what), "%s: DHCP failed (is dev_bpf linked in?)", ifname);
        rg_fail(what, r);
    }
}

/* One IFCONFIG_ entry: NAME=VALUE with NAME after the prefix. */
static void configure_interface(const char *entry)
{
    char ifname[32];
    const char *name = entry + strlen(IFCONFIG_PREFIX), *eq = strchr(name, '=');
    if (!eq || eq == name || (size_t)(eq - name) >= sizeof(ifname)) {
        rg_fail("bad IFCONFIG_ entry in the environment", EINVAL);
    }
    memcpy(ifname, name, (size_t)(eq - name));
    ifname[eq - name] = 0;
    if (!rump_pub_netconfig_ifup) {
        rg_fail("IFCONFIG_ needs the net_config component linked in", ENOSYS);
    }
    enable_offloads(ifname);
    set_media(ifname);
    if (strcmp(eq + 1, "dhcp") == 0) {
        configure_dhcp(ifname);
    } else {
        configure_static(ifname, eq + 1);
    }
}

void rg_net_configure(void)
{
    const struct uk_init *init = pf_init();
    bool dad_off = false;
    for (seL4_Word i = 0; i < init->envc; i++) {
        const char *e = init->envp[i];
        if (strncmp(e, IFCONFIG_PREFIX, strlen(IFCONFIG_PREFIX)) == 0) {
            if (!dad_off) {
                no_dad();
                dad_off = true;
            }
            configure_interface(e);
        }
    }
    const char *gw = pf_getenv("GATEWAY");
    if (gw) {
        if (!rump_pub_netconfig_ipv4_gw) {
            rg_fail("GATEWAY needs the net_config component linked in", ENOSYS);
        }
        int r = rump_pub_netconfig_ipv4_gw(gw);
        if (r != 0) {
            rg_fail("cannot set the default route (GATEWAY)", r);
        }
        printf("rumpglue: default route via %s\n", gw);
    }
}
