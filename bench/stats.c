/*
 * Order statistics of a figure's samples. Medians and percentiles rather than means: a
 * timer interrupt or a host hiccup under emulation lands in a few runs and would drag a
 * mean, but leaves the median alone and shows up in p90.
 */
#include "bench.h"

/* Shell sort (Ciura's gaps): a few thousand samples, no allocation, no recursion. */
static void sort_samples(uint64_t *s, unsigned n)
{
    static const unsigned gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
    for (unsigned g = 0; g < ARRAY_SIZE(gaps); g++) {
        unsigned gap = gaps[g];
        for (unsigned i = gap; i < n; i++) {
            uint64_t v = s[i];
            unsigned j = i;
            for (; j >= gap && s[j - gap] > v; j -= gap) {
                s[j] = s[j - gap];
            }
            s[j] = v;
        }
    }
}

void bench_report(const char *name, uint64_t *samples, unsigned n)
{
    if (n == 0) {
        printf("bench: %s FAILED: no samples\n", name);
        return;
    }
    sort_samples(samples, n);
    printf("bench: %s median=%lu min=%lu p90=%lu cycles (%u runs)\n", name, samples[n / 2],
           samples[0], samples[(n * 9) / 10], n);
}
