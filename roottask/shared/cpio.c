/*
 * CPIO "newc" reader. Every length comes from the archive, so each is checked against the
 * bytes that remain before it is used.
 */
#include "cpio.h"

enum newc_field {
    NEWC_INO,
    NEWC_MODE,
    NEWC_UID,
    NEWC_GID,
    NEWC_NLINK,
    NEWC_MTIME,
    NEWC_FILESIZE,
    NEWC_DEVMAJOR,
    NEWC_DEVMINOR,
    NEWC_RDEVMAJOR,
    NEWC_RDEVMINOR,
    NEWC_NAMESIZE,
    NEWC_CHECK,
};

static int hex8(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) {
            return -1;
        }
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 0;
}

static size_t align4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

int cpio_next(const void *archive, size_t size, size_t *offset, struct cpio_entry *entry, char *err,
              size_t err_size)
{
    const char *base = archive;
    size_t at = *offset;
    uint32_t field[13];
    if (at > size || size - at < CPIO_HEADER_SIZE) {
        return report_problem(err, err_size, "archive truncated at offset 0x%zx (no trailer)", at);
    }
    const char *h = base + at;
    if (memcmp(h, "070701", 6)) {
        return report_problem(err, err_size, "bad CPIO header at offset 0x%zx (not newc)", at);
    }
    for (int i = 0; i < 13; i++) {
        if (hex8(h + 6 + 8 * i, &field[i]) < 0) {
            return report_problem(err, err_size, "bad CPIO header at offset 0x%zx (not hex)", at);
        }
    }
    size_t name_size = field[NEWC_NAMESIZE];
    size_t name_at = at + CPIO_HEADER_SIZE;
    if (name_size == 0 || size - name_at < name_size || base[name_at + name_size - 1]) {
        return report_problem(err, err_size, "bad CPIO entry name at offset 0x%zx", at);
    }
    size_t data_at = align4(name_at + name_size);
    size_t data_size = field[NEWC_FILESIZE];
    if (data_at > size || size - data_at < data_size) {
        return report_problem(err, err_size, "CPIO entry '%s' runs past the end of the archive",
                              base + name_at);
    }
    entry->name = base + name_at;
    entry->data = base + data_at;
    entry->size = data_size;
    entry->mode = field[NEWC_MODE];
    *offset = align4(data_at + data_size);
    return strcmp(entry->name, CPIO_TRAILER) ? 1 : 0;
}

int cpio_find(const void *archive, size_t size, const char *name, struct cpio_entry *entry,
              char *err, size_t err_size)
{
    size_t offset = 0;
    int r;
    while ((r = cpio_next(archive, size, &offset, entry, err, err_size)) == 1) {
        if (!strcmp(entry->name, name)) {
            return 1;
        }
    }
    return r;
}
