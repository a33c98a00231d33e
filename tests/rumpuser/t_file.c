/*
 * File hypercalls: files created in memory, files carried in the image, block I/O.
 */
#include "suite.h"
#include "tests.h"

void test_file_missing(struct tc *tc)
{
    int fd;
    uint64_t size;
    int type;
    CHECK_EQ(tc, rumpuser_open("/no/such/file", RUMPUSER_OPEN_RDONLY, &fd), ENOENT);
    CHECK_EQ(tc, rumpuser_getfileinfo("/no/such/file", &size, &type), ENOENT);
    CHECK_EQ(tc, rumpuser_close(55), EBADF);
    CHECK_EQ(tc, rumpuser_syncfd(55, RUMPUSER_SYNCFD_WRITE, 0, 0), EBADF);
}

void test_file_create_rw(struct tc *tc)
{
    int fd = -1, fd2 = -1, type = -1;
    uint64_t size = 0;
    size_t done = 0;
    char a[] = "hello, ", b[] = "file", out[32] = {0};
    CHECK_EQ(tc, rumpuser_open("/scratch", RUMPUSER_OPEN_RDWR | RUMPUSER_OPEN_CREATE, &fd), 0);
    struct rumpuser_iovec w[2] = {{a, 7}, {b, 4}};
    CHECK_EQ(tc, rumpuser_iovwrite(fd, w, 2, 0, &done), 0);
    CHECK_EQ(tc, done, 11);
    CHECK_EQ(tc, rumpuser_getfileinfo("/scratch", &size, &type), 0);
    CHECK_EQ(tc, size, 11);
    CHECK_EQ(tc, type, RUMPUSER_FT_REG);
    struct rumpuser_iovec r[2] = {{out, 5}, {out + 5, 20}};
    CHECK_EQ(tc, rumpuser_iovread(fd, r, 2, 2, &done), 0);
    CHECK_EQ(tc, done, 9);
    CHECK(tc, memcmp(out, "llo, file", 9) == 0, "read back \"%s\"", out);
    /* Sequential I/O with RUMPUSER_IOV_NOSEEK keeps its own position. */
    struct rumpuser_iovec one = {out, 4};
    CHECK_EQ(tc, rumpuser_iovread(fd, &one, 1, RUMPUSER_IOV_NOSEEK, &done), 0);
    CHECK_EQ(tc, rumpuser_iovread(fd, &one, 1, RUMPUSER_IOV_NOSEEK, &done), 0);
    CHECK(tc, done == 4 && memcmp(out, "o, f", 4) == 0, "second sequential read wrong");
    CHECK_EQ(tc, rumpuser_syncfd(fd, RUMPUSER_SYNCFD_WRITE | RUMPUSER_SYNCFD_SYNC, 0, 0), 0);
    CHECK_EQ(tc, rumpuser_close(fd), 0);
    /* Exclusive create of an existing name fails; a read-only fd cannot write. */
    CHECK_EQ(tc,
             rumpuser_open("/scratch",
                           RUMPUSER_OPEN_RDWR | RUMPUSER_OPEN_CREATE | RUMPUSER_OPEN_EXCL, &fd2),
             EEXIST);
    CHECK_EQ(tc, rumpuser_open("scratch", RUMPUSER_OPEN_RDONLY, &fd2), 0);
    CHECK_EQ(tc, rumpuser_iovwrite(fd2, w, 1, 0, &done), EBADF);
    CHECK_EQ(tc, rumpuser_iovread(fd2, r, 1, -5, &done), EINVAL);
    CHECK_EQ(tc, rumpuser_close(fd2), 0);
    CHECK_EQ(tc, hyp_log_count(), 0); /* memory I/O never gives up the CPU */
}

struct bio_result {
    int calls;
    size_t done;
    int error;
};

static void biodone(void *arg, size_t done, int error)
{
    struct bio_result *r = arg;
    r->calls++;
    r->done = done;
    r->error = error;
}

void test_file_bio(struct tc *tc)
{
    static uint8_t block[2048], back[2048];
    int fd = -1, plain = -1;
    for (unsigned i = 0; i < sizeof(block); i++) {
        block[i] = (uint8_t)(i * 13);
    }
    CHECK_EQ(
        tc,
        rumpuser_open("disk", RUMPUSER_OPEN_RDWR | RUMPUSER_OPEN_CREATE | RUMPUSER_OPEN_BIO, &fd),
        0);
    struct bio_result r = {0};
    rumpuser_bio(fd, RUMPUSER_BIO_WRITE | RUMPUSER_BIO_SYNC, block, sizeof(block), 4096, biodone,
                 &r);
    CHECK(tc, r.calls == 1 && r.done == sizeof(block) && r.error == 0,
          "write: %d biodone calls, %lu bytes, error %d", r.calls, r.done, r.error);
    r = (struct bio_result){0};
    rumpuser_bio(fd, RUMPUSER_BIO_READ, back, sizeof(back), 4096, biodone, &r);
    CHECK(tc, r.calls == 1 && r.done == sizeof(back) && r.error == 0, "read: %d calls, %lu, %d",
          r.calls, r.done, r.error);
    CHECK(tc, memcmp(block, back, sizeof(block)) == 0, "block read back differs");
    /* The hole before the written range reads as zeros. */
    r = (struct bio_result){0};
    rumpuser_bio(fd, RUMPUSER_BIO_READ, back, 512, 0, biodone, &r);
    CHECK(tc, r.error == 0 && back[0] == 0 && back[511] == 0, "hole not zero");
    /* Block I/O needs a descriptor opened for it. */
    CHECK_EQ(tc, rumpuser_open("disk", RUMPUSER_OPEN_RDONLY, &plain), 0);
    r = (struct bio_result){0};
    rumpuser_bio(plain, RUMPUSER_BIO_READ, back, 512, 0, biodone, &r);
    CHECK(tc, r.calls == 1 && r.error == EBADF, "bio on a non-BIO fd: error %d", r.error);
    rumpuser_close(plain);
    rumpuser_close(fd);
}

/* Files carried in the image (uk_init.files), if the system description gave any. */
void test_file_image(struct tc *tc)
{
    const struct uk_init *init = pf_init();
    if (init->n_files == 0) {
        printf("     (no files in this image: only the absence is checked)\n");
        uint64_t size;
        CHECK_EQ(tc, rumpuser_getfileinfo("/dev/anything", &size, 0), ENOENT);
        return;
    }
    const struct uk_file *f = &init->files[0];
    char path[UK_NAME_MAX + 8];
    uint64_t size = 0;
    int type = -1, fd = -1;
    size_t done;
    snprintf(path, sizeof(path), "/%s", f->name);
    CHECK_EQ(tc, rumpuser_getfileinfo(path, &size, &type), 0);
    CHECK(tc, size == f->size && type == RUMPUSER_FT_REG, "%s: size %lu type %d", path,
          (unsigned long)size, type);
    snprintf(path, sizeof(path), "/dev/%s", f->name);
    CHECK_EQ(tc, rumpuser_getfileinfo(path, &size, &type), 0);
    CHECK_EQ(tc, type, RUMPUSER_FT_BLK);
    CHECK_EQ(tc, rumpuser_open(path, RUMPUSER_OPEN_RDWR | RUMPUSER_OPEN_BIO, &fd), 0);
    uint8_t buf[64];
    struct rumpuser_iovec iov = {buf, sizeof(buf)};
    CHECK_EQ(tc, rumpuser_iovread(fd, &iov, 1, 0, &done), 0);
    size_t expect = f->size < sizeof(buf) ? f->size : sizeof(buf);
    CHECK(tc, done == expect && memcmp(buf, (void *)f->vaddr, done) == 0, "contents differ");
    /* Writing makes a private copy: the image itself is read-only and stays unchanged. */
    uint8_t first = ((const uint8_t *)f->vaddr)[0], changed = (uint8_t)(first ^ 0xff);
    buf[0] = changed;
    iov.iov_len = 1;
    CHECK_EQ(tc, rumpuser_iovwrite(fd, &iov, 1, 0, &done), 0);
    CHECK_EQ(tc, ((const uint8_t *)f->vaddr)[0], first);
    buf[0] = first;
    CHECK_EQ(tc, rumpuser_iovread(fd, &iov, 1, 0, &done), 0);
    CHECK(tc, buf[0] == changed, "the private copy lost the write");
    rumpuser_close(fd);
}
