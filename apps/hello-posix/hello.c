/*
 * Hello, world as an ordinary POSIX program: NetBSD's libc and libpthread, built with
 * Rumprun's toolchain and baked into a unikernel by bake (nothing here knows about either).
 */
#include <sys/utsname.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define THREADS 4

static void *worker(void *arg)
{
    long n = (long)arg;
    long sum = 0;
    for (long i = 1; i <= 1000 * (n + 1); i++) {
        sum += i;
    }
    printf("thread %ld: sum of 1..%ld is %ld\n", n, 1000 * (n + 1), sum);
    return (void *)sum;
}

static int check(int ok, const char *what)
{
    if (!ok) {
        printf("hello: %s failed: %s\n", what, strerror(errno));
    }
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    struct utsname u;
    int failures = check(uname(&u) == 0, "uname");
    printf("Hello, world, from %s %s on %s (%s)\n", u.sysname, u.release, u.machine, u.nodename);
    for (int i = 1; i < argc; i++) {
        printf("argv[%d] = %s\n", i, argv[i]);
    }

    char *greeting = malloc(64);
    failures += check(greeting != 0, "malloc");
    snprintf(greeting, 64, "%d threads", THREADS);

    pthread_t threads[THREADS];
    long total = 0;
    for (long i = 0; i < THREADS; i++) {
        failures += check(pthread_create(&threads[i], 0, worker, (void *)i) == 0, "pthread_create");
    }
    for (int i = 0; i < THREADS; i++) {
        void *result;
        failures += check(pthread_join(threads[i], &result) == 0, "pthread_join");
        total += (long)result;
    }
    printf("%s joined, total %ld\n", greeting, total);
    free(greeting);

    struct timespec before, after;
    clock_gettime(CLOCK_MONOTONIC, &before);
    sleep(1);
    clock_gettime(CLOCK_MONOTONIC, &after);
    long ms = (after.tv_sec - before.tv_sec) * 1000 + (after.tv_nsec - before.tv_nsec) / 1000000;
    printf("sleep(1) took %ld ms\n", ms);
    failures += check(ms >= 1000, "sleep");

    FILE *f = fopen("/tmp/hello.txt", "w");
    failures += check(f && fprintf(f, "written at %ld\n", (long)time(0)) > 0 && fclose(f) == 0,
                      "writing /tmp/hello.txt");
    char line[64] = "";
    f = fopen("/tmp/hello.txt", "r");
    failures +=
        check(f && fgets(line, sizeof(line), f) && fclose(f) == 0, "reading /tmp/hello.txt");
    printf("/tmp/hello.txt: %s", line);

    printf("hello: %s\n", failures ? "something failed" : "all good");
    return failures ? 1 : 0;
}
