/* Clocks for programs on the platform: CLOCK_REALTIME and CLOCK_MONOTONIC. */
#pragma once

#include <stdint.h>

typedef int64_t time_t;
typedef int clockid_t;

struct timespec {
    time_t tv_sec;
    long tv_nsec;
};

#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 3

int clock_gettime(clockid_t clock, struct timespec *ts);
int nanosleep(const struct timespec *req, struct timespec *rem);
time_t time(time_t *t);
