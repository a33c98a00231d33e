/* The process: argv and environment from the description, ids, limits, what it cannot do. */
#include "ptest.h"

#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <unistd.h>

extern char **environ;

/* posix.system: argv = ptest "two words" --flag=x */
TEST(process_argv)
{
    CHECK(ptest_argc == 3);
    CHECK(ptest_argc == 3 && !strcmp(ptest_argv[0], "ptest") &&
          !strcmp(ptest_argv[1], "two words"));
    CHECK(ptest_argc == 3 && !strcmp(ptest_argv[2], "--flag=x") && ptest_argv[3] == 0);
    CHECK(!strcmp(getprogname(), "ptest"));
}

TEST(process_environment)
{
    CHECK(getenv("PTEST_GREETING") && !strcmp(getenv("PTEST_GREETING"), "hello world"));
    CHECK(getenv("PTEST_EMPTY") && !strcmp(getenv("PTEST_EMPTY"), ""));
    CHECK(setenv("PTEST_NEW", "1", 1) == 0 && !strcmp(getenv("PTEST_NEW"), "1"));
    CHECK(setenv("PTEST_NEW", "2", 0) == 0 && !strcmp(getenv("PTEST_NEW"), "1")); /* kept */
    CHECK(putenv("PTEST_PUT=yes") == 0 && !strcmp(getenv("PTEST_PUT"), "yes"));
    int n = 0, greeting = 0;
    for (char **e = environ; *e; e++) {
        n++;
        greeting += !strcmp(*e, "PTEST_GREETING=hello world");
    }
    CHECK(n >= 4 && greeting == 1);
    CHECK(unsetenv("PTEST_NEW") == 0 && getenv("PTEST_NEW") == 0);
    CHECK_ERRNO(setenv("BAD=NAME", "x", 1), EINVAL);
    unsetenv("PTEST_PUT");
}

TEST(process_ids)
{
    CHECK(getpid() > 0 && getppid() >= 0);
    CHECK(getuid() == 0 && geteuid() == 0 && getgid() == 0 && getegid() == 0);
    /* The program leads its own session and process group, as a daemon does. */
    CHECK(getpgrp() == getpid() && getsid(0) == getpid());
    CHECK_ERRNO(setsid(), EPERM); /* a group leader already */
    char *login = getlogin();
    CHECK(login == 0 || login[0] != 0);
}

/* Descriptors 0, 1 and 2 are the console: output goes to it, input is at its end. */
TEST(process_console)
{
    struct stat st;
    char c;
    CHECK(fstat(0, &st) == 0 && fstat(1, &st) == 0 && fstat(2, &st) == 0);
    CHECK(read(0, &c, 1) == 0);
    CHECK(write(1, "", 0) == 0 && fprintf(stderr, "%s", "") == 0);
    CHECK((fcntl(1, F_GETFL) & O_ACCMODE) != O_RDONLY);
}

TEST(process_limits)
{
    struct rlimit rl;
    CHECK(getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur == 1024 * 1024);
    CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur >= 64);
    /* Lowered, the limit holds: the next descriptor past it is refused. */
    struct rlimit low = {.rlim_cur = 16, .rlim_max = rl.rlim_max};
    CHECK(setrlimit(RLIMIT_NOFILE, &low) == 0);
    int fds[20], n = 0;
    while (n < 20 && (fds[n] = open("/dev/null", O_RDONLY)) >= 0) {
        n++;
    }
    CHECK(n < 20 && errno == EMFILE);
    while (n > 0) {
        close(fds[--n]);
    }
    CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
    CHECK(sysconf(_SC_OPEN_MAX) == (long)rl.rlim_cur);
}

TEST(process_no_fork_or_exec)
{
    uint64_t start = ptest_now_ns();
    CHECK_ERRNO(fork(), ENOSYS);
    CHECK_ERRNO(vfork(), ENOSYS);
    char *argv[] = {"/bin/sh", 0};
    CHECK_ERRNO(execve("/bin/sh", argv, environ), ENOSYS);
    CHECK_ERRNO(execv("/bin/sh", argv), ENOSYS);
    CHECK_ERRNO(execvp("sh", argv), ENOSYS);
    int status;
    CHECK_ERRNO(wait(&status), ENOSYS);
    CHECK_ERRNO(waitpid(-1, &status, WNOHANG), ENOSYS);
    pid_t pid;
    CHECK(posix_spawn(&pid, "/bin/sh", 0, 0, argv, environ) == ENOSYS);
    CHECK(system("true") != 0);          /* no shell to run */
    CHECK(ptest_ms_since(start) < 1000); /* all at once, nothing waits */
}

/* System V IPC: Rumprun's libc has no semget, semctl, msgget or shmget (a program using
 * them does not link); the calls it has fail at once. */
TEST(process_unsupported_ipc)
{
    char buf[16];
    CHECK_ERRNO(msgsnd(1, "x", 1, IPC_NOWAIT), ENOSYS);
    CHECK_ERRNO(msgrcv(1, buf, sizeof(buf), 0, IPC_NOWAIT), ENOSYS);
}
