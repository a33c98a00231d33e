/*
 * Concurrency stress: many threads, many lock and condition-variable operations, with the
 * invariants each primitive promises checked all along (mutual exclusion, reader/writer
 * exclusion, nothing lost or duplicated through a bounded queue).
 */
#include "suite.h"
#include "tests.h"

enum { WORKERS = 32, ROUNDS = 1000, QUEUE = 8 };

struct shared {
    struct tc *tc;
    struct rumpuser_mtx *count_m, *spin_m, *queue_m;
    struct rumpuser_rw *rw;
    struct rumpuser_cv *not_full, *not_empty;
    long counter, spin_counter;
    int in_mutex;
    int readers_in, writers_in;
    long pair_a, pair_b;
    long queue[QUEUE];
    int q_head, q_count;
    long produced_sum, consumed_sum;
    int produced, consumed;
    int mutex_ops, spin_ops, write_ops;
};

struct worker {
    struct shared *s;
    unsigned id;
};

static unsigned next_rand(unsigned *x)
{
    *x = *x * 1103515245u + 12345u;
    return *x >> 16;
}

/* Sometimes let other threads run inside a critical section. */
static void maybe_pause(unsigned *x)
{
    unsigned r = next_rand(x) % 8;
    if (r == 0) {
        pf_yield();
    } else if (r == 1) {
        rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, 0);
    }
}

static void mutex_round(struct shared *s, unsigned *x)
{
    struct tc *tc = s->tc;
    rumpuser_mutex_enter(s->count_m);
    CHECK(tc, s->in_mutex == 0, "two threads inside one mutex");
    s->in_mutex++;
    long before = s->counter;
    maybe_pause(x);
    s->counter = before + 1;
    s->mutex_ops++;
    s->in_mutex--;
    rumpuser_mutex_exit(s->count_m);
}

static void spin_round(struct shared *s)
{
    rumpuser_mutex_enter(s->spin_m);
    s->spin_counter++;
    s->spin_ops++;
    rumpuser_mutex_exit(s->spin_m);
}

static void rw_round(struct shared *s, unsigned *x)
{
    struct tc *tc = s->tc;
    unsigned r = next_rand(x) % 4;
    if (r == 0 || (r == 1 && rumpuser_rw_tryenter(RUMPUSER_RW_WRITER, s->rw) == 0)) {
        if (r == 0) {
            rumpuser_rw_enter(RUMPUSER_RW_WRITER, s->rw);
        }
        CHECK(tc, s->readers_in == 0 && s->writers_in == 0, "writer not alone (%d r, %d w)",
              s->readers_in, s->writers_in);
        s->writers_in++;
        s->pair_a++;
        maybe_pause(x);
        s->pair_b++;
        s->write_ops++;
        s->writers_in--;
        rumpuser_rw_exit(s->rw);
        return;
    }
    rumpuser_rw_enter(RUMPUSER_RW_READER, s->rw);
    s->readers_in++;
    CHECK(tc, s->writers_in == 0, "reader inside with a writer");
    CHECK(tc, s->pair_a == s->pair_b, "reader saw a half-done write");
    maybe_pause(x);
    CHECK(tc, s->pair_a == s->pair_b, "write happened under a reader");
    s->readers_in--;
    if (s->readers_in == 0 && rumpuser_rw_tryupgrade(s->rw) == 0) {
        s->writers_in++;
        s->pair_a++;
        s->pair_b++;
        s->write_ops++;
        s->writers_in--;
        rumpuser_rw_downgrade(s->rw);
    }
    rumpuser_rw_exit(s->rw);
}

static void produce(struct shared *s, long value, unsigned *x)
{
    rumpuser_mutex_enter(s->queue_m);
    while (s->q_count == QUEUE) {
        if (next_rand(x) % 2) {
            rumpuser_cv_wait(s->not_full, s->queue_m);
        } else {
            rumpuser_cv_timedwait(s->not_full, s->queue_m, 0, 2000000);
        }
    }
    s->queue[(s->q_head + s->q_count++) % QUEUE] = value;
    s->produced++;
    s->produced_sum += value;
    rumpuser_cv_signal(s->not_empty);
    rumpuser_mutex_exit(s->queue_m);
}

static void consume(struct shared *s, unsigned *x)
{
    rumpuser_mutex_enter(s->queue_m);
    while (s->q_count == 0) {
        if (next_rand(x) % 2) {
            rumpuser_cv_wait(s->not_empty, s->queue_m);
        } else {
            rumpuser_cv_timedwait(s->not_empty, s->queue_m, 0, 2000000);
        }
    }
    long value = s->queue[s->q_head];
    s->q_head = (s->q_head + 1) % QUEUE;
    s->q_count--;
    s->consumed++;
    s->consumed_sum += value;
    rumpuser_cv_broadcast(s->not_full);
    rumpuser_mutex_exit(s->queue_m);
}

static void worker_main(void *p)
{
    struct worker *w = p;
    struct shared *s = w->s;
    unsigned x = w->id * 7919 + 1;
    bool producer = w->id % 2 == 0;
    for (int round = 0; round < ROUNDS; round++) {
        switch (next_rand(&x) % 4) {
        case 0:
            mutex_round(s, &x);
            break;
        case 1:
            spin_round(s);
            break;
        default:
            rw_round(s, &x);
            break;
        }
        /* Every worker moves one item per round; producers and consumers pair up. */
        if (producer) {
            produce(s, (long)w->id * 100000 + round, &x);
        } else {
            consume(s, &x);
        }
    }
}

void test_stress(struct tc *tc)
{
    static struct shared s;
    struct worker workers[WORKERS];
    void *cookies[WORKERS];
    memset(&s, 0, sizeof(s));
    s.tc = tc;
    rumpuser_mutex_init(&s.count_m, RUMPUSER_MTX_KMUTEX);
    rumpuser_mutex_init(&s.spin_m, RUMPUSER_MTX_SPIN);
    rumpuser_mutex_init(&s.queue_m, RUMPUSER_MTX_KMUTEX);
    rumpuser_rw_init(&s.rw);
    rumpuser_cv_init(&s.not_full);
    rumpuser_cv_init(&s.not_empty);
    uint64_t t0 = now_ms();
    for (unsigned i = 0; i < WORKERS; i++) {
        workers[i] = (struct worker){&s, i};
        cookies[i] = spawn(worker_main, &workers[i]);
    }
    for (unsigned i = 0; i < WORKERS; i++) {
        join(cookies[i]);
    }
    CHECK_EQ(tc, s.counter, s.mutex_ops);
    CHECK_EQ(tc, s.spin_counter, s.spin_ops);
    CHECK(tc, s.pair_a == s.pair_b && s.pair_a == s.write_ops, "pair %ld/%ld after %d writes",
          s.pair_a, s.pair_b, s.write_ops);
    CHECK_EQ(tc, s.produced, WORKERS / 2 * ROUNDS);
    CHECK_EQ(tc, s.consumed, s.produced);
    CHECK_EQ(tc, s.consumed_sum, s.produced_sum);
    CHECK_EQ(tc, s.q_count, 0);
    struct pf_sched_stats st;
    pf_sched_stats(&st);
    printf("     (%d threads: %d mutex, %d spin, %d write, %d queue operations in %lu ms; "
           "%lu switches so far)\n",
           WORKERS, s.mutex_ops, s.spin_ops, s.write_ops, s.produced + s.consumed,
           (unsigned long)(now_ms() - t0), (unsigned long)st.switches);
    rumpuser_cv_destroy(s.not_full);
    rumpuser_cv_destroy(s.not_empty);
    rumpuser_rw_destroy(s.rw);
    rumpuser_mutex_destroy(s.count_m);
    rumpuser_mutex_destroy(s.spin_m);
    rumpuser_mutex_destroy(s.queue_m);
}
