/*
 * rumpuser(3) files. A unikernel has no host file system; the names it can open are:
 *
 *   NAME or /NAME      a file carried in the image (uk_init.files), a regular file
 *   /dev/NAME          the same file offered as a block device (for RUMP_ETFS_BLK and
 *                      file system images)
 *   anything else      with RUMPUSER_OPEN_CREATE: a new, empty file in memory
 *
 * Image files are mapped read-only by the root task. The first open for writing makes a
 * private copy in memory, which later opens see; nothing is ever written back and it all
 * disappears when the unikernel exits. Other names fail with ENOENT (and, with
 * RUMP_VERBOSE, a line saying which names exist). I/O is a memory copy and never blocks,
 * so no call here gives up the virtual CPU, and rumpuser_bio() completes before it
 * returns (calling biodone from inside the hypercall is allowed: NetBSD's own
 * cooperative-thread hypervisor does the same).
 */
#include "hyp.h"

#define MAX_FILES (UK_MAX_FILES + 16)
#define MAX_FDS   64

struct file {
    char name[UK_NAME_MAX];
    const uint8_t *image; /* read-only original, if from the image */
    uint8_t *data;        /* private writable copy (or a created file's contents) */
    size_t size, capacity;
    bool used;
};

struct fd {
    struct file *file;
    int mode;
    uint64_t pos; /* for RUMPUSER_IOV_NOSEEK */
    bool blockdev;
    bool used;
};

static struct file files[MAX_FILES];
static struct fd fds[MAX_FDS];
static bool files_loaded;

static void load_image_files(void)
{
    const struct uk_init *init = pf_init();
    for (seL4_Word i = 0; i < init->n_files && i < UK_MAX_FILES; i++) {
        struct file *f = &files[i];
        strlcpy(f->name, init->files[i].name, sizeof(f->name));
        f->image = (const uint8_t *)init->files[i].vaddr;
        f->size = init->files[i].size;
        f->used = true;
    }
    files_loaded = true;
}

/* Finds NAME, /NAME or /dev/NAME; *blockdev says which flavour was asked for. */
static struct file *lookup(const char *name, bool *blockdev)
{
    if (!files_loaded) {
        load_image_files();
    }
    *blockdev = strncmp(name, "/dev/", 5) == 0;
    const char *base = *blockdev ? name + 5 : name[0] == '/' ? name + 1 : name;
    for (unsigned i = 0; i < MAX_FILES; i++) {
        if (files[i].used && strcmp(files[i].name, base) == 0) {
            return &files[i];
        }
    }
    return 0;
}

static void explain_missing(const char *name)
{
    if (!pfru_verbose) {
        return;
    }
    unsigned n = 0;
    printf("rumpuser: \"%s\" does not exist; this unikernel has", name);
    for (unsigned i = 0; i < MAX_FILES; i++) {
        if (files[i].used) {
            printf("%s %s", n++ ? "," : ":", files[i].name);
        }
    }
    printf("%s\n", n ? "" : " no files");
}

static struct file *create(const char *name)
{
    const char *base = name[0] == '/' ? name + 1 : name;
    if (strlen(base) >= UK_NAME_MAX) {
        return 0;
    }
    for (unsigned i = 0; i < MAX_FILES; i++) {
        if (!files[i].used) {
            memset(&files[i], 0, sizeof(files[i]));
            strlcpy(files[i].name, base, sizeof(files[i].name));
            files[i].used = true;
            return &files[i];
        }
    }
    return 0;
}

int rumpuser_open(const char *name, int mode, int *fdp)
{
    bool blockdev;
    struct file *f = lookup(name, &blockdev);
    if (f && (mode & RUMPUSER_OPEN_CREATE) && (mode & RUMPUSER_OPEN_EXCL)) {
        return EEXIST;
    }
    if (!f && (mode & RUMPUSER_OPEN_CREATE) && !blockdev) {
        f = create(name);
        if (!f) {
            return strlen(name) >= UK_NAME_MAX ? ENAMETOOLONG : ENFILE;
        }
    }
    if (!f) {
        explain_missing(name);
        return ENOENT;
    }
    for (int i = 0; i < MAX_FDS; i++) {
        if (!fds[i].used) {
            fds[i] = (struct fd){.file = f, .mode = mode, .blockdev = blockdev, .used = true};
            *fdp = i;
            return 0;
        }
    }
    return EMFILE;
}

static struct fd *get_fd(int fd)
{
    return fd >= 0 && fd < MAX_FDS && fds[fd].used ? &fds[fd] : 0;
}

int rumpuser_close(int fd)
{
    struct fd *d = get_fd(fd);
    if (!d) {
        return EBADF;
    }
    d->used = false;
    return 0;
}

int rumpuser_getfileinfo(const char *name, uint64_t *size, int *type)
{
    bool blockdev;
    struct file *f = lookup(name, &blockdev);
    if (!f && strcmp(name, "/") != 0) {
        explain_missing(name);
        return ENOENT;
    }
    if (size) {
        *size = f ? f->size : 0;
    }
    if (type) {
        *type = !f ? RUMPUSER_FT_DIR : blockdev ? RUMPUSER_FT_BLK : RUMPUSER_FT_REG;
    }
    return 0;
}

static const uint8_t *contents(const struct file *f)
{
    return f->data ? f->data : f->image;
}

/* Makes the file writable (a private copy of an image file) and at least `size` long. */
static int make_writable(struct file *f, size_t size)
{
    if (f->data && size <= f->capacity) {
        if (size > f->size) {
            memset(f->data + f->size, 0, size - f->size);
            f->size = size;
        }
        return 0;
    }
    size_t capacity = f->capacity ? f->capacity : PF_PAGE_SIZE;
    size_t need = size > f->size ? size : f->size;
    while (capacity < need) {
        capacity *= 2;
    }
    uint8_t *data = pf_malloc(capacity, PF_PAGE_SIZE);
    if (!data) {
        return ENOSPC;
    }
    memcpy(data, contents(f), f->size);
    memset(data + f->size, 0, capacity - f->size);
    pf_free(f->data);
    f->data = data;
    f->capacity = capacity;
    if (size > f->size) {
        f->size = size;
    }
    return 0;
}

static int do_read(struct file *f, void *buf, size_t len, uint64_t off, size_t *done)
{
    *done = off < f->size ? (len < f->size - off ? len : f->size - off) : 0;
    if (*done) {
        memcpy(buf, contents(f) + off, *done);
    }
    return 0;
}

static int do_write(struct file *f, const void *buf, size_t len, uint64_t off, size_t *done)
{
    *done = 0;
    if (off + len < off) {
        return EFBIG;
    }
    int err = make_writable(f, off + len);
    if (err) {
        return err;
    }
    memcpy(f->data + off, buf, len);
    *done = len;
    return 0;
}

static bool can(const struct fd *d, bool write)
{
    int acc = d->mode & RUMPUSER_OPEN_ACCMODE;
    return write ? acc != RUMPUSER_OPEN_RDONLY : acc != RUMPUSER_OPEN_WRONLY;
}

static int iov_transfer(int fd, const struct rumpuser_iovec *iov, size_t iovlen, int64_t off,
                        size_t *retv, bool write)
{
    struct fd *d = get_fd(fd);
    *retv = 0;
    if (!d || !can(d, write)) {
        return EBADF;
    }
    if (off < 0 && off != RUMPUSER_IOV_NOSEEK) {
        return EINVAL;
    }
    uint64_t pos = off == RUMPUSER_IOV_NOSEEK ? d->pos : (uint64_t)off;
    for (size_t i = 0; i < iovlen; i++) {
        size_t n;
        int err = write ? do_write(d->file, iov[i].iov_base, iov[i].iov_len, pos, &n)
                        : do_read(d->file, iov[i].iov_base, iov[i].iov_len, pos, &n);
        if (err) {
            return *retv ? 0 : err;
        }
        pos += n;
        *retv += n;
        if (n < iov[i].iov_len) {
            break; /* end of file */
        }
    }
    if (off == RUMPUSER_IOV_NOSEEK) {
        d->pos = pos;
    }
    return 0;
}

int rumpuser_iovread(int fd, struct rumpuser_iovec *iov, size_t iovlen, int64_t off, size_t *retv)
{
    return iov_transfer(fd, iov, iovlen, off, retv, false);
}

int rumpuser_iovwrite(int fd, const struct rumpuser_iovec *iov, size_t iovlen, int64_t off,
                      size_t *retv)
{
    return iov_transfer(fd, iov, iovlen, off, retv, true);
}

/* Memory is the backing store: every write is already as durable as it will ever be. */
int rumpuser_syncfd(int fd, int flags, uint64_t start, uint64_t len)
{
    (void)start;
    (void)len;
    if (!get_fd(fd)) {
        return EBADF;
    }
    return flags & (RUMPUSER_SYNCFD_READ | RUMPUSER_SYNCFD_WRITE) ? 0 : EINVAL;
}

void rumpuser_bio(int fd, int op, void *data, size_t dlen, int64_t off, rump_biodone_fn biodone,
                  void *donearg)
{
    struct fd *d = get_fd(fd);
    size_t done = 0;
    int err;
    bool write = op & RUMPUSER_BIO_WRITE;
    if (!d || !(d->mode & RUMPUSER_OPEN_BIO) || !can(d, write)) {
        err = EBADF;
    } else if (off < 0) {
        err = EINVAL;
    } else if (write) {
        err = do_write(d->file, data, dlen, (uint64_t)off, &done);
    } else {
        err = do_read(d->file, data, dlen, (uint64_t)off, &done);
    }
    biodone(donearg, done, err);
}
