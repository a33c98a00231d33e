/*
 * Helpers the areas share: clocks, loopback TCP connections, delayed actions in threads,
 * bulk transfers of a known pattern, whole files.
 */
#include "ptest.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

uint64_t ptest_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t ptest_settle(void)
{
    sigset_t none;
    struct timespec wait = {0, 20 * 1000000L};
    sigemptyset(&none);
    sigtimedwait(&none, 0, &wait); /* ends by its timeout, measured on the platform's clock */
    return ptest_now_ns();
}

long ptest_ms_since(uint64_t start_ns)
{
    return (long)((ptest_now_ns() - start_ns) / 1000000u);
}

int ptest_tcp_listener(int *port)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sin);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) {
        return -1;
    }
    if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(s, 8) != 0 ||
        getsockname(s, (struct sockaddr *)&sin, &len) != 0) {
        close(s);
        return -1;
    }
    *port = ntohs(sin.sin_port);
    return s;
}

int ptest_tcp_pair(int fds[2])
{
    int port, l = ptest_tcp_listener(&port);
    if (l < 0) {
        return -1;
    }
    struct sockaddr_in sin = {.sin_family = AF_INET,
                              .sin_port = htons((uint16_t)port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    fds[0] = socket(AF_INET, SOCK_STREAM, 0);
    if (fds[0] < 0 || connect(fds[0], (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
        (fds[1] = accept(l, 0, 0)) < 0) {
        if (fds[0] >= 0) {
            close(fds[0]);
        }
        close(l);
        return -1;
    }
    close(l);
    return 0;
}

struct ptest_later {
    pthread_t thread;
    int delay_ms;
    void (*fn)(void *);
    void *arg;
};

static void *later_main(void *p)
{
    struct ptest_later *later = p;
    if (later->delay_ms) {
        struct timespec ts = {later->delay_ms / 1000, (later->delay_ms % 1000) * 1000000L};
        nanosleep(&ts, 0);
    }
    later->fn(later->arg);
    return 0;
}

struct ptest_later *ptest_later(int delay_ms, void (*fn)(void *), void *arg)
{
    struct ptest_later *later = malloc(sizeof(*later));
    if (!later) {
        return 0;
    }
    *later = (struct ptest_later){.delay_ms = delay_ms, .fn = fn, .arg = arg};
    if (pthread_create(&later->thread, 0, later_main, later) != 0) {
        free(later);
        return 0;
    }
    return later;
}

void ptest_join(struct ptest_later *later)
{
    if (later) {
        pthread_join(later->thread, 0);
        free(later);
    }
}

/* The pattern's byte at position i: a multiplicative hash, so no chunk size repeats it. */
static unsigned char pattern_byte(long i)
{
    return (unsigned char)((uint32_t)i * 2654435761u >> 24);
}

struct ptest_sender {
    pthread_t thread;
    int fd, ok;
    long total;
    size_t chunk;
};

static void *sender_main(void *p)
{
    struct ptest_sender *s = p;
    unsigned char *buf = malloc(s->chunk);
    s->ok = buf != 0;
    for (long sent = 0; s->ok && sent < s->total;) {
        size_t n = s->total - sent < (long)s->chunk ? (size_t)(s->total - sent) : s->chunk;
        for (size_t j = 0; j < n; j++) {
            buf[j] = pattern_byte(sent + (long)j);
        }
        s->ok = write(s->fd, buf, n) == (ssize_t)n;
        sent += (long)n;
    }
    free(buf);
    if (shutdown(s->fd, SHUT_WR) != 0) {
        close(s->fd);
    }
    return 0;
}

struct ptest_sender *ptest_send_pattern(int fd, long total, size_t chunk)
{
    struct ptest_sender *s = malloc(sizeof(*s));
    if (!s) {
        return 0;
    }
    *s = (struct ptest_sender){.fd = fd, .total = total, .chunk = chunk};
    if (pthread_create(&s->thread, 0, sender_main, s) != 0) {
        free(s);
        return 0;
    }
    return s;
}

int ptest_sender_done(struct ptest_sender *s)
{
    if (!s) {
        return 0;
    }
    int ok = pthread_join(s->thread, 0) == 0 && s->ok;
    free(s);
    return ok;
}

long ptest_receive_pattern(int fd, size_t chunk, long *bad)
{
    unsigned char *buf = malloc(chunk);
    long got = 0;
    ssize_t n;
    *bad = 0;
    while (buf && (n = read(fd, buf, chunk)) > 0) {
        for (ssize_t j = 0; j < n; j++, got++) {
            *bad += buf[j] != pattern_byte(got);
        }
    }
    free(buf);
    return got;
}

long ptest_read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    long total = 0;
    ssize_t n;
    if (fd < 0) {
        return -1;
    }
    while ((size_t)total < size - 1 && (n = read(fd, buf + total, size - 1 - (size_t)total)) > 0) {
        total += n;
    }
    buf[total] = 0;
    close(fd);
    return total;
}
