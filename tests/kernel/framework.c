/*
 * Test runner: collects the TEST() descriptors from the "ktests" section, runs those that
 * match the compiled-in filter, prints one line per test and the closing summary line
 *
 *     N passed, N failed            (every test ran to a verdict)
 *     N passed, N failed, N skipped (when some test decided it could not run here)
 *
 * and returns non-zero (which becomes QEMU's exit status) if any test failed.
 */
#include "framework.h"
#include "support.h"

extern const struct ktest __start_ktests[], __stop_ktests[];

int ktest_setjmp(void *buf) __attribute__((returns_twice));
void ktest_longjmp(void *buf, int value) __attribute__((noreturn));

/* Set in helper threads (support.c): checks there must not longjmp on the root's stack. */
extern __thread struct helper *ktest_self_helper;

enum { RESULT_PASS = 0, RESULT_FAIL = 1, RESULT_SKIP = 2 };

static seL4_Word jump_buf[8];
static char message[320];
static volatile int helper_failed;
static char helper_message[320];

const char *ktest_error_name(seL4_Word err)
{
    static const char *const names[] = {
        "seL4_NoError",          "seL4_InvalidArgument",  "seL4_InvalidCapability",
        "seL4_IllegalOperation", "seL4_RangeError",       "seL4_AlignmentError",
        "seL4_FailedLookup",     "seL4_TruncatedMessage", "seL4_DeleteFirst",
        "seL4_RevokeFirst",      "seL4_NotEnoughMemory",
    };
    return err < ARRAY_SIZE(names) ? names[err] : "?";
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    struct helper *self = ktest_self_helper;
    char *buf = self ? helper_message : message;
    if (self && helper_failed) {
        /* Keep the first failure a helper reported. */
        seL4_TCB_Suspend(self->self_cap);
    }
    int n = snprintf(buf, sizeof(message), "%s%s:%d: ", self ? "in helper thread: " : "",
                     base_name(file), line);
    va_start(ap, fmt);
    vsnprintf(buf + n, sizeof(message) - (size_t)n, fmt, ap);
    va_end(ap);
    if (self) {
        helper_failed = 1;
        for (;;) {
            seL4_TCB_Suspend(self->self_cap);
        }
    }
    ktest_longjmp(jump_buf, RESULT_FAIL);
}

void ktest_skip(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    if (ktest_self_helper) {
        ktest_fail(__FILE__, __LINE__, "ktest_skip called from a helper thread");
    }
    ktest_longjmp(jump_buf, RESULT_SKIP);
}

#ifdef KTEST_PRODUCTION
/* Set by a helper thread that needed a debug call: it stops, and its test is skipped. */
static const char *volatile helper_needed_call;

seL4_Word ktest_needs_debug_kernel(const char *call)
{
    if (ktest_self_helper) {
        helper_needed_call = call;
        for (;;) {
            seL4_TCB_Suspend(ktest_self_helper->self_cap);
        }
    }
    ktest_skip("needs %s, which a production kernel does not have", call);
}
#endif

/* Glob match with '*' and '?'. */
static int glob_match(const char *pat, size_t plen, const char *s)
{
    if (plen == 0) {
        return *s == 0;
    }
    if (*pat == '*') {
        for (;;) {
            if (glob_match(pat + 1, plen - 1, s)) {
                return 1;
            }
            if (!*s++) {
                return 0;
            }
        }
    }
    if (!*s || (*pat != '?' && *pat != *s)) {
        return 0;
    }
    return glob_match(pat + 1, plen - 1, s + 1);
}

/* The filter is a list of globs separated by commas or spaces; empty selects every test. */
static int selected(const char *filter, const char *name)
{
    const char *f = filter;
    int any = 0;
    while (*f) {
        while (*f == ',' || *f == ' ') {
            f++;
        }
        size_t len = 0;
        while (f[len] && f[len] != ',' && f[len] != ' ') {
            len++;
        }
        if (len) {
            any = 1;
            if (glob_match(f, len, name)) {
                return 1;
            }
        }
        f += len;
    }
    return !any;
}

#define MAX_TESTS 512
static const struct ktest *order[MAX_TESTS];
static int rank[MAX_TESTS];

/* Tests in link order of their files, and in source order within a file. */
static int collect(void)
{
    int n = 0;
    for (const struct ktest *t = __start_ktests; t < __stop_ktests && n < MAX_TESTS; t++) {
        int r = n;
        for (int i = 0; i < n; i++) {
            if (strcmp(order[i]->file, t->file) == 0) {
                r = rank[i];
                break;
            }
        }
        int i = n++;
        while (i > 0 && (rank[i - 1] > r || (rank[i - 1] == r && order[i - 1]->line > t->line))) {
            order[i] = order[i - 1];
            rank[i] = rank[i - 1];
            i--;
        }
        order[i] = t;
        rank[i] = r;
    }
    return n;
}

static volatile int thread_result;

/* Body of the test thread: runs one test, then tells the supervisor. */
static void test_thread_main(void *arg)
{
    const struct ktest *t = arg;
    seL4_SetIPCBuffer((seL4_IPCBuffer *)TEST_IPC_VADDR);
    int result = ktest_setjmp(jump_buf);
    if (result == 0) {
        t->fn();
        result = RESULT_PASS;
    }
    thread_result = result;
    seL4_Send(env.done_cap, seL4_MessageInfo_new(0, 0, 0, 0));
    for (;;) {
        seL4_TCB_Suspend(env.self_tcb);
    }
}

/* A fault message from the test thread, in words. */
static void describe_fault(seL4_Word label)
{
    seL4_Word ip = seL4_GetMR(0);
    switch (label) {
    case seL4_Fault_CapFault:
        snprintf(message, sizeof(message),
                 "test thread cap fault at ip 0x%lx: cptr 0x%lx, %s phase, lookup failure %lu", ip,
                 seL4_GetMR(seL4_CapFault_Addr),
                 seL4_GetMR(seL4_CapFault_InRecvPhase) ? "receive" : "send",
                 seL4_GetMR(seL4_CapFault_LookupFailureType));
        break;
    case seL4_Fault_UnknownSyscall:
        snprintf(message, sizeof(message), "test thread made unknown syscall %ld at ip 0x%lx",
                 (long)seL4_GetMR(seL4_UnknownSyscall_Syscall),
                 seL4_GetMR(seL4_UnknownSyscall_FaultIP));
        break;
    case seL4_Fault_UserException:
        snprintf(message, sizeof(message), "test thread exception %lu (code %lu) at ip 0x%lx",
                 seL4_GetMR(seL4_UserException_Number), seL4_GetMR(seL4_UserException_Code), ip);
        break;
    case seL4_Fault_VMFault:
        snprintf(message, sizeof(message),
                 "test thread VM fault at ip 0x%lx: address 0x%lx, %s, FSR 0x%lx", ip,
                 seL4_GetMR(seL4_VMFault_Addr),
                 seL4_GetMR(seL4_VMFault_PrefetchFault) ? "instruction fetch" : "data",
                 seL4_GetMR(seL4_VMFault_FSR));
        break;
    default:
        snprintf(message, sizeof(message), "test thread fault, label %lu, MR0 0x%lx", label, ip);
        break;
    }
}

static int run_one(const struct ktest *t)
{
    message[0] = 0;
    helper_failed = 0;
    thread_result = RESULT_FAIL;
    support_start_test_thread(test_thread_main, (void *)t);
    /* Wait for the end of the test, or a fault of the test thread. */
    seL4_Word badge = 0;
    seL4_MessageInfo_t info;
    do {
        info = seL4_Recv(env.supervisor_ep, &badge);
    } while (badge != SUPERVISOR_BADGE);
    seL4_Word label = seL4_MessageInfo_get_label(info);
    int result = thread_result;
    if (label != 0) {
        result = RESULT_FAIL;
        describe_fault(label);
    }
    if (result == RESULT_PASS && helper_failed) {
        result = RESULT_FAIL;
        strlcpy(message, helper_message, sizeof(message));
    }
#ifdef KTEST_PRODUCTION
    /* Whatever the test made of it, a helper could not do its part. */
    if (helper_needed_call) {
        result = RESULT_SKIP;
        snprintf(message, sizeof(message),
                 "a helper needs %s, which a production kernel "
                 "does not have",
                 helper_needed_call);
        helper_needed_call = 0;
    }
#endif
    support_after_test();
    switch (result) {
    case RESULT_PASS:
        printf("TEST %s ... ok\n", t->name);
        break;
    case RESULT_SKIP:
        printf("TEST %s ... skipped: %s\n", t->name, message);
        break;
    default:
        printf("TEST %s ... FAILED: %s\n", t->name, message);
        break;
    }
    return result;
}

int ktest_run(const char *filter)
{
    support_init();
    int n = collect();
    int counts[3] = {0, 0, 0};
    int selected_count = 0;
    for (int i = 0; i < n; i++) {
        selected_count += selected(filter, order[i]->name);
    }
    printf("kernel test suite: %d of %d tests selected%s%s\n", selected_count, n,
           filter[0] ? " by " : "", filter);
    for (int i = 0; i < n; i++) {
        if (selected(filter, order[i]->name)) {
            counts[run_one(order[i])]++;
        }
    }
    printf("%d passed, %d failed", counts[RESULT_PASS], counts[RESULT_FAIL]);
    if (counts[RESULT_SKIP]) {
        printf(", %d skipped", counts[RESULT_SKIP]);
    }
    printf("\n");
    return counts[RESULT_FAIL] ? 1 : 0;
}
