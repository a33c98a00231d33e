/*
 * The Internet checksum the platform links in place of the rump kernel's cpu_in_cksum
 * (platform/rumpuser/cksum.c): against a byte-at-a-time RFC 1071 sum, over chains of fake
 * mbufs laid out as NetBSD's struct m_hdr on amd64 (next at 0, data at 16, length at 32),
 * with every split, offset, length and data alignment that matters to it.
 *
 * This suite is linked without --wrap, so the platform's function is called by its
 * __wrap_ name, and the reference below stands in for NetBSD's function in the platform's
 * self-check (its first calls compare the two), which is exercised along the way.
 */
#include "suite.h"
#include "tests.h"

struct fake_mbuf {
    struct fake_mbuf *next;
    void *nextpkt;
    uint8_t *data;
    void *owner;
    int len;
    int flags;
};

struct mbuf;
int __wrap_rumpns_cpu_in_cksum(struct mbuf *m, int len, int off, uint32_t initial_sum);
int __real_rumpns_cpu_in_cksum(struct mbuf *m, int len, int off, uint32_t initial_sum);

/* RFC 1071 over the chain, one byte at a time: bytes at even positions are low bytes. */
int __real_rumpns_cpu_in_cksum(struct mbuf *m, int len, int off, uint32_t initial_sum)
{
    uint64_t sum = initial_sum;
    unsigned pos = 0;
    for (struct fake_mbuf *f = (struct fake_mbuf *)m; f && len > 0; f = f->next) {
        for (int i = 0; i < f->len && len > 0; i++) {
            if (off > 0) {
                off--;
                continue;
            }
            sum += (uint64_t)f->data[i] << (pos++ & 1 ? 8 : 0);
            len--;
        }
    }
    if (len > 0) {
        return -1;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (int)(~sum & 0xffff);
}

#define POOL 4200

static uint8_t pool[POOL + 16];

/* Splits pool+align into a chain of mbufs of the given lengths. */
static struct fake_mbuf *chain(struct fake_mbuf *m, const int *lens, int n, unsigned align)
{
    uint8_t *p = pool + align;
    for (int i = 0; i < n; i++) {
        m[i].data = p;
        m[i].len = lens[i];
        m[i].next = i + 1 < n ? &m[i + 1] : 0;
        p += lens[i];
    }
    return m;
}

void test_cksum(struct tc *tc)
{
    uint32_t x = 7;
    for (unsigned i = 0; i < sizeof(pool); i++) {
        x = x * 1103515245u + 12345u;
        pool[i] = (uint8_t)(x >> 16);
    }
    /* Lengths of the mbufs of each chain, -1 after the last. */
    static const int splits[][6] = {{1500, -1},
                                    {20, 1480, -1},
                                    {1, 1, 1, 1, 1496, -1},
                                    {63, 65, 1, 1371, -1},
                                    {0, 7, 0, 9, 64, -1},
                                    {2048, 2048, -1},
                                    {3, 4000, -1},
                                    {127, 128, 129, 130, 131, -1},
                                    {14, 20, 32, 1, -1},
                                    {4095, 1, 1, 1, -1}};
    struct fake_mbuf m[5];
    unsigned cases = 0;
    for (unsigned s = 0; s < ARRAY_SIZE(splits) && !tc->failed; s++) {
        int n = 0, total = 0;
        while (splits[s][n] >= 0) {
            total += splits[s][n++];
        }
        for (unsigned align = 0; align < 8; align += 3) {
            chain(m, splits[s], n, align);
            for (int off = 0; off < 70 && off < total; off += 13) {
                for (int len = 0; off + len <= total && !tc->failed; len += len < 80 ? 1 : 211) {
                    uint32_t initial = (uint32_t)(len * 2654435761u);
                    int ours = __wrap_rumpns_cpu_in_cksum((struct mbuf *)m, len, off, initial);
                    int ref = __real_rumpns_cpu_in_cksum((struct mbuf *)m, len, off, initial);
                    CHECK(tc, ours == ref,
                          "split %u align %u off %d len %d: 0x%x, RFC 1071 says 0x%x", s, align,
                          off, len, ours, ref);
                    cases++;
                }
            }
            /* Past the end of the chain: -1, as NetBSD's function answers. */
            CHECK_EQ(tc, __wrap_rumpns_cpu_in_cksum((struct mbuf *)m, total, 1, 0), -1);
        }
    }
    /* All-ones data sums to 0xffff: the result is 0 (not 0xffff). */
    memset(pool, 0xff, 64);
    int one[] = {64};
    chain(m, one, 1, 0);
    CHECK_EQ(tc, __wrap_rumpns_cpu_in_cksum((struct mbuf *)m, 64, 0, 0), 0);
    CHECK(tc, cases > 1000, "only %u cases ran", cases);
}
