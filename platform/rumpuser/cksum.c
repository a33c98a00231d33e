/*
 * The Internet checksum over an mbuf chain for a rump kernel's TCP/IP, linked in place of
 * NetBSD's portable C version (ld --wrap=rumpns_cpu_in_cksum, as for bus_space.c).
 *
 * vioif(4) and wm(4) in NetBSD 7.99 negotiate no checksum offload, so the stack sums every
 * byte it receives and sends in software: in a bench-net stream (bench/README.md) NetBSD's
 * cpu_in_cksum was the largest single function, 12-13 % of all guest instructions. Its loop
 * adds 32-bit words into a 64-bit accumulator (two instructions per 4 bytes); this one adds
 * 64-bit words with carry (one instruction per 8 bytes), a quarter of the instructions for
 * the same sum.
 *
 * What the function computes (NetBSD's in_cksum(9) family calls it with the pseudo-header
 * sum as initial_sum): the 16-bit ones' complement of the ones' complement sum of `len`
 * bytes that start `off` bytes into the chain, read as 16-bit words in host order, plus
 * initial_sum; -1 if the chain is shorter than off + len. A word may straddle two mbufs.
 *
 * The mbuf fields it reads are those of NetBSD's struct m_hdr on amd64: the next mbuf at
 * offset 0, the data pointer at 16, the length (int) at 32. A rump kernel with another
 * layout would get wrong checksums, so the first SELF_CHECK_CALLS sums are compared with
 * NetBSD's own function and a difference stops the unikernel, naming the assumption.
 */
#include "hyp.h"

#define SELF_CHECK_CALLS 64

struct mbuf;

struct mbuf_fields {
    struct mbuf *next; /* m_next */
    void *nextpkt;     /* m_nextpkt */
    uint8_t *data;     /* m_data */
    void *owner;       /* m_owner */
    int len;           /* m_len */
};

int __wrap_rumpns_cpu_in_cksum(struct mbuf *m, int len, int off, uint32_t initial_sum);
/* NetBSD's function, for the self-check; weak, so that a kernel without TCP/IP links. */
extern int __real_rumpns_cpu_in_cksum(struct mbuf *m, int len, int off, uint32_t initial_sum)
    __attribute__((weak));

/* Unaligned loads (x86 needs no alignment; the types tell the compiler so). */
typedef uint64_t __attribute__((may_alias, aligned(1))) u64_any;
typedef uint32_t __attribute__((may_alias, aligned(1))) u32_any;
typedef uint16_t __attribute__((may_alias, aligned(1))) u16_any;

static inline uint64_t add_carry(uint64_t a, uint64_t b)
{
    uint64_t s = a + b;
    return s + (s < a);
}

/*
 * sum plus the n bytes at p, in ones' complement arithmetic on 64-bit words: the bytes as
 * 16-bit host-order words from p, a last odd byte being the low byte of a word.
 */
static uint64_t sum_bytes(uint64_t sum, const uint8_t *p, size_t n)
{
    size_t blocks = n / 64;
    if (blocks) {
        __asm__("clc\n"
                "1:\n\t"
                "adcq 0(%[p]), %[sum]\n\t"
                "adcq 8(%[p]), %[sum]\n\t"
                "adcq 16(%[p]), %[sum]\n\t"
                "adcq 24(%[p]), %[sum]\n\t"
                "adcq 32(%[p]), %[sum]\n\t"
                "adcq 40(%[p]), %[sum]\n\t"
                "adcq 48(%[p]), %[sum]\n\t"
                "adcq 56(%[p]), %[sum]\n\t"
                "leaq 64(%[p]), %[p]\n\t" /* lea and dec keep the carry */
                "decq %[blocks]\n\t"
                "jnz 1b\n\t"
                "adcq $0, %[sum]"
                : [sum] "+r"(sum), [p] "+r"(p), [blocks] "+r"(blocks)
                :
                : "cc", "memory");
        n &= 63;
    }
    for (; n >= 8; n -= 8, p += 8) {
        sum = add_carry(sum, *(const u64_any *)p);
    }
    if (n & 4) {
        sum = add_carry(sum, *(const u32_any *)p);
        p += 4;
    }
    if (n & 2) {
        sum = add_carry(sum, *(const u16_any *)p);
        p += 2;
    }
    if (n & 1) {
        sum = add_carry(sum, *p);
    }
    return sum;
}

/* Folds a 64-bit ones' complement sum to 16 bits. */
static inline uint32_t fold(uint64_t sum)
{
    sum = (sum & 0xffffffffu) + (sum >> 32);
    sum = (sum & 0xffffffffu) + (sum >> 32);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (uint32_t)sum;
}

static int checksum(struct mbuf *m, int len, int off, uint32_t initial_sum)
{
    uint64_t sum = initial_sum;
    if (len < 0 || off < 0) {
        return -1;
    }
    const struct mbuf_fields *f = (const struct mbuf_fields *)m;
    while (f && off >= f->len) {
        off -= f->len;
        f = (const struct mbuf_fields *)f->next;
    }
    /*
     * An mbuf that starts at an odd position of the summed bytes contributes its words
     * byte-swapped. In ones' complement arithmetic a byte swap of the folded 16-bit sum is
     * a multiplication by 2^8, which on the 64-bit sum is a rotation by 8 bits; rotating the
     * running sum before and after such an mbuf does it without folding.
     */
    bool odd = false;
    while (len > 0) {
        if (!f) {
            return -1;
        }
        int n = f->len - off < len ? f->len - off : len;
        if (n > 0) {
            if (odd) {
                sum = sum << 8 | sum >> 56;
            }
            sum = sum_bytes(sum, f->data + off, (size_t)n);
            if (odd) {
                sum = sum << 56 | sum >> 8;
            }
            odd ^= n & 1;
            len -= n;
        }
        off = 0;
        f = (const struct mbuf_fields *)f->next;
    }
    return (int)(~fold(sum) & 0xffff);
}

int __wrap_rumpns_cpu_in_cksum(struct mbuf *m, int len, int off, uint32_t initial_sum)
{
    static unsigned checked;
    int sum = checksum(m, len, off, initial_sum);
    if (checked < SELF_CHECK_CALLS && __real_rumpns_cpu_in_cksum) {
        checked++;
        int theirs = __real_rumpns_cpu_in_cksum(m, len, off, initial_sum);
        if (theirs != sum) {
            pf_panic("cksum: checksum 0x%x where NetBSD's cpu_in_cksum says 0x%x (len %d, off "
                     "%d): this rump kernel's struct mbuf is not laid out as "
                     "platform/rumpuser/cksum.c assumes",
                     sum, theirs, len, off);
        }
    }
    return sum;
}
