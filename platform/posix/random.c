/*
 * getrandom and getentropy, which NetBSD 7.99 does not have but programs written for newer
 * systems call (configure scripts find them by linking). Both take bytes from the
 * platform's generator, the one that also seeds the rump kernel's /dev/urandom and
 * arc4random (platform/README.md says how it is seeded and how strong that is). Neither
 * ever blocks or returns fewer bytes than asked for.
 */
#include "posix.h"

#include <errno.h>
#include <limits.h>

#define GETENTROPY_MAX 256
#define GRND_FLAGS     3 /* GRND_NONBLOCK | GRND_RANDOM: accepted, nothing to wait for */

ssize_t getrandom(void *buf, size_t len, unsigned flags);
int getentropy(void *buf, size_t len);

ssize_t getrandom(void *buf, size_t len, unsigned flags)
{
    if (flags & ~GRND_FLAGS) {
        errno = EINVAL;
        return -1;
    }
    if (len > SSIZE_MAX) {
        len = SSIZE_MAX;
    }
    pf_random(buf, len);
    return (ssize_t)len;
}

int getentropy(void *buf, size_t len)
{
    if (len > GETENTROPY_MAX) {
        errno = EIO;
        return -1;
    }
    pf_random(buf, len);
    return 0;
}
