/* Every test of the suite, in the order it runs. */
#pragma once

struct tc;

#define TEST_LIST(X)            \
    X(init_version)             \
    X(getparam_mandatory)       \
    X(getparam_memlimit)        \
    X(getparam_environment)     \
    X(console)                  \
    X(process_calls)            \
    X(dl_bootstrap)             \
    X(sp_without_channels)      \
    X(getrandom)                \
    X(malloc_alignment)         \
    X(malloc_churn)             \
    X(anonmmap)                 \
    X(malloc_exhaustion)        \
    X(page_allocation_sizes)    \
    X(file_missing)             \
    X(file_create_rw)           \
    X(file_bio)                 \
    X(file_image)               \
    X(clock_gettime)            \
    X(clock_sleep_relative)     \
    X(clock_sleep_absolute)     \
    X(clock_sleep_concurrent)   \
    X(thread_create_join)       \
    X(thread_detached)          \
    X(thread_many)              \
    X(curlwp)                   \
    X(tls_isolation)            \
    X(mutex_basic)              \
    X(mutex_enter_releases_cpu) \
    X(mutex_nowrap_keeps_cpu)   \
    X(rw_basic)                 \
    X(rw_enter_releases_cpu)    \
    X(rw_writer_preference)     \
    X(cv_wait_releases_cpu)     \
    X(cv_wait_nowrap_keeps_cpu) \
    X(cv_timedwait)             \
    X(cv_timedwait_signalled)   \
    X(cv_broadcast)             \
    X(cv_scheduler_interlock)   \
    X(stress)                   \
    X(pci_enumerate)            \
    X(pci_map_bars)             \
    X(pci_port_io)              \
    X(pci_interrupt)            \
    X(dma_memory)               \
    X(virt_to_mach)             \
    X(cksum)

#define TEST_DECLARE(name) void test_##name(struct tc *tc);
TEST_LIST(TEST_DECLARE)
