/* Sleeping for programs on the platform. */
#pragma once

unsigned sleep(unsigned seconds);
int usleep(unsigned long usec);
