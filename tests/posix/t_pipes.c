/* Pipes: data, end of file, atomic writes, EPIPE and SIGPIPE, non-blocking ends. */
#include "ptest.h"

#include <sys/ioctl.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

TEST(pipes_data_and_eof)
{
    int p[2];
    char buf[16] = "";
    CHECK(pipe(p) == 0);
    CHECK(write(p[1], "through", 7) == 7);
    int queued = -1;
    CHECK(ioctl(p[0], FIONREAD, &queued) == 0 && queued == 7);
    CHECK(read(p[0], buf, sizeof(buf)) == 7 && !memcmp(buf, "through", 7));
    CHECK(close(p[1]) == 0);
    CHECK(read(p[0], buf, sizeof(buf)) == 0); /* no writer left: end of file */
    CHECK(close(p[0]) == 0);
}

TEST(pipes_pipe2_flags)
{
    int p[2];
    CHECK(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0);
    CHECK((fcntl(p[0], F_GETFL) & O_NONBLOCK) && (fcntl(p[1], F_GETFL) & O_NONBLOCK));
    CHECK(fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC);
    CHECK_ERRNO(lseek(p[0], 0, SEEK_SET), ESPIPE);
    close(p[0]);
    close(p[1]);
}

TEST(pipes_nonblocking_eagain)
{
    int p[2];
    char buf[512];
    CHECK(pipe2(p, O_NONBLOCK) == 0);
    CHECK_ERRNO(read(p[0], buf, sizeof(buf)), EAGAIN);
    memset(buf, 'p', sizeof(buf));
    long total = 0;
    ssize_t n;
    while ((n = write(p[1], buf, sizeof(buf))) > 0) {
        total += n;
    }
    CHECK(n == -1 && errno == EAGAIN && total >= PIPE_BUF);
    CHECK(read(p[0], buf, sizeof(buf)) == sizeof(buf));
    CHECK(write(p[1], buf, 1) == 1); /* room again */
    close(p[0]);
    close(p[1]);
}

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
    (void)sig;
    sigpipes++;
}

TEST(pipes_epipe_with_sigpipe_handled)
{
    int p[2];
    struct sigaction sa = {.sa_handler = on_sigpipe}, old;
    CHECK(sigaction(SIGPIPE, &sa, &old) == 0);
    CHECK(pipe(p) == 0 && close(p[0]) == 0);
    sigpipes = 0;
    CHECK_ERRNO(write(p[1], "x", 1), EPIPE);
    CHECK(sigpipes == 1);
    close(p[1]);
    sigaction(SIGPIPE, &old, 0);
}

TEST(pipes_epipe_with_sigpipe_ignored)
{
    int p[2];
    struct sigaction sa = {.sa_handler = SIG_IGN}, old;
    CHECK(sigaction(SIGPIPE, &sa, &old) == 0);
    CHECK(pipe(p) == 0 && close(p[0]) == 0);
    CHECK_ERRNO(write(p[1], "x", 1), EPIPE);
    sigset_t pending;
    CHECK(sigpending(&pending) == 0 && !sigismember(&pending, SIGPIPE));
    close(p[1]);
    sigaction(SIGPIPE, &old, 0);
}

/* Writers of at most PIPE_BUF bytes are never interleaved, however the reader reads. */
enum { RECORD = 256, RECORDS = 64 };

static void *record_writer(void *arg)
{
    int fd = ((int *)arg)[0], mark = ((int *)arg)[1];
    char rec[RECORD];
    memset(rec, mark, sizeof(rec));
    for (int i = 0; i < RECORDS; i++) {
        if (write(fd, rec, sizeof(rec)) != sizeof(rec)) {
            return (void *)1;
        }
    }
    return 0;
}

TEST(pipes_atomic_writes)
{
    int p[2];
    CHECK(PIPE_BUF >= 512 && RECORD <= PIPE_BUF);
    CHECK(pipe(p) == 0 && fpathconf(p[0], _PC_PIPE_BUF) >= RECORD);
    int a[2] = {p[1], 'a'}, b[2] = {p[1], 'b'};
    pthread_t ta, tb;
    CHECK(pthread_create(&ta, 0, record_writer, a) == 0);
    CHECK(pthread_create(&tb, 0, record_writer, b) == 0);
    char rec[RECORD];
    int whole = 0, as = 0;
    for (int i = 0; i < 2 * RECORDS; i++) {
        size_t got = 0;
        ssize_t n;
        while (got < sizeof(rec) && (n = read(p[0], rec + got, sizeof(rec) - got)) > 0) {
            got += (size_t)n;
        }
        int same = got == sizeof(rec);
        for (size_t j = 1; same && j < sizeof(rec); j++) {
            same = rec[j] == rec[0];
        }
        whole += same;
        as += rec[0] == 'a';
    }
    void *ra, *rb;
    CHECK(pthread_join(ta, &ra) == 0 && pthread_join(tb, &rb) == 0 && !ra && !rb);
    CHECK(whole == 2 * RECORDS && as == RECORDS);
    close(p[0]);
    close(p[1]);
}

/* A blocking writer of more than the pipe holds waits for the reader; nothing is lost. */
TEST(pipes_bulk_between_threads)
{
    int p[2];
    long bad = -1;
    CHECK(pipe(p) == 0);
    struct ptest_sender *writer = ptest_send_pattern(p[1], 200000, 1000); /* closes p[1] */
    CHECK(writer && ptest_receive_pattern(p[0], 4096, &bad) == 200000 && bad == 0);
    CHECK(ptest_sender_done(writer));
    close(p[0]);
}
