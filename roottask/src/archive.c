/*
 * The system archive: a CPIO archive that tools/bake links into the root task between the
 * symbols roottask_archive_start and roottask_archive_end. It holds "system/NAME" (the
 * description), "image/IMAGE" for each image, "file/PATH" for each file it names and
 * "tree/DIR" for each directory a tree line names (packed by bake as a file-system image).
 */
#include "roottask.h"

/* Weak: a root task linked without an archive finds both at 0 and says so. */
extern const char roottask_archive_start[] __attribute__((weak));
extern const char roottask_archive_end[] __attribute__((weak));

#define SYSTEM_PREFIX "system/"
#define IMAGE_PREFIX  "image/"
#define FILE_PREFIX   "file/"
#define TREE_PREFIX   "tree/"

static size_t archive_size(void)
{
    return (size_t)(roottask_archive_end - roottask_archive_start);
}

int archive_load_system(struct sysdesc *desc)
{
    char err[SYSDESC_ERROR_MAX];
    struct cpio_entry e;
    size_t offset = 0;
    int r;
    if (!roottask_archive_start || !roottask_archive_end || archive_size() == 0) {
        say("no system archive in this root task: build the image with tools/bake image");
        return -1;
    }
    while ((r = cpio_next(roottask_archive_start, archive_size(), &offset, &e, err, sizeof(err))) ==
           1) {
        if (!strncmp(e.name, SYSTEM_PREFIX, strlen(SYSTEM_PREFIX))) {
            break;
        }
    }
    if (r < 0) {
        say("system archive: %s", err);
        return -1;
    }
    if (r == 0) {
        say("system archive: no system description in it");
        return -1;
    }
    if (sysdesc_parse(desc, e.name + strlen(SYSTEM_PREFIX), e.data, e.size, err, sizeof(err)) < 0) {
        say("%s", err);
        return -1;
    }
    return 0;
}

/* The data of PREFIX + name, or -1 after printing "FILE:LINE: kind 'name': problem". */
static int find_entry(const char *prefix, const char *kind, const char *name, unsigned line,
                      const void **data, size_t *size)
{
    char entry[SYSDESC_PATH_MAX + 8], err[SYSDESC_ERROR_MAX];
    struct cpio_entry e;
    snprintf(entry, sizeof(entry), "%s%s", prefix, name);
    int r = cpio_find(roottask_archive_start, archive_size(), entry, &e, err, sizeof(err));
    if (r <= 0) {
        return desc_error(line, "%s '%s': %s", kind, name,
                          r < 0 ? err : "not in the system archive");
    }
    *data = e.data;
    *size = e.size;
    return 0;
}

int archive_find_image(const struct sysdesc_unikernel *uk, const void **data, size_t *size)
{
    return find_entry(IMAGE_PREFIX, "image", uk->image, uk->image_line, data, size);
}

int archive_find_file(const struct sysdesc_file *f, const void **data, size_t *size)
{
    return find_entry(f->tree ? TREE_PREFIX : FILE_PREFIX, f->tree ? "tree" : "file", f->path,
                      f->line, data, size);
}
