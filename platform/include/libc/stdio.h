/*
 * Console output for programs on the platform: printf and friends write to the unikernel's
 * console (the root task's console service). There are no FILE streams.
 */
#pragma once

#include <runtime.h>

#define EOF (-1)

int putchar(int c);
int getchar(void); /* waits for console input */
