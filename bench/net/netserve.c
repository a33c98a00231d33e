/*
 * The benchmark server's protocol, shared by both back ends (netserve.h). A client opens a
 * TCP connection and sends one command line:
 *
 *   echo         every byte that follows comes back, until the client closes its side
 *   util start   begins a CPU accounting period; answer "ok"
 *   util stop    ends it; answer "util BUSY TOTAL SOURCE [BUSY TOTAL SOURCE...]"
 *   quit         answer "bye"; the server ends (status 0)
 *
 * One connection at a time: the host measures one thing at a time, and a single loop is the
 * same program on every system.
 */
#include "netserve.h"

#include <stdio.h>
#include <string.h>

/* Large enough that a stream is a few system calls per window, as for a real server. */
static char buf[64 * 1024];

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        long w = ns_write(fd, p, n);
        if (w <= 0) {
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads the command line byte by byte (so nothing after it is consumed); 0 on success. */
static int read_command(int fd, char *line, size_t size)
{
    size_t n = 0;
    for (;;) {
        char c;
        if (ns_read(fd, &c, 1) != 1) {
            return -1;
        }
        if (c == '\n') {
            line[n] = 0;
            return 0;
        }
        if (n + 1 >= size) {
            return -1;
        }
        line[n++] = c;
    }
}

/* Echoes until the client closes; the bytes echoed, or -1 on an error. */
static long echo(int fd)
{
    long total = 0;
    for (;;) {
        long n = ns_read(fd, buf, sizeof(buf));
        if (n <= 0) {
            return n == 0 ? total : -1;
        }
        if (write_all(fd, buf, (size_t)n) < 0) {
            return -1;
        }
        total += n;
    }
}

static int reply(int fd, const char *text)
{
    return write_all(fd, text, strlen(text));
}

/* Serves one connection; 1 if it asked the server to end. */
static int serve(int fd)
{
    char line[64];
    if (read_command(fd, line, sizeof(line)) < 0) {
        printf("netserve: a connection closed before its command\n");
        return 0;
    }
    if (strcmp(line, "echo") == 0) {
        if (echo(fd) < 0) {
            printf("netserve: echo ended by an error\n");
        }
    } else if (strcmp(line, "util start") == 0) {
        ns_util_start();
        reply(fd, "ok\n");
    } else if (strcmp(line, "util stop") == 0) {
        char util[192], answer[256];
        ns_util_stop(util, sizeof(util));
        snprintf(answer, sizeof(answer), "util %s\n", util);
        reply(fd, answer);
    } else if (strcmp(line, "quit") == 0) {
        /* The system may end the moment we return: first let the client read "bye" and
         * close, or the answer could be lost with the machine. */
        if (reply(fd, "bye\n") == 0) {
            while (ns_read(fd, line, sizeof(line)) > 0) {
            }
        }
        return 1;
    } else {
        printf("netserve: unknown command '%s'\n", line);
        reply(fd, "unknown command\n");
    }
    return 0;
}

int netserve_run(unsigned port)
{
    int s = ns_listen(port);
    if (s < 0) {
        printf("netserve: cannot listen on TCP port %u\n", port);
        return 1;
    }
    /* The host waits for this line before it measures anything (boot-to-serving). */
    printf("netserve: listening on TCP port %u\n", port);
    for (;;) {
        int c = ns_accept(s);
        if (c < 0) {
            printf("netserve: accept failed\n");
            return 1;
        }
        int end = serve(c);
        ns_close(c);
        if (end) {
            break;
        }
    }
    ns_close(s);
    printf("netserve: done\n");
    return 0;
}
