/*
 * Reading a CPIO archive in the "newc" format (magic 070701), the format tools/bake writes
 * and Debian's cpio -H newc reads: per entry a 110-byte ASCII header, the NUL-terminated
 * name padded to 4 bytes, the data padded to 4 bytes; "TRAILER!!!" ends the archive.
 */
#pragma once

#include "shared_libc.h"

#define CPIO_HEADER_SIZE 110
#define CPIO_TRAILER     "TRAILER!!!"

struct cpio_entry {
    const char *name; /* NUL-terminated, inside the archive */
    const void *data;
    size_t size;
    uint32_t mode;
};

/*
 * Reads the entry at *offset and advances *offset past it. Returns 1 for an entry, 0 at the
 * trailer, -1 (with err) if the archive is malformed: nothing is ever read outside
 * [archive, archive + size).
 */
int cpio_next(const void *archive, size_t size, size_t *offset, struct cpio_entry *entry, char *err,
              size_t err_size);

/* Finds the entry called name. Returns 1 if found, 0 if not, -1 if the archive is malformed. */
int cpio_find(const void *archive, size_t size, const char *name, struct cpio_entry *entry,
              char *err, size_t err_size);
