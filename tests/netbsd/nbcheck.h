/*
 * What the NetBSD tests' guest programs share: checks that print one line each ("ok   WHAT"
 * or "FAIL WHAT (detail, errno)") and a summary line the host side looks for, and the
 * checks both programs make.
 */
#pragma once

#include <rumpglue.h>
#include <stdbool.h>

void check(bool ok, const char *what, long detail);
/* Prints "N passed, N failed" and returns main's status: 1 if anything failed. */
int check_summary(void);

/* Creates PATH, writes SIZE bytes of a pattern, reads them back, compares, removes it. */
void check_file_round_trip(const char *path, size_t size);
