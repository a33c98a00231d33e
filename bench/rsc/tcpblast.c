/*
 * tcpblast: echo throughput from the host. Connects to an echo server (retrying while the
 * guest boots), sends BYTES in writes of CHUNK bytes while reading the echo back, checks
 * every byte that comes back, and prints the rate. A host program of the benchmark
 * bench/rsc (make bench-rsc); plain POSIX.
 *
 *   tcpblast PORT BYTES CHUNK [WAIT_SECONDS]
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned char pattern(size_t at)
{
    return (unsigned char)(at * 7 + at / 4093);
}

static int connect_to(unsigned port, double wait)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    double give_up = now() + wait;
    for (;;) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (s >= 0 && connect(s, (struct sockaddr *)&sin, sizeof(sin)) == 0) {
            int one = 1;
            setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK); /* never block both ways */
            return s;
        }
        if (s >= 0) {
            close(s);
        }
        if (now() > give_up) {
            return -1;
        }
        nanosleep(&(struct timespec){0, 100000000}, 0);
    }
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: tcpblast PORT BYTES CHUNK [WAIT_SECONDS]\n");
        return 2;
    }
    unsigned port = (unsigned)strtoul(argv[1], 0, 10);
    size_t total = strtoul(argv[2], 0, 10), chunk = strtoul(argv[3], 0, 10);
    int s = connect_to(port, argc > 4 ? atof(argv[4]) : 60);
    unsigned char *out = malloc(chunk), *in = malloc(65536);
    if (s < 0 || !out || !in || chunk == 0) {
        fprintf(stderr, "tcpblast: cannot connect to port %u\n", port);
        return 1;
    }
    /* The first byte echoed proves the server is up; time from there. */
    size_t sent = 0, received = 0;
    double start = 0;
    while (received < total) {
        struct pollfd p = {s, POLLIN | (sent < total ? POLLOUT : 0), 0};
        if (poll(&p, 1, 30000) <= 0) {
            fprintf(stderr, "tcpblast: stalled after %zu of %zu bytes back\n", received, total);
            return 1;
        }
        if ((p.revents & POLLOUT) && sent < total) {
            size_t n = total - sent < chunk ? total - sent : chunk;
            for (size_t i = 0; i < n; i++) {
                out[i] = pattern(sent + i);
            }
            ssize_t w = write(s, out, n);
            if (w < 0 && errno != EAGAIN) {
                perror("tcpblast: write");
                return 1;
            }
            sent += w > 0 ? (size_t)w : 0;
        }
        if (p.revents & (POLLIN | POLLHUP)) {
            ssize_t r = read(s, in, 65536);
            if (r < 0 && errno == EAGAIN) {
                continue;
            }
            if (r <= 0) {
                fprintf(stderr, "tcpblast: the server closed after %zu bytes\n", received);
                return 1;
            }
            for (ssize_t i = 0; i < r; i++) {
                if (in[i] != pattern(received + (size_t)i)) {
                    fprintf(stderr, "tcpblast: byte %zu came back wrong\n", received + (size_t)i);
                    return 1;
                }
            }
            if (!received) {
                start = now();
            }
            received += (size_t)r;
        }
    }
    double seconds = now() - start;
    close(s);
    printf("tcpblast: %zu bytes echoed in %.3f s: %.2f MB/s\n", total, seconds,
           (double)total / seconds / 1e6);
    return 0;
}
