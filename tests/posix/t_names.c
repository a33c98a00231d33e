/*
 * Names and system information: users and groups, host names and services (/etc, written
 * at start-up), sysctl, uname, randomness.
 */
#include "ptest.h"

#include <sys/param.h>
#include <sys/socket.h>
#include <sys/sysctl.h>
#include <sys/utsname.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

TEST(names_users)
{
    struct passwd *pw = getpwnam("root");
    CHECK(pw && pw->pw_uid == 0 && pw->pw_gid == 0 && !strcmp(pw->pw_dir, "/root"));
    pw = getpwnam("daemon");
    CHECK(pw && pw->pw_uid == 1);
    pw = getpwnam("nobody");
    CHECK(pw && pw->pw_uid == 32767 && !strcmp(pw->pw_shell, "/sbin/nologin"));
    CHECK(getpwnam("nosuchuser") == 0);
    pw = getpwuid(0);
    CHECK(pw && !strcmp(pw->pw_name, "root"));
    struct passwd pwbuf, *res = 0;
    char buf[512];
    CHECK(getpwnam_r("daemon", &pwbuf, buf, sizeof(buf), &res) == 0 && res == &pwbuf);
}

TEST(names_groups)
{
    struct group *gr = getgrnam("wheel");
    CHECK(gr && gr->gr_gid == 0 && gr->gr_mem[0] && !strcmp(gr->gr_mem[0], "root"));
    gr = getgrgid(39);
    CHECK(gr && !strcmp(gr->gr_name, "nogroup"));
    CHECK(getgrnam("nosuchgroup") == 0);
}

static int resolves_to_loopback(const char *name, int family)
{
    struct addrinfo hints = {.ai_family = family, .ai_socktype = SOCK_STREAM}, *res = 0;
    int found = 0;
    if (getaddrinfo(name, "80", &hints, &res) != 0) {
        return 0;
    }
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        if (ai->ai_family == AF_INET) {
            struct sockaddr_in *sin = (struct sockaddr_in *)ai->ai_addr;
            found |= sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK) && ntohs(sin->sin_port) == 80;
        } else if (ai->ai_family == AF_INET6) {
            struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ai->ai_addr;
            found |= IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
        }
    }
    freeaddrinfo(res);
    return found;
}

TEST(names_getaddrinfo_hosts_file)
{
    char host[MAXHOSTNAMELEN];
    CHECK(resolves_to_loopback("localhost", AF_INET));
    CHECK(resolves_to_loopback("localhost", AF_INET6));
    CHECK(gethostname(host, sizeof(host)) == 0 && resolves_to_loopback(host, AF_INET));
    struct hostent *he = gethostbyname("localhost");
    CHECK(he && he->h_addrtype == AF_INET && !memcmp(he->h_addr_list[0], "\177\0\0\1", 4));
}

TEST(names_getaddrinfo_numeric_and_reverse)
{
    struct addrinfo hints = {.ai_family = AF_INET, .ai_flags = AI_NUMERICHOST}, *res = 0;
    CHECK(getaddrinfo("10.0.2.15", "7", &hints, &res) == 0 && res &&
          ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr == inet_addr("10.0.2.15"));
    if (res) {
        freeaddrinfo(res);
    }
    CHECK(getaddrinfo("not-a-number", 0, &hints, &res) == EAI_NONAME);
    struct sockaddr_in sin = {.sin_family = AF_INET,
                              .sin_len = sizeof(sin),
                              .sin_port = htons(80),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    char host[64], serv[32];
    CHECK(getnameinfo((struct sockaddr *)&sin, sizeof(sin), host, sizeof(host), serv, sizeof(serv),
                      0) == 0);
    CHECK(!strcmp(host, "localhost") && !strcmp(serv, "http"));
}

/* A name in no file: the resolver asks the description's name server (QEMU's), which
 * answers that the reserved .invalid domain does not exist. */
TEST(names_getaddrinfo_unknown)
{
    struct addrinfo hints = {.ai_family = AF_INET}, *res = 0;
    uint64_t start = ptest_now_ns();
    int r = getaddrinfo("no-such-host.invalid", "80", &hints, &res);
    CHECK(r == EAI_NONAME || r == EAI_NODATA || r == EAI_FAIL || r == EAI_AGAIN);
    CHECK(res == 0 && gai_strerror(r) != 0);
    printf("  (getaddrinfo of an unknown name: %s, %ld ms)\n", gai_strerror(r),
           ptest_ms_since(start));
}

TEST(names_services_and_protocols)
{
    struct servent *se = getservbyname("http", "tcp");
    CHECK(se && ntohs((uint16_t)se->s_port) == 80 && !strcmp(se->s_proto, "tcp"));
    se = getservbyname("domain", "udp");
    CHECK(se && ntohs((uint16_t)se->s_port) == 53);
    se = getservbyport(htons(22), "tcp");
    CHECK(se && !strcmp(se->s_name, "ssh"));
    CHECK(getservbyname("no-such-service", "tcp") == 0);
    struct protoent *pe = getprotobyname("udp");
    CHECK(pe && pe->p_proto == IPPROTO_UDP);
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res = 0;
    CHECK(getaddrinfo("localhost", "https", &hints, &res) == 0 && res &&
          ntohs(((struct sockaddr_in *)res->ai_addr)->sin_port) == 443);
    if (res) {
        freeaddrinfo(res);
    }
}

TEST(names_sysctl)
{
    int mib[2] = {CTL_HW, HW_NCPU}, ncpu = 0, pagesize = 0;
    size_t len = sizeof(ncpu);
    CHECK(sysctl(mib, 2, &ncpu, &len, 0, 0) == 0 && ncpu == 1);
    len = sizeof(pagesize);
    CHECK(sysctlbyname("hw.pagesize", &pagesize, &len, 0, 0) == 0 && pagesize == 4096);
    char host[MAXHOSTNAMELEN] = "", name[MAXHOSTNAMELEN] = "", os[32] = "";
    len = sizeof(host);
    CHECK(sysctlbyname("kern.hostname", host, &len, 0, 0) == 0 && host[0]);
    CHECK(gethostname(name, sizeof(name)) == 0 && !strcmp(name, host));
    len = sizeof(os);
    CHECK(sysctlbyname("kern.ostype", os, &len, 0, 0) == 0 && !strcmp(os, "NetBSD"));
    int64_t mem = 0;
    len = sizeof(mem);
    CHECK(sysctlbyname("hw.physmem64", &mem, &len, 0, 0) == 0 && mem > 0);
    CHECK(sysconf(_SC_NPROCESSORS_ONLN) == 1);
    len = sizeof(ncpu);
    CHECK_ERRNO(sysctlbyname("no.such.node", &ncpu, &len, 0, 0), ENOENT);
}

TEST(names_hostname_change)
{
    char old[MAXHOSTNAMELEN], now[MAXHOSTNAMELEN];
    CHECK(gethostname(old, sizeof(old)) == 0);
    CHECK(sethostname("renamed", 7) == 0 && gethostname(now, sizeof(now)) == 0);
    CHECK(!strcmp(now, "renamed"));
    CHECK(sethostname(old, strlen(old)) == 0);
}

TEST(names_uname)
{
    struct utsname u;
    CHECK(uname(&u) == 0);
    CHECK(!strcmp(u.sysname, "NetBSD") && !strncmp(u.release, "7.", 2));
    CHECK(!strcmp(u.machine, "amd64"));
    char host[MAXHOSTNAMELEN];
    CHECK(gethostname(host, sizeof(host)) == 0 && !strcmp(u.nodename, host));
}

TEST(names_randomness)
{
    unsigned char a[32], b[32];
    int fd = open("/dev/urandom", O_RDONLY);
    CHECK(fd >= 0 && read(fd, a, sizeof(a)) == sizeof(a) && read(fd, b, sizeof(b)) == sizeof(b));
    CHECK(memcmp(a, b, sizeof(a)) != 0);
    close(fd);
    fd = open("/dev/random", O_RDONLY);
    CHECK(fd >= 0 && read(fd, a, 16) == 16);
    close(fd);
    uint32_t x = arc4random(), y = arc4random(), z = arc4random();
    CHECK(x != y || y != z);
    arc4random_buf(a, sizeof(a));
    arc4random_buf(b, sizeof(b));
    CHECK(memcmp(a, b, sizeof(a)) != 0);
    int in_range = 1;
    for (int i = 0; i < 100; i++) {
        in_range &= arc4random_uniform(10) < 10;
    }
    CHECK(in_range);
    /* Roughly uniform: each bit value of 32 KiB of output is set about half the time. */
    static unsigned char many[32768];
    arc4random_buf(many, sizeof(many));
    long ones = 0;
    for (size_t i = 0; i < sizeof(many); i++) {
        ones += __builtin_popcount(many[i]);
    }
    CHECK(ones > 128000 && ones < 134000);
    /* NetBSD's getentropy: sysctl kern.arandom, at most 256 bytes a call. */
    int mib[2] = {CTL_KERN, KERN_ARND};
    size_t len = sizeof(a);
    CHECK(sysctl(mib, 2, a, &len, 0, 0) == 0 && len == sizeof(a));
    len = sizeof(b);
    CHECK(sysctl(mib, 2, b, &len, 0, 0) == 0 && memcmp(a, b, sizeof(a)) != 0);
}
