/* The process: argv and environment from the description, ids, and what it cannot do. */
#include "ptest.h"

#include <sys/wait.h>
#include <spawn.h>
#include <stdlib.h>
#include <unistd.h>

extern char **environ;

TEST(process_environment)
{
    CHECK(getenv("PTEST_GREETING") && !strcmp(getenv("PTEST_GREETING"), "hello world"));
    CHECK(setenv("PTEST_NEW", "1", 1) == 0 && !strcmp(getenv("PTEST_NEW"), "1"));
    CHECK(unsetenv("PTEST_NEW") == 0 && getenv("PTEST_NEW") == 0);
    int n = 0;
    for (char **e = environ; *e; e++) {
        n++;
    }
    CHECK(n >= 1);
}

TEST(process_ids)
{
    CHECK(getpid() > 0);
    CHECK(getuid() == 0 && geteuid() == 0);
}

TEST(process_no_fork_or_exec)
{
    CHECK_ERRNO(fork(), ENOSYS);
    CHECK_ERRNO(vfork(), ENOSYS);
    char *argv[] = {"/bin/sh", 0};
    CHECK_ERRNO(execve("/bin/sh", argv, environ), ENOSYS);
    int status;
    CHECK_ERRNO(wait(&status), ENOSYS);
    pid_t pid;
    CHECK(posix_spawn(&pid, "/bin/sh", 0, 0, argv, environ) == ENOSYS);
}
