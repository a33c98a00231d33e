/*
 * The scatter/gather calls (readv, writev, sendmsg, recvmsg), carried as the plain calls
 * they amount to: the client gathers the vector into one buffer and sends it with write or
 * sendto (which split a stream's bytes into as many calls as it takes, and keep a datagram
 * one datagram, or fail with EMSGSIZE if it is larger than one call carries), or receives
 * into one buffer of at most one call's worth with read or recvfrom (a short count, as for
 * them) and scatters it. Control messages (ancillary data,
 * descriptor passing) do not travel: sendmsg with any fails with EOPNOTSUPP, recvmsg
 * returns none.
 */
#include "client.h"

/* The vector's total length, or -1 with errno EINVAL (negative count or overflow). */
static long vector_length(const struct rsc_iovec *iov, int iovcnt)
{
    size_t total = 0;
    if (iovcnt < 0 || iovcnt > 1024) {
        errno = EINVAL;
        return -1;
    }
    for (int i = 0; i < iovcnt; i++) {
        if (iov[i].len > (size_t)INT64_MAX - total) {
            errno = EINVAL;
            return -1;
        }
        total += iov[i].len;
    }
    return (long)total;
}

/* A buffer for `total` bytes, or for at most one call's worth if `one_call`; 0 with errno
 * ENOMEM. */
static char *bounce(long total, int one_call, size_t *len)
{
    size_t capacity = rumpclient_capacity();
    if (capacity == 0 && rumpclient_init() == 0) {
        capacity = rumpclient_capacity();
    }
    *len = !one_call || (size_t)total < capacity ? (size_t)total : capacity;
    char *buf = malloc(*len ? *len : 1);
    if (!buf) {
        errno = ENOMEM;
    }
    return buf;
}

/* The buffer for a vector (bounce), or 0 with errno set. */
static char *vector_buffer(const struct rsc_iovec *iov, int iovcnt, int one_call, size_t *len)
{
    long total = vector_length(iov, iovcnt);
    return total < 0 ? 0 : bounce(total, one_call, len);
}

static void gather(char *buf, size_t len, const struct rsc_iovec *iov, int iovcnt)
{
    for (int i = 0; i < iovcnt && len; i++) {
        size_t n = iov[i].len < len ? iov[i].len : len;
        memcpy(buf, iov[i].base, n);
        buf += n;
        len -= n;
    }
}

static void scatter(const char *buf, size_t len, const struct rsc_iovec *iov, int iovcnt)
{
    for (int i = 0; i < iovcnt && len; i++) {
        size_t n = iov[i].len < len ? iov[i].len : len;
        memcpy(iov[i].base, buf, n);
        buf += n;
        len -= n;
    }
}

/* Sends the vector with write (as_write) or sendto. */
static long send_vector(int fd, const struct rsc_iovec *iov, int iovcnt, int flags,
                        const struct sockaddr *to, uint32_t tolen, int as_write)
{
    size_t len;
    char *buf = vector_buffer(iov, iovcnt, 0, &len);
    if (!buf) {
        return -1;
    }
    gather(buf, len, iov, iovcnt);
    long n =
        as_write ? rsc_sys_write(fd, buf, len) : rsc_sys_sendto(fd, buf, len, flags, to, tolen);
    free(buf);
    return n;
}

static long receive_vector(int fd, const struct rsc_iovec *iov, int iovcnt, int flags,
                           struct sockaddr *from, uint32_t *fromlen, int as_read)
{
    size_t len;
    char *buf = vector_buffer(iov, iovcnt, 1, &len);
    if (!buf) {
        return -1;
    }
    long n =
        as_read ? rsc_sys_read(fd, buf, len) : rsc_sys_recvfrom(fd, buf, len, flags, from, fromlen);
    if (n > 0) {
        scatter(buf, (size_t)n, iov, iovcnt);
    }
    free(buf);
    return n;
}

long rsc_sys_writev(int fd, const struct rsc_iovec *iov, int iovcnt)
{
    return send_vector(fd, iov, iovcnt, 0, 0, 0, 1);
}

long rsc_sys_readv(int fd, const struct rsc_iovec *iov, int iovcnt)
{
    return receive_vector(fd, iov, iovcnt, 0, 0, 0, 1);
}

long rsc_sys_sendmsg(int s, const struct rsc_msghdr *msg, int flags)
{
    if (msg->control && msg->controllen) {
        errno = EOPNOTSUPP;
        return -1;
    }
    return send_vector(s, msg->iov, msg->iovlen, flags, msg->name, msg->namelen, 0);
}

long rsc_sys_recvmsg(int s, struct rsc_msghdr *msg, int flags)
{
    long n = receive_vector(s, msg->iov, msg->iovlen, flags, msg->name,
                            msg->name ? &msg->namelen : 0, 0);
    if (n >= 0) {
        msg->controllen = 0;
        msg->flags = 0;
    }
    return n;
}
