/*
 * How a POSIX program ends, checked from outside (posix.system runs it as several
 * unikernels; make test-posix checks the console and each unikernel's status):
 *
 *   pstatus return N       atexit handlers run in reverse order, then main returns N
 *   pstatus exit-thread N  a second thread calls exit(N) while main waits for it
 *   pstatus abort          abort(): status 134, reported as SIGABRT
 *   pstatus sigpipe        a write to a pipe nobody reads, SIGPIPE left at its default:
 *                          status 141
 *   pstatus sigkill        every other signal caught or blocked, SIGKILL still ends it: 137
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char order[8];
static int ran;

static void first(void)
{
    order[ran++] = '1';
    printf("pstatus: atexit handlers ran in the order %s\n",
           !strcmp(order, "321") ? "3 2 1 (reverse of registration)" : order);
}

static void second(void)
{
    order[ran++] = '2';
}

static void third(void)
{
    order[ran++] = '3';
}

static void caught(int sig)
{
    printf("pstatus: caught signal %d\n", sig);
}

static void *exit_from_thread(void *arg)
{
    exit((int)(long)arg);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, 0, _IOLBF, 0);
    if (argc == 3 && !strcmp(argv[1], "return")) {
        if (atexit(first) || atexit(second) || atexit(third)) {
            printf("pstatus: atexit failed\n");
            return 1;
        }
        printf("pstatus: main returns %d\n", atoi(argv[2]));
        return atoi(argv[2]);
    }
    if (argc == 3 && !strcmp(argv[1], "exit-thread")) {
        pthread_t t;
        if (pthread_create(&t, 0, exit_from_thread, (void *)(long)atoi(argv[2])) == 0) {
            pthread_join(t, 0);
        }
        printf("pstatus: the thread's exit did not end the program\n");
        return 1;
    }
    if (argc == 2 && !strcmp(argv[1], "abort")) {
        printf("pstatus: calling abort\n");
        abort();
    }
    if (argc == 2 && !strcmp(argv[1], "sigpipe")) {
        int p[2];
        if (pipe(p) == 0 && close(p[0]) == 0) {
            printf("pstatus: writing to a pipe without a reader\n");
            write(p[1], "x", 1);
        }
        printf("pstatus: SIGPIPE did not end the program\n");
        return 1;
    }
    if (argc == 2 && !strcmp(argv[1], "sigkill")) {
        struct sigaction sa = {.sa_handler = caught};
        sigset_t all;
        for (int sig = 1; sig < NSIG; sig++) {
            sigaction(sig, &sa, 0); /* refused for SIGKILL and SIGSTOP */
        }
        sigfillset(&all);
        sigprocmask(SIG_BLOCK, &all, 0);
        printf("pstatus: raising SIGKILL\n");
        raise(SIGKILL);
        printf("pstatus: SIGKILL did not end the program\n");
        return 1;
    }
    printf("pstatus: unknown mode\n");
    return 1;
}
