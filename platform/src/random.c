/*
 * Random numbers: a ChaCha20 generator (RFC 8439 block function) with fast key erasure,
 * keyed by a BLAKE2s (RFC 7693) hash of whatever unpredictability the platform can find.
 *
 * Sources, and how much they are worth:
 *  - TSC jitter: the time taken by system calls and memory accesses, sampled a few
 *    thousand times. Under QEMU's TCG the TSC follows the host clock, so the low bits carry
 *    host scheduling and cache noise; on real hardware they carry interrupt and cache
 *    timing. This is the only source with real entropy, and nobody has measured how much.
 *  - RDRAND, if CPUID offers it (QEMU's Nehalem model does not).
 *  - The RTC time and TSC at boot, the TSC frequency, the unikernel's name and instance:
 *    distinct per boot and per instance, but guessable by anyone who knows the system.
 *  - PLATFORM_SEED from the system description's environment, if the deployer provides one
 *    (the way to get a strong seed today).
 * Without PLATFORM_SEED or RDRAND the output must be treated as unpredictable only to an
 * attacker who cannot observe or replay the machine's timing; that is weaker than a real
 * entropy source and is documented as such in platform/README.md.
 */
#include "internal.h"

#define JITTER_SAMPLES 4096
#define RESEED_BYTES   (1u << 20)

/* --- BLAKE2s ---------------------------------------------------------------------------------- */

static const uint32_t blake2s_iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

static const uint8_t blake2s_sigma[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

struct blake2s {
    uint32_t h[8];
    uint8_t buf[64];
    size_t fill;
    uint64_t count;
};

static uint32_t rotr32(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static uint32_t load32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void blake2s_g(uint32_t *v, int a, int b, int c, int d, uint32_t x, uint32_t y)
{
    v[a] += v[b] + x;
    v[d] = rotr32(v[d] ^ v[a], 16);
    v[c] += v[d];
    v[b] = rotr32(v[b] ^ v[c], 12);
    v[a] += v[b] + y;
    v[d] = rotr32(v[d] ^ v[a], 8);
    v[c] += v[d];
    v[b] = rotr32(v[b] ^ v[c], 7);
}

static void blake2s_compress(struct blake2s *s, bool last)
{
    uint32_t m[16], v[16];
    for (int i = 0; i < 16; i++) {
        m[i] = load32(s->buf + 4 * i);
    }
    for (int i = 0; i < 8; i++) {
        v[i] = s->h[i];
        v[i + 8] = blake2s_iv[i];
    }
    v[12] ^= (uint32_t)s->count;
    v[13] ^= (uint32_t)(s->count >> 32);
    if (last) {
        v[14] = ~v[14];
    }
    for (int r = 0; r < 10; r++) {
        const uint8_t *sg = blake2s_sigma[r];
        blake2s_g(v, 0, 4, 8, 12, m[sg[0]], m[sg[1]]);
        blake2s_g(v, 1, 5, 9, 13, m[sg[2]], m[sg[3]]);
        blake2s_g(v, 2, 6, 10, 14, m[sg[4]], m[sg[5]]);
        blake2s_g(v, 3, 7, 11, 15, m[sg[6]], m[sg[7]]);
        blake2s_g(v, 0, 5, 10, 15, m[sg[8]], m[sg[9]]);
        blake2s_g(v, 1, 6, 11, 12, m[sg[10]], m[sg[11]]);
        blake2s_g(v, 2, 7, 8, 13, m[sg[12]], m[sg[13]]);
        blake2s_g(v, 3, 4, 9, 14, m[sg[14]], m[sg[15]]);
    }
    for (int i = 0; i < 8; i++) {
        s->h[i] ^= v[i] ^ v[i + 8];
    }
}

/* Unkeyed BLAKE2s with a 32-byte digest. */
static void blake2s_init(struct blake2s *s)
{
    memset(s, 0, sizeof(*s));
    memcpy(s->h, blake2s_iv, sizeof(s->h));
    s->h[0] ^= 0x01010000u ^ 32u;
}

static void blake2s_update(struct blake2s *s, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len) {
        if (s->fill == 64) { /* keep the last block back: it must be compressed as final */
            s->count += 64;
            blake2s_compress(s, false);
            s->fill = 0;
        }
        size_t n = 64 - s->fill < len ? 64 - s->fill : len;
        memcpy(s->buf + s->fill, p, n);
        s->fill += n;
        p += n;
        len -= n;
    }
}

static void blake2s_final(struct blake2s *s, uint8_t out[32])
{
    s->count += s->fill;
    memset(s->buf + s->fill, 0, 64 - s->fill);
    blake2s_compress(s, true);
    for (int i = 0; i < 8; i++) {
        for (int b = 0; b < 4; b++) {
            out[4 * i + b] = (uint8_t)(s->h[i] >> (8 * b));
        }
    }
}

/* --- ChaCha20 --------------------------------------------------------------------------------- */

static uint32_t rotl32(uint32_t x, unsigned n)
{
    return (x << n) | (x >> (32 - n));
}

#define QUARTER(a, b, c, d)             \
    do {                                \
        x[a] += x[b];                   \
        x[d] = rotl32(x[d] ^ x[a], 16); \
        x[c] += x[d];                   \
        x[b] = rotl32(x[b] ^ x[c], 12); \
        x[a] += x[b];                   \
        x[d] = rotl32(x[d] ^ x[a], 8);  \
        x[c] += x[d];                   \
        x[b] = rotl32(x[b] ^ x[c], 7);  \
    } while (0)

static void chacha20_block(const uint8_t key[32], uint32_t counter, const uint32_t nonce[3],
                           uint8_t out[64])
{
    uint32_t in[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    for (int i = 0; i < 8; i++) {
        in[4 + i] = load32(key + 4 * i);
    }
    in[12] = counter;
    in[13] = nonce[0];
    in[14] = nonce[1];
    in[15] = nonce[2];
    uint32_t x[16];
    memcpy(x, in, sizeof(x));
    for (int r = 0; r < 10; r++) {
        QUARTER(0, 4, 8, 12);
        QUARTER(1, 5, 9, 13);
        QUARTER(2, 6, 10, 14);
        QUARTER(3, 7, 11, 15);
        QUARTER(0, 5, 10, 15);
        QUARTER(1, 6, 11, 12);
        QUARTER(2, 7, 8, 13);
        QUARTER(3, 4, 9, 14);
    }
    for (int i = 0; i < 16; i++) {
        uint32_t w = x[i] + in[i];
        for (int b = 0; b < 4; b++) {
            out[4 * i + b] = (uint8_t)(w >> (8 * b));
        }
    }
}

/* --- The generator ---------------------------------------------------------------------------- */

static uint8_t key[32];
static uint64_t requests;
static size_t since_reseed;

static bool cpu_has_rdrand(void)
{
    uint32_t a = 1, b, c = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return c & (1u << 30);
}

/* Mixes TSC jitter (and RDRAND when present) into the key. */
static void stir(struct blake2s *h)
{
    static volatile uint8_t scratch[8192];
    uint64_t prev = runtime_rdtsc();
    for (unsigned i = 0; i < JITTER_SAMPLES; i++) {
        /* Something whose duration varies: a kernel entry now and then, scattered loads. */
        if (i % 64 == 0) {
            seL4_Yield();
        }
        scratch[(prev * 2654435761u) % sizeof(scratch)] += (uint8_t)prev;
        uint64_t now = runtime_rdtsc();
        uint16_t delta = (uint16_t)(now - prev);
        blake2s_update(h, &delta, sizeof(delta));
        prev = now;
    }
    if (cpu_has_rdrand()) {
        for (int i = 0; i < 4; i++) {
            uint64_t r = 0;
            uint8_t ok;
            __asm__ volatile("rdrand %0; setc %1" : "=r"(r), "=qm"(ok));
            if (ok) {
                blake2s_update(h, &r, sizeof(r));
            }
        }
    }
    blake2s_update(h, key, sizeof(key));
    blake2s_final(h, key);
    since_reseed = 0;
}

void pf_random_stir(void)
{
    struct blake2s h;
    blake2s_init(&h);
    stir(&h);
}

void pf_random_init(void)
{
    const struct uk_init *init = pf_uk;
    struct blake2s h;
    blake2s_init(&h);
    seL4_Word facts[5] = {init->boot_epoch_seconds, init->boot_tsc, init->tsc_hz, init->instance,
                          runtime_rdtsc()};
    blake2s_update(&h, facts, sizeof(facts));
    blake2s_update(&h, init->name, strnlen(init->name, sizeof(init->name)));
    const char *seed = pf_getenv("PLATFORM_SEED");
    if (seed) {
        blake2s_update(&h, seed, strlen(seed));
    }
    stir(&h);
}

void pf_random(void *buf, size_t len)
{
    if (since_reseed >= RESEED_BYTES) {
        pf_random_stir();
    }
    /* The nonce makes each request's stream distinct even if the key were ever repeated. */
    uint64_t tsc = runtime_rdtsc();
    uint32_t nonce[3] = {(uint32_t)tsc, (uint32_t)(tsc >> 32), (uint32_t)++requests};
    uint8_t block[64], *out = buf;
    /* Block 0 replaces the key (fast key erasure); the output starts at block 1. */
    chacha20_block(key, 0, nonce, block);
    uint8_t next_key[32];
    memcpy(next_key, block, 32);
    for (uint32_t counter = 1; len; counter++) {
        chacha20_block(key, counter, nonce, block);
        size_t n = len < 64 ? len : 64;
        memcpy(out, block, n);
        out += n;
        len -= n;
        since_reseed += n;
    }
    memcpy(key, next_key, 32);
    memset(block, 0, sizeof(block));
}

/* Known answers from RFC 7693 (appendix B) and RFC 8439 (section 2.3.2). */
bool pf_random_selftest(void)
{
    static const uint8_t abc_digest[32] = {0x50, 0x8c, 0x5e, 0x8c, 0x32, 0x7c, 0x14, 0xe2,
                                           0xe1, 0xa7, 0x2b, 0xa3, 0x4e, 0xeb, 0x45, 0x2f,
                                           0x37, 0x45, 0x8b, 0x20, 0x9e, 0xd6, 0x3a, 0x29,
                                           0x4d, 0x99, 0x9b, 0x4c, 0x86, 0x67, 0x59, 0x82};
    static const uint8_t block_start[16] = {0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15,
                                            0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4};
    struct blake2s h;
    uint8_t digest[32], test_key[32], block[64];
    blake2s_init(&h);
    blake2s_update(&h, "abc", 3);
    blake2s_final(&h, digest);
    for (int i = 0; i < 32; i++) {
        test_key[i] = (uint8_t)i;
    }
    const uint32_t nonce[3] = {0x09000000, 0x4a000000, 0};
    chacha20_block(test_key, 1, nonce, block);
    return memcmp(digest, abc_digest, 32) == 0 && memcmp(block, block_start, 16) == 0;
}
