/*
 * errno for programs on the platform. The values are NetBSD's, so the platform, its C
 * runtime and the rump kernel's hypercalls share one numbering and nothing is translated.
 */
#pragma once

extern __thread int errno;

#define EPERM        1
#define ENOENT       2
#define ESRCH        3
#define EINTR        4
#define EIO          5
#define ENXIO        6
#define E2BIG        7
#define EBADF        9
#define EDEADLK      11
#define ENOMEM       12
#define EACCES       13
#define EFAULT       14
#define EBUSY        16
#define EEXIST       17
#define ENODEV       19
#define ENOTDIR      20
#define EISDIR       21
#define EINVAL       22
#define ENFILE       23
#define EMFILE       24
#define ENOTTY       25
#define EFBIG        27
#define ENOSPC       28
#define ESPIPE       29
#define EROFS        30
#define EPIPE        32
#define ERANGE       34
#define EAGAIN       35
#define EALREADY     37
#define EMSGSIZE     40
#define EOPNOTSUPP   45
#define ECONNRESET   54
#define ENOBUFS      55
#define ENOTCONN     57
#define ETIMEDOUT    60
#define ECONNREFUSED 61
#define ENAMETOOLONG 63
#define ENOSYS       78
#define ENOTSUP      86
