/*
 * The system description's configuration for a POSIX program, carried out before its
 * constructors run. The root task passes it as lines of words (uk_init.confv), checked
 * already by the description's parser (roottask/shared/sysdesc_keys.c):
 *
 *   net IF dhcp                    DHCP on interface IF (once, at boot)
 *   net IF ADDR/PREFIX [GATEWAY]   a static IPv4 address, and the default route
 *   nameserver ADDR                a line of /etc/resolv.conf
 *   mount DEV PATH FSTYPE [ro]     disk DEV (ld0, or a partition: ld0a) mounted at PATH
 *   tree FILE PATH                 a file-system image baked into the image, read-only
 *   cwd PATH                       the working directory main() starts in
 *
 * /tmp is always a tmpfs, and /etc is written first (etc.c). Anything that fails here ends
 * the unikernel with status 1 and a line saying what failed and why.
 */
#include "posix.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysctl.h>
#include <errno.h>
#include <fcntl.h>
#include <isofs/cd9660/cd9660_mount.h>
#include <fs/tmpfs/tmpfs_args.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ufs/ufs/ufsmount.h>
#include <unistd.h>

#include <rump/netconfig.h>
#include <rump/rump.h>
#include <rump/rumpvfs_if_pub.h>

/* Without the net_config component a program links, and asking for a network fails. */
#pragma weak rump_pub_netconfig_ifup
#pragma weak rump_pub_netconfig_ipv4_ifaddr_cidr
#pragma weak rump_pub_netconfig_ipv4_gw
#pragma weak rump_pub_netconfig_dhcp_ipv4_oneshot

#define MAX_WORDS 6

static bool verbose;

/* mkdir -p, for mount points. */
static void make_directories(const char *path)
{
    char buf[1024];
    if (strlcpy(buf, path, sizeof(buf)) >= sizeof(buf)) {
        posix_fail("path too long: %s", path);
    }
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = 0;
            if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
                posix_fail("cannot create directory %s (error %d: %s)", buf, errno,
                           strerror(errno));
            }
            if (!c) {
                break;
            }
            *p = c;
        }
    }
}

static void mount_tmp(void)
{
    struct tmpfs_args args = {.ta_version = TMPFS_ARGS_VERSION, .ta_root_mode = 01777};
    if (mount(MOUNT_TMPFS, "/tmp", 0, &args, sizeof(args)) != 0) {
        posix_fail("cannot mount tmpfs on /tmp (error %d: %s)", errno, strerror(errno));
    }
}

/* A disk file system (ext2fs, ffs) or an ISO 9660 image from block device `dev`. */
static void mount_fs(const char *dev, const char *path, const char *type, bool readonly)
{
    int flags = readonly ? MNT_RDONLY : 0;
    int r;
    make_directories(path);
    if (strcmp(type, "cd9660") == 0) {
        struct iso_args args = {.fspec = dev};
        r = mount(MOUNT_CD9660, path, flags | MNT_RDONLY, &args, sizeof(args));
    } else {
        struct ufs_args args = {.fspec = (char *)(uintptr_t)dev};
        r = mount(type, path, flags, &args, sizeof(args));
    }
    if (r != 0) {
        posix_fail("cannot mount %s (%s) on %s (error %d: %s)", dev, type, path, errno,
                   strerror(errno));
    }
    if (verbose) {
        posix_say("%s (%s) mounted on %s%s", dev, type, path, readonly ? ", read-only" : "");
    }
}

/* "ld0" is the whole disk (NetBSD's raw partition, d on amd64); "ld0a" a partition. */
static void configure_mount(char **w, int n)
{
    char dev[64];
    const char *name = w[1];
    size_t len = strlen(name);
    bool partition = len && name[len - 1] >= 'a' && name[len - 1] <= 'p';
    snprintf(dev, sizeof(dev), "/dev/%s%s", name, partition ? "" : "d");
    mount_fs(dev, w[2], w[3], n > 4 && strcmp(w[4], "ro") == 0);
}

/* A carried file-system image (bake packs a directory as ext2): a block device, mounted. */
static void configure_tree(char **w)
{
    char dev[64];
    snprintf(dev, sizeof(dev), "/dev/%s", w[1]);
    int r = rump_pub_etfs_register(dev, dev, RUMP_ETFS_BLK);
    if (r != 0) {
        posix_fail("cannot offer the baked tree %s as a block device (error %d)", w[1], r);
    }
    mount_fs(dev, w[2], "ext2fs", true);
}

/*
 * IPv4 duplicate address detection holds a new address back for a second or more; the
 * addresses of a system's unikernels are the deployer's (or the DHCP server's) to choose.
 */
static void no_duplicate_address_detection(void)
{
    static bool done;
    int zero = 0;
    if (!done && sysctlbyname("net.inet.ip.dad_count", 0, 0, &zero, sizeof(zero)) != 0 && verbose) {
        posix_say("cannot switch off duplicate address detection (error %d)", errno);
    }
    done = true;
}

static void configure_net(char **w, int n)
{
    const char *ifname = w[1];
    if (!rump_pub_netconfig_ifup) {
        posix_fail("net %s: the rump kernel has no net_config component", ifname);
    }
    no_duplicate_address_detection();
    if (strcmp(w[2], "dhcp") == 0) {
        posix_say("%s: asking for an address by DHCP", ifname);
        int r = rump_pub_netconfig_dhcp_ipv4_oneshot(ifname);
        if (r != 0) {
            posix_fail("%s: DHCP failed (error %d)", ifname, r);
        }
        return;
    }
    char addr[64];
    strlcpy(addr, w[2], sizeof(addr));
    char *slash = strchr(addr, '/');
    int prefix = slash ? atoi(slash + 1) : 32;
    if (slash) {
        *slash = 0;
    }
    int r = rump_pub_netconfig_ifup(ifname);
    if (r == 0) {
        r = rump_pub_netconfig_ipv4_ifaddr_cidr(ifname, addr, prefix);
    }
    if (r == 0 && n > 3) {
        r = rump_pub_netconfig_ipv4_gw(w[3]);
    }
    if (r != 0) {
        posix_fail("%s: cannot configure %s (error %d)", ifname, w[2], r);
    }
    posix_say("%s: %s%s%s", ifname, w[2], n > 3 ? " via " : "", n > 3 ? w[3] : "");
}

static void add_nameserver(const char *addr)
{
    int fd = open("/etc/resolv.conf", O_WRONLY | O_CREAT | O_APPEND, 0644);
    char line[80];
    int len = snprintf(line, sizeof(line), "nameserver %s\n", addr);
    if (fd < 0 || write(fd, line, (size_t)len) != len || close(fd) != 0) {
        posix_fail("cannot write /etc/resolv.conf (error %d)", errno);
    }
}

/* Splits a configuration line into words (separated by single spaces). */
static int split(char *line, char **w)
{
    int n = 0;
    for (char *p = strtok(line, " "); p && n < MAX_WORDS; p = strtok(0, " ")) {
        w[n++] = p;
    }
    return n;
}

/* Runs `pass`'s kind of lines: mounts before the network, the directory last. */
static void run_lines(const struct uk_init *init, const char *kind)
{
    for (seL4_Word i = 0; i < init->confc; i++) {
        char line[256], *w[MAX_WORDS];
        strlcpy(line, init->confv[i], sizeof(line));
        int n = split(line, w);
        if (n < 2 || strcmp(w[0], kind) != 0) {
            continue;
        }
        if (strcmp(kind, "mount") == 0 && n >= 4) {
            configure_mount(w, n);
        } else if (strcmp(kind, "tree") == 0 && n >= 3) {
            configure_tree(w);
        } else if (strcmp(kind, "net") == 0 && n >= 3) {
            configure_net(w, n);
        } else if (strcmp(kind, "nameserver") == 0) {
            add_nameserver(w[1]);
        } else if (strcmp(kind, "cwd") == 0 && chdir(w[1]) != 0) {
            posix_fail("cannot change to directory %s (error %d: %s)", w[1], errno,
                       strerror(errno));
        }
    }
}

void posix_configure(const struct uk_init *init)
{
    const char *v = pf_getenv("RUMP_VERBOSE");
    verbose = v && *v && *v != '0';
    char hostname[256];
    if (gethostname(hostname, sizeof(hostname)) != 0) {
        strlcpy(hostname, init->name, sizeof(hostname));
    }
    mount_tmp();
    posix_etc_write(hostname);
    static const char *const order[] = {"mount", "tree", "net", "nameserver", "cwd"};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        run_lines(init, order[i]);
    }
}
