/*
 * configure-check: runs, on the target, the test programs nginx's configure built but could
 * not run (apps/nginx/configure-cc stood in for them with apps/nginx/configure-answers), and
 * prints what each really does as a line of configure-answers: "answer: STATUS OUTPUT NAME"
 * (OUTPUT "-" when there is none). make test-nginx-configure compares the lines with the
 * file. A test program's output is caught in a file on /tmp while it runs.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "configure-check.h"

#define OUTPUT_FILE "/tmp/configure-check.out"

/* Runs CHECK with its standard output in OUTPUT_FILE; its status, or -1 after saying why. */
static int run_captured(const struct configure_check *check, char *out, size_t size)
{
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    int fd = open(OUTPUT_FILE, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (saved < 0 || fd < 0 || dup2(fd, STDOUT_FILENO) < 0) {
        perror("configure-check: " OUTPUT_FILE);
        return -1;
    }
    int status = check->run();
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    ssize_t n = pread(fd, out, size - 1, 0);
    close(fd);
    out[n > 0 ? n : 0] = '\0';
    return status;
}

int main(void)
{
    int failed = 0;
    for (int i = 0; i < configure_check_count; i++) {
        char out[256];
        int status = run_captured(&configure_checks[i], out, sizeof(out));
        if (status < 0) {
            failed++;
            continue;
        }
        printf("answer: %d %s %s\n", status, out[0] ? out : "-", configure_checks[i].name);
    }
    printf("configure-check: %d test programs run, %d could not be\n", configure_check_count,
           failed);
    return failed != 0;
}
