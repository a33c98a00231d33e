/*
 * CPIO "newc" writer (the reader is roottask/shared/cpio.c). Entries carry no owner or time,
 * so the same inputs always give the same archive.
 */
#include "bake.h"

#include <stdio.h>
#include <string.h>

static void header(struct buffer *a, const char *name, size_t size, unsigned mode, unsigned ino)
{
    char h[111];
    size_t name_size = strlen(name) + 1;
    /* magic, ino, mode, uid, gid, nlink, mtime, filesize, dev maj/min, rdev maj/min,
     * namesize, check */
    snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino, mode,
             0, 0, 1, 0, (unsigned)size, 0, 0, 0, 0, (unsigned)name_size, 0);
    buffer_append(a, h, 110);
    buffer_append(a, name, name_size);
    buffer_pad(a, 4);
}

void cpio_write_entry(struct buffer *archive, const char *name, const void *data, size_t size)
{
    static unsigned next_ino = 1;
    header(archive, name, size, 0100444, next_ino++);
    buffer_append(archive, data, size);
    buffer_pad(archive, 4);
}

void cpio_write_trailer(struct buffer *archive)
{
    header(archive, "TRAILER!!!", 0, 0, 0);
}
