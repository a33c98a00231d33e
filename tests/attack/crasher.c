/*
 * crasher: writes to address 0 as soon as it runs. With "restart = always N" it is a crash
 * loop: the root task tears it down and builds it again, backing off.
 */
int main(void)
{
    *(volatile int *)0 = 1;
    return 0;
}
