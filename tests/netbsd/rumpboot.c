/*
 * Boots a real NetBSD rump kernel on the platform: rump_init(), then system calls into the
 * rump kernel's file system and, with PCI drivers linked in, its network stack. Built only
 * when RUMP_SYSROOT names a rump kernel sysroot (the rump kernel is not in this
 * repository). One line per check, then "N passed, N failed".
 *
 * The rump kernel's own headers need a NetBSD userland; the few entry points used here are
 * declared below with the symbol names the sysroot's libraries define.
 */
#include <platform.h>
#include <runtime.h>
#include <errno.h>

int rump_init(void);
int rump___sysimpl_getpid(void);
int rump___sysimpl_mkdir(const char *path, unsigned mode);
int rump___sysimpl_open(const char *path, int flags, ...);
long rump___sysimpl_write(int fd, const void *buf, size_t len);
long rump___sysimpl_read(int fd, void *buf, size_t len);
long rump___sysimpl_lseek(int fd, long off, int whence);
int rump___sysimpl_close(int fd);
int rump___sysimpl_nanosleep50(const void *request, void *remain);
int rump___sysimpl_socket30(int domain, int type, int protocol);
int rump___sysimpl_connect(int s, const void *addr, unsigned len);
int rump___sysimpl___sysctl(const int *name, unsigned namelen, void *old, size_t *oldlen,
                            const void *new, size_t newlen);
int rump_pub_netconfig_ifup(const char *ifname);
int rump_pub_netconfig_ipv4_ifaddr(const char *ifname, const char *addr, const char *mask);

/* NetBSD's values and layouts. */
#define NB_O_RDWR       0x0002
#define NB_O_CREAT      0x0200
#define NB_AF_INET      2
#define NB_SOCK_STREAM  1
#define NB_ECONNREFUSED 61

struct nb_timespec {
    int64_t tv_sec;
    long tv_nsec;
};

struct nb_sockaddr_in {
    uint8_t sin_len, sin_family;
    uint16_t sin_port; /* network byte order */
    uint32_t sin_addr; /* network byte order */
    uint8_t sin_zero[8];
};

static unsigned passed, failed;

static void check(bool ok, const char *what, long detail)
{
    if (ok) {
        passed++;
        printf("ok   %s\n", what);
    } else {
        failed++;
        printf("FAIL %s (%ld, errno %d)\n", what, detail, errno);
    }
}

static void file_system(void)
{
    static char out[3000], in[3000];
    for (unsigned i = 0; i < sizeof(out); i++) {
        out[i] = (char)('a' + i % 26);
    }
    int r = rump___sysimpl_mkdir("/work", 0755);
    check(r == 0, "mkdir /work in the rump kernel's root file system", r);
    int fd = rump___sysimpl_open("/work/file", NB_O_RDWR | NB_O_CREAT, 0644);
    check(fd >= 0, "create /work/file", fd);
    long n = rump___sysimpl_write(fd, out, sizeof(out));
    check(n == (long)sizeof(out), "write 3000 bytes", n);
    n = rump___sysimpl_lseek(fd, 0, 0);
    check(n == 0, "seek back", n);
    n = rump___sysimpl_read(fd, in, sizeof(in));
    check(n == (long)sizeof(in) && memcmp(in, out, sizeof(in)) == 0, "read them back", n);
    check(rump___sysimpl_close(fd) == 0, "close", 0);
}

/* The rump kernel's own sleep: its callouts and condition variables run on platform timers. */
static void kernel_sleep(void)
{
    struct nb_timespec ts = {0, 100 * 1000 * 1000};
    uint64_t t0 = pf_clock_monotonic();
    int r = rump___sysimpl_nanosleep50(&ts, 0);
    uint64_t ms = (pf_clock_monotonic() - t0) / 1000000;
    check(r == 0 && ms >= 100 && ms < 2000, "nanosleep(100 ms) in the rump kernel", (long)ms);
}

/*
 * A NIC sends a TCP SYN to QEMU's user-mode gateway, which answers a closed port with a
 * reset: ECONNREFUSED proves transmit and receive DMA and interrupts end to end.
 */
static void network(const char *ifname, const char *addr, uint32_t gateway_be)
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
        int s = rump___sysimpl_socket30(NB_AF_INET, NB_SOCK_STREAM, 0);
        struct nb_sockaddr_in gw = {sizeof(gw), NB_AF_INET, 0x0100 /* port 1 */, gateway_be, {0}};
        uint64_t t0 = pf_clock_monotonic();
        r = rump___sysimpl_connect(s, &gw, sizeof(gw));
        uint64_t ms = (pf_clock_monotonic() - t0) / 1000000;
        snprintf(what, sizeof(what), "%s: TCP connect to the gateway's port 1 is refused (%lu ms)",
                 ifname, (unsigned long)ms);
        check(s >= 0 && r < 0 && errno == NB_ECONNREFUSED && ms < 3000, what, r);
        rump___sysimpl_close(s);
    }
}

/* IPv4 duplicate address detection would hold new addresses back for seconds: off. */
static void no_dad(void)
{
    static const int mib[] = {4 /* net */, 2 /* inet */, 0 /* ip */, 25 /* dad_count */};
    int zero = 0;
    int r = rump___sysimpl___sysctl(mib, 4, 0, 0, &zero, sizeof(zero));
    check(r == 0, "sysctl net.inet.ip.dad_count=0", r);
}

int main(void)
{
    uint64_t t0 = pf_clock_monotonic();
    int r = rump_init();
    check(r == 0, "rump_init", r);
    if (r != 0) {
        printf("%u passed, %u failed\n", passed, failed);
        return 1;
    }
    printf("     (rump kernel up in %lu ms)\n",
           (unsigned long)((pf_clock_monotonic() - t0) / 1000000));
    int pid = rump___sysimpl_getpid();
    check(pid > 0, "getpid", pid);
    file_system();
    kernel_sleep();
    no_dad();
    network("wm0", "10.0.2.15", 0x0202000a);    /* gateway 10.0.2.2 */
    network("vioif0", "10.0.3.15", 0x0203000a); /* gateway 10.0.3.2 */
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
