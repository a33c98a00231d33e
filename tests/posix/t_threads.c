/*
 * Threads and synchronisation: libpthread on the platform's threads (one CPU, cooperative,
 * so tests that need another thread to run block or yield to let it).
 */
#include "ptest.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void *square(void *arg)
{
    long n = (long)arg;
    return (void *)(n * n);
}

TEST(threads_create_join)
{
    pthread_t t[4];
    int created = 0;
    for (long i = 0; i < 4; i++) {
        created += pthread_create(&t[i], 0, square, (void *)(i + 2)) == 0;
    }
    CHECK(created == 4);
    long sum = 0;
    for (int i = 0; i < 4; i++) {
        void *r = 0;
        CHECK(pthread_join(t[i], &r) == 0);
        sum += (long)r;
    }
    CHECK(sum == 4 + 9 + 16 + 25);
    CHECK(pthread_join(t[0], 0) == ESRCH); /* joined already */
}

/* fn(arg) in a new thread, joined: what it returned (-1 if it could not run). */
static long in_thread(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    void *r = (void *)-1L;
    if (pthread_create(&t, 0, fn, arg) == 0) {
        pthread_join(t, &r);
    }
    return (long)r;
}

/* A mutex of the given type (PTHREAD_MUTEX_ERRORCHECK, _RECURSIVE); 0 on success. */
static int mutex_init_type(pthread_mutex_t *m, int type)
{
    pthread_mutexattr_t a;
    int r = pthread_mutexattr_init(&a);
    r = r ? r : pthread_mutexattr_settype(&a, type);
    r = r ? r : pthread_mutex_init(m, &a);
    pthread_mutexattr_destroy(&a);
    return r;
}

static void *identify(void *arg)
{
    *(pthread_t *)arg = pthread_self();
    return 0;
}

TEST(threads_self_and_equal)
{
    pthread_t t, seen;
    CHECK(pthread_create(&t, 0, identify, &seen) == 0 && pthread_join(t, 0) == 0);
    CHECK(pthread_equal(t, seen) && !pthread_equal(t, pthread_self()));
    CHECK(pthread_join(pthread_self(), 0) == EDEADLK);
}

static volatile int detached_ran;

static void *detached_main(void *arg)
{
    (void)arg;
    detached_ran = 1;
    return 0;
}

TEST(threads_detached)
{
    pthread_t t;
    pthread_attr_t attr;
    CHECK(pthread_attr_init(&attr) == 0);
    CHECK(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0);
    CHECK(pthread_create(&t, &attr, detached_main, 0) == 0);
    for (int i = 0; i < 100 && !detached_ran; i++) {
        usleep(1000);
    }
    CHECK(detached_ran);
    pthread_t u;
    CHECK(pthread_create(&u, 0, detached_main, 0) == 0 && pthread_detach(u) == 0);
    CHECK(pthread_join(u, 0) == EINVAL);
    pthread_attr_destroy(&attr);
}

/* Many threads, each adding under a mutex and yielding in between. */
enum { MANY = 100, ROUNDS = 20 };
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *adder(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&counter_lock);
        long v = counter;
        sched_yield(); /* the others run here, and must wait for the lock */
        counter = v + 1;
        pthread_mutex_unlock(&counter_lock);
    }
    return 0;
}

/* (With 64 KiB stacks: the default, 1 MiB, would take more than the suite's 64 MiB.) */
TEST(threads_many_with_a_mutex)
{
    static pthread_t t[MANY];
    pthread_attr_t attr;
    int created = 0, joined = 0;
    counter = 0;
    CHECK(pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, 64 * 1024) == 0);
    for (int i = 0; i < MANY; i++) {
        created += pthread_create(&t[i], &attr, adder, 0) == 0;
    }
    pthread_attr_destroy(&attr);
    for (int i = 0; i < created; i++) {
        joined += pthread_join(t[i], 0) == 0;
    }
    CHECK(created == MANY && joined == MANY);
    CHECK(counter == MANY * ROUNDS);
}

/* Tries the mutex without waiting (and lets it go again): 0 or EBUSY. */
static void *try_lock(void *m)
{
    int r = pthread_mutex_trylock(m);
    if (r == 0) {
        pthread_mutex_unlock(m);
    }
    return (void *)(long)r;
}

static void *unlock_other(void *m)
{
    return (void *)(long)pthread_mutex_unlock(m);
}

TEST(threads_mutex_errorcheck)
{
    pthread_mutex_t m;
    CHECK(mutex_init_type(&m, PTHREAD_MUTEX_ERRORCHECK) == 0 && pthread_mutex_lock(&m) == 0);
    CHECK(pthread_mutex_lock(&m) == EDEADLK);
    CHECK(in_thread(unlock_other, &m) == EPERM); /* not the owner */
    CHECK(in_thread(try_lock, &m) == EBUSY);
    CHECK(pthread_mutex_unlock(&m) == 0 && pthread_mutex_unlock(&m) == EPERM);
    CHECK(pthread_mutex_destroy(&m) == 0);
}

TEST(threads_mutex_recursive)
{
    pthread_mutex_t m;
    CHECK(mutex_init_type(&m, PTHREAD_MUTEX_RECURSIVE) == 0);
    CHECK(pthread_mutex_lock(&m) == 0 && pthread_mutex_lock(&m) == 0);
    CHECK(pthread_mutex_trylock(&m) == 0);
    CHECK(in_thread(try_lock, &m) == EBUSY);
    CHECK(pthread_mutex_unlock(&m) == 0 && pthread_mutex_unlock(&m) == 0);
    CHECK(pthread_mutex_unlock(&m) == 0); /* three locks, three unlocks */
    CHECK(in_thread(try_lock, &m) == 0);  /* free again */
}

/* A producer and a consumer on a condition variable. */
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_cond = PTHREAD_COND_INITIALIZER;
static int queue[16], q_head, q_tail;

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 1; i <= 200; i++) {
        pthread_mutex_lock(&q_lock);
        while (q_tail - q_head == 16) {
            pthread_cond_wait(&q_cond, &q_lock);
        }
        queue[q_tail++ % 16] = i;
        pthread_cond_broadcast(&q_cond);
        pthread_mutex_unlock(&q_lock);
    }
    return 0;
}

TEST(threads_condvar_producer_consumer)
{
    pthread_t t;
    long sum = 0;
    int in_order = 1;
    q_head = q_tail = 0;
    CHECK(pthread_create(&t, 0, producer, 0) == 0);
    for (int i = 1; i <= 200; i++) {
        pthread_mutex_lock(&q_lock);
        while (q_head == q_tail) {
            pthread_cond_wait(&q_cond, &q_lock);
        }
        int v = queue[q_head++ % 16];
        in_order &= v == i;
        sum += v;
        pthread_cond_broadcast(&q_cond);
        pthread_mutex_unlock(&q_lock);
    }
    CHECK(pthread_join(t, 0) == 0);
    CHECK(in_order && sum == 200 * 201 / 2);
}

TEST(threads_condvar_timedwait)
{
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    struct timespec deadline;
    CHECK(clock_gettime(CLOCK_REALTIME, &deadline) == 0);
    deadline.tv_nsec += 50000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&m);
    uint64_t start = ptest_now_ns();
    CHECK(pthread_cond_timedwait(&c, &m, &deadline) == ETIMEDOUT);
    long ms = ptest_ms_since(start);
    CHECK_RANGE(ms, 45, 1000);
    CHECK(pthread_mutex_trylock(&m) == EBUSY); /* held again after the wait */
    deadline.tv_sec -= 10;                     /* in the past: at once */
    CHECK(pthread_cond_timedwait(&c, &m, &deadline) == ETIMEDOUT);
    pthread_mutex_unlock(&m);
}

static void *signal_later(void *arg)
{
    void **p = arg;
    usleep(20000);
    pthread_mutex_lock(p[0]);
    *(int *)p[2] = 1;
    pthread_cond_signal(p[1]);
    pthread_mutex_unlock(p[0]);
    return 0;
}

TEST(threads_condvar_timedwait_signalled_monotonic)
{
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c;
    pthread_condattr_t ca;
    int flag = 0;
    void *args[3] = {&m, &c, &flag};
    CHECK(pthread_condattr_init(&ca) == 0);
    CHECK(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 && pthread_cond_init(&c, &ca) == 0);
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += 5;
    pthread_t t;
    pthread_mutex_lock(&m);
    CHECK(pthread_create(&t, 0, signal_later, args) == 0);
    int r = 0;
    uint64_t start = ptest_now_ns();
    while (!flag && r == 0) {
        r = pthread_cond_timedwait(&c, &m, &deadline);
    }
    pthread_mutex_unlock(&m);
    CHECK(r == 0 && flag && ptest_ms_since(start) < 4000);
    CHECK(pthread_join(t, 0) == 0);
    pthread_cond_destroy(&c);
    pthread_condattr_destroy(&ca);
}

static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate = PTHREAD_COND_INITIALIZER;
static int gate_open, waiting;

static void *wait_at_gate(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&gate_lock);
    waiting++;
    while (!gate_open) {
        pthread_cond_wait(&gate, &gate_lock);
    }
    waiting--;
    pthread_mutex_unlock(&gate_lock);
    return 0;
}

TEST(threads_condvar_broadcast)
{
    pthread_t t[8];
    gate_open = waiting = 0;
    for (int i = 0; i < 8; i++) {
        pthread_create(&t[i], 0, wait_at_gate, 0);
    }
    for (int i = 0; i < 100 && waiting < 8; i++) {
        usleep(1000);
    }
    CHECK(waiting == 8);
    pthread_mutex_lock(&gate_lock);
    gate_open = 1;
    CHECK(pthread_cond_broadcast(&gate) == 0);
    pthread_mutex_unlock(&gate_lock);
    int joined = 0;
    for (int i = 0; i < 8; i++) {
        joined += pthread_join(t[i], 0) == 0;
    }
    CHECK(joined == 8 && waiting == 0);
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;

/* Tries the lock for writing (arg non-zero) or reading without waiting; 0 or EBUSY. */
static void *try_rwlock(void *write)
{
    int r = write ? pthread_rwlock_trywrlock(&rw) : pthread_rwlock_tryrdlock(&rw);
    if (r == 0) {
        pthread_rwlock_unlock(&rw);
    }
    return (void *)(long)r;
}

TEST(threads_rwlock)
{
    CHECK(pthread_rwlock_rdlock(&rw) == 0);
    CHECK(in_thread(try_rwlock, 0) == 0);             /* readers share */
    CHECK(in_thread(try_rwlock, (void *)1) == EBUSY); /* a writer waits for them */
    CHECK(pthread_rwlock_unlock(&rw) == 0 && pthread_rwlock_wrlock(&rw) == 0);
    CHECK(in_thread(try_rwlock, 0) == EBUSY && in_thread(try_rwlock, (void *)1) == EBUSY);
    CHECK(pthread_rwlock_unlock(&rw) == 0);
    CHECK(in_thread(try_rwlock, (void *)1) == 0);
}

static pthread_barrier_t barrier;
static volatile int arrived;

static void *at_barrier(void *arg)
{
    (void)arg;
    arrived++;
    int r = pthread_barrier_wait(&barrier);
    return (void *)(long)(r == PTHREAD_BARRIER_SERIAL_THREAD ? 1 : r == 0 ? 0 : -100);
}

TEST(threads_barrier)
{
    pthread_t t[3];
    arrived = 0;
    CHECK(pthread_barrier_init(&barrier, 0, 4) == 0);
    for (int i = 0; i < 3; i++) {
        pthread_create(&t[i], 0, at_barrier, 0);
    }
    long serial = (long)at_barrier(0);
    CHECK(arrived == 4); /* nobody passed before all four arrived */
    for (int i = 0; i < 3; i++) {
        void *r;
        pthread_join(t[i], &r);
        serial += (long)r;
    }
    CHECK(serial == 1); /* exactly one is the serial thread */
    CHECK(pthread_barrier_destroy(&barrier) == 0);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;

static void once_init(void)
{
    once_runs++;
    sched_yield(); /* others arriving meanwhile must wait, not run it again */
}

static void *call_once(void *arg)
{
    (void)arg;
    pthread_once(&once, once_init);
    return (void *)(long)once_runs;
}

TEST(threads_once)
{
    pthread_t t[6];
    for (int i = 0; i < 6; i++) {
        pthread_create(&t[i], 0, call_once, 0);
    }
    int saw_one = 0;
    for (int i = 0; i < 6; i++) {
        void *r;
        pthread_join(t[i], &r);
        saw_one += (long)r == 1;
    }
    CHECK(once_runs == 1 && saw_one == 6);
}

static pthread_key_t key;
static volatile long destroyed;

static void key_destructor(void *value)
{
    destroyed += (long)value;
}

static void *use_key(void *arg)
{
    pthread_setspecific(key, arg);
    sched_yield();
    return pthread_getspecific(key);
}

TEST(threads_keys)
{
    pthread_t a, b;
    void *ra, *rb;
    destroyed = 0;
    CHECK(pthread_key_create(&key, key_destructor) == 0);
    CHECK(pthread_getspecific(key) == 0 && pthread_setspecific(key, (void *)5L) == 0);
    CHECK(pthread_create(&a, 0, use_key, (void *)10L) == 0);
    CHECK(pthread_create(&b, 0, use_key, (void *)20L) == 0);
    CHECK(pthread_join(a, &ra) == 0 && pthread_join(b, &rb) == 0);
    CHECK((long)ra == 10 && (long)rb == 20 && pthread_getspecific(key) == (void *)5L);
    CHECK(destroyed == 30); /* each exiting thread's value, not main's */
    CHECK(pthread_key_delete(key) == 0);
}

static __thread int tls_value = 7;
static __thread char tls_block[1000];

static void *use_tls(void *arg)
{
    long initial = tls_value;
    tls_value = (int)(long)arg;
    memset(tls_block, (int)(long)arg, sizeof(tls_block));
    sched_yield();
    int same = tls_value == (int)(long)arg && tls_block[999] == (char)(long)arg;
    return (void *)(initial * 10 + same);
}

TEST(threads_tls)
{
    pthread_t t[3];
    tls_value = 1;
    for (long i = 0; i < 3; i++) {
        pthread_create(&t[i], 0, use_tls, (void *)(i + 100));
    }
    int good = 0;
    for (int i = 0; i < 3; i++) {
        void *r;
        pthread_join(t[i], &r);
        good += (long)r == 71; /* started from the initial value, kept its own */
    }
    CHECK(good == 3);
    CHECK(tls_value == 1 && tls_block[0] == 0); /* main's copy untouched */
}

static void *fail_with_ebadf(void *arg)
{
    (void)arg;
    close(-1);
    int first = errno;
    sched_yield();
    return (void *)(long)(first == EBADF && errno == EBADF);
}

TEST(threads_errno_per_thread)
{
    pthread_t t;
    void *r;
    CHECK_ERRNO(open("/nonexistent/file", O_RDONLY), ENOENT);
    CHECK(pthread_create(&t, 0, fail_with_ebadf, 0) == 0);
    errno = ENOENT;
    sched_yield();
    CHECK(errno == ENOENT); /* the other thread's EBADF is its own */
    CHECK(pthread_join(t, &r) == 0 && (long)r == 1);
}

static void *deep_stack(void *arg)
{
    volatile char big[192 * 1024];
    big[0] = 1;
    big[sizeof(big) - 1] = 2;
    (void)arg;
    return (void *)(long)(big[0] + big[sizeof(big) - 1]);
}

TEST(threads_stack_size)
{
    pthread_attr_t attr;
    pthread_t t;
    size_t size = 0;
    void *r;
    CHECK(pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, 512 * 1024) == 0);
    CHECK(pthread_attr_getstacksize(&attr, &size) == 0 && size == 512 * 1024);
    CHECK(pthread_create(&t, &attr, deep_stack, 0) == 0 && pthread_join(t, &r) == 0);
    CHECK((long)r == 3);
    CHECK(pthread_attr_setstacksize(&attr, 1) == EINVAL);
    pthread_attr_destroy(&attr);
}

static void *name_self(void *arg)
{
    char name[32] = "";
    pthread_setname_np(pthread_self(), "%s", arg);
    pthread_getname_np(pthread_self(), name, sizeof(name));
    return (void *)(long)!strcmp(name, "worker-7");
}

TEST(threads_names)
{
    CHECK(in_thread(name_self, "worker-7") == 1);
}

static sem_t sem;

static void *post_twice(void *arg)
{
    (void)arg;
    usleep(10000);
    sem_post(&sem);
    sem_post(&sem);
    return 0;
}

TEST(threads_semaphores)
{
    pthread_t t;
    int value = -1;
    CHECK(sem_init(&sem, 0, 0) == 0);
    CHECK_ERRNO(sem_trywait(&sem), EAGAIN);
    CHECK(pthread_create(&t, 0, post_twice, 0) == 0);
    CHECK(sem_wait(&sem) == 0 && sem_wait(&sem) == 0);
    CHECK(sem_getvalue(&sem, &value) == 0 && value == 0);
    CHECK(pthread_join(t, 0) == 0 && sem_destroy(&sem) == 0);
}

static void *sleeper(void *arg)
{
    struct timespec ts = {0, 100 * 1000000L};
    nanosleep(&ts, 0);
    *(volatile int *)arg = 1;
    return 0;
}

static void *ticker(void *arg)
{
    volatile int *done = arg;
    long ticks = 0;
    while (!*done) {
        usleep(5000);
        ticks++;
    }
    return (void *)ticks;
}

/* A thread asleep in the kernel does not hold the others up. */
TEST(threads_sleep_does_not_block_others)
{
    volatile int done = 0;
    pthread_t a, b;
    void *ticks;
    CHECK(pthread_create(&a, 0, sleeper, (void *)&done) == 0);
    CHECK(pthread_create(&b, 0, ticker, (void *)&done) == 0);
    CHECK(pthread_join(a, 0) == 0 && pthread_join(b, &ticks) == 0);
    CHECK((long)ticks >= 5);
}
