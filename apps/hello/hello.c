/*
 * The demo unikernel: a plain C program on the platform's small C runtime.
 */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    printf("Hello world\n");
    sleep(1);
    printf("1sec\n");
    sleep(10);
    printf("10sec\n");
    return 0;
}
