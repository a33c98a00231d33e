/*
 * Checks the runtime's pure functions (printf formatting, strings, TLS) from a root task,
 * on whichever kernel boots it.
 */
#include <runtime.h>

static __thread int tls_initialised = 1234;
static __thread long tls_zeroed;
static int failures;

static void expect_format(const char *got, const char *want, int line)
{
    if (strcmp(got, want) != 0) {
        printf("runtime_check:%d: got \"%s\", want \"%s\"\n", line, got, want);
        failures++;
    }
}

#define EXPECT_FORMAT(want, ...)                   \
    do {                                           \
        char buf_[96];                             \
        snprintf(buf_, sizeof(buf_), __VA_ARGS__); \
        expect_format(buf_, want, __LINE__);       \
    } while (0)

int main(void)
{
    EXPECT_FORMAT("[0xff][0XFF][010][0]", "[%#x][%#X][%#o][%#x]", 255, 255, 8, 0);
    EXPECT_FORMAT("[     005][42   |][+7]", "[%8.3x][%-5d|][%+d]", 5, 42, 7);
    EXPECT_FORMAT("[     0xabc][-9223372036854775808]", "[%#10lx][%ld]", 0xabcul,
                  (long)(-9223372036854775807L - 1));
    EXPECT_FORMAT("[ab][x]", "[%.2s][%c]", "abc", 'x');
    char small[4];
    int n = snprintf(small, sizeof(small), "%d", 123456);
    expect_format(small, "123", __LINE__);
    failures += n != 6;
    failures += strtoul("0x1f", 0, 0) != 31 || strtol("-12", 0, 10) != -12;
    failures += memcmp("abc", "abd", 3) >= 0 || strncmp("abc", "abd", 2) != 0;
    char overlap[8] = "abcdef";
    memmove(overlap + 1, overlap, 5);
    expect_format(overlap, "aabcde", __LINE__);
    failures += tls_initialised != 1234 || tls_zeroed != 0;
    printf("runtime_check: %s\n", failures ? "FAILED" : "ok");
    return failures != 0;
}
