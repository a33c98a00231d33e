/*
 * rumpuser(3) random pool: the platform's ChaCha20 generator (see platform/src/random.c
 * for what seeds it and how strong that is). It never blocks and always fills the buffer.
 * RUMPUSER_RANDOM_HARD asks for "true" randomness, which this platform cannot promise; it
 * gets fresh timing jitter mixed into the key before the bytes are produced.
 */
#include "hyp.h"

int rumpuser_getrandom(void *buf, size_t buflen, int flags, size_t *retp)
{
    if (flags & RUMPUSER_RANDOM_HARD) {
        pf_random_stir();
    }
    pf_random(buf, buflen);
    *retp = buflen;
    return 0;
}
