/*
 * Host unit tests of the CPIO reader (roottask/shared/cpio.c) against bake's writer
 * (tools/bake/cpio_write.c): a round trip, then damaged archives, each of which must be
 * reported without reading outside the buffer.
 */
#include "cpio.h"
#include "../../../tools/bake/bake.h"
#include "host_check.h"

#include <stdlib.h>

static struct buffer archive;

static void build(void)
{
    archive.size = 0;
    cpio_write_entry(&archive, "system/a.system", "[unikernel a]\n", 14);
    cpio_write_entry(&archive, "image/a.elf", "\177ELF....", 8);
    cpio_write_entry(&archive, "empty", "", 0);
    cpio_write_trailer(&archive);
}

static void round_trip(void)
{
    struct cpio_entry e;
    char err[128] = "";
    size_t offset = 0;
    unsigned n = 0;
    int r;
    build();
    while ((r = cpio_next(archive.data, archive.size, &offset, &e, err, sizeof(err))) == 1) {
        n++;
    }
    host_check(r == 0 && n == 3, "three entries then the trailer", err);
    host_check(offset == archive.size, "the trailer ends the archive", 0);
    r = cpio_find(archive.data, archive.size, "image/a.elf", &e, err, sizeof(err));
    host_check(r == 1 && e.size == 8 && !memcmp(e.data, "\177ELF....", 8),
               "finds an entry and its data", err);
    host_check(((uintptr_t)e.data - (uintptr_t)archive.data) % 4 == 0, "data is 4-byte aligned", 0);
    host_check(cpio_find(archive.data, archive.size, "image/b.elf", &e, err, sizeof(err)) == 0,
               "a missing entry is not found", 0);
}

static void expect_error(const char *what, size_t size, const char *want)
{
    struct cpio_entry e;
    char err[128] = "";
    int r = cpio_find(archive.data, size, "nothing", &e, err, sizeof(err));
    if (r >= 0) {
        host_check(0, what, "no error");
    } else {
        host_check_string(what, err, want);
    }
}

static void damaged(void)
{
    build();
    expect_error("rejects: no trailer", archive.size - 124,
                 "archive truncated at offset 0x188 (no trailer)");
    build();
    archive.data[0] = '1';
    expect_error("rejects: not newc", archive.size, "bad CPIO header at offset 0x0 (not newc)");
    build();
    archive.data[10] = 'z';
    expect_error("rejects: a header that is not hex", archive.size,
                 "bad CPIO header at offset 0x0 (not hex)");
    build();
    memcpy(archive.data + 6 + 8 * 11, "0000FFFF", 8); /* name size */
    expect_error("rejects: a name past the end", archive.size, "bad CPIO entry name at offset 0x0");
    build();
    memcpy(archive.data + 6 + 8 * 6, "0FFFFFFF", 8); /* file size */
    expect_error("rejects: data past the end", archive.size,
                 "CPIO entry 'system/a.system' runs past the end of the archive");
    build();
    expect_error("rejects: an empty archive", 0, "archive truncated at offset 0x0 (no trailer)");
}

/* Random damage anywhere in the archive: reading must end, inside the buffer. */
static void mutations(void)
{
    unsigned ended = 0;
    for (int round = 0; round < 20000; round++) {
        struct cpio_entry e;
        char err[128];
        size_t offset = 0;
        build();
        for (unsigned k = 1 + host_random(3); k > 0; k--) {
            archive.data[host_random((unsigned)archive.size)] =
                "0123456789abcdefF\0z"[host_random(20)];
        }
        int r, steps = 0;
        while ((r = cpio_next(archive.data, archive.size, &offset, &e, err, sizeof(err))) == 1 &&
               steps < 100) {
            steps++;
        }
        ended += r != 1;
    }
    host_check(ended == 20000, "20000 damaged archives are read to an end", 0);
}

int main(void)
{
    round_trip();
    damaged();
    mutations();
    free(archive.data);
    return host_test_done("cpio");
}
