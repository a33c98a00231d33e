/*
 * The keys of a unikernel section: one parser per key, each checking its value and storing
 * it in the unikernel being filled (reference: README.md, "System description reference").
 */
#include "sysdesc_parser.h"

/* A key that may be given once per unikernel: remembers its line, rejects a second one. */
static int once(struct sysdesc_parser *p, const char *key, unsigned *line)
{
    if (*line) {
        return sysdesc_fail(p, "duplicate key '%s' (first on line %u)", key, *line);
    }
    *line = p->line;
    return 0;
}

static int key_image(struct sysdesc_parser *p, const char *key, const char *value)
{
    if (once(p, key, &p->uk->image_line) < 0) {
        return -1;
    }
    return sysdesc_single_word(p, key, value, p->uk->image, sizeof(p->uk->image));
}

static int key_memory(struct sysdesc_parser *p, const char *key, const char *value)
{
    char word[32];
    uint64_t v;
    if (once(p, key, &p->uk->memory_line) < 0 ||
        sysdesc_single_word(p, key, value, word, sizeof(word)) < 0) {
        return -1;
    }
    if (sysdesc_parse_size(word, SYSDESC_MAX_MEMORY, &v) < 0) {
        return sysdesc_fail(
            p, "bad memory size '%s' (a number with an optional K, M, G or T suffix, at most 1T)",
            value);
    }
    if (v < SYSDESC_MIN_MEMORY || (v & 0xfff)) {
        return sysdesc_fail(p, "memory %s must be a multiple of 4K and at least 64K", value);
    }
    p->uk->memory = v;
    return 0;
}

/* A key given at most once whose value is one number in [1, max], stored in *out. */
static int once_number(struct sysdesc_parser *p, const char *key, const char *value, unsigned *line,
                       uint64_t max, unsigned *out)
{
    char word[32];
    uint64_t v;
    if (once(p, key, line) < 0 || sysdesc_single_word(p, key, value, word, sizeof(word)) < 0 ||
        sysdesc_number_in_range(p, key, word, 1, max, &v) < 0) {
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

static int key_priority(struct sysdesc_parser *p, const char *key, const char *value)
{
    return once_number(p, key, value, &p->uk->priority_line, SYSDESC_MAX_PRIORITY,
                       &p->uk->priority);
}

static int key_share(struct sysdesc_parser *p, const char *key, const char *value)
{
    return once_number(p, key, value, &p->uk->share_line, SYSDESC_MAX_SHARE, &p->uk->share);
}

static int key_argv(struct sysdesc_parser *p, const char *key, const char *value)
{
    char word[SYSDESC_LINE_MAX];
    int r;
    if (once(p, key, &p->uk->argv_line) < 0) {
        return -1;
    }
    p->uk->argc = 0;
    while ((r = sysdesc_next_word(p, &value, word, sizeof(word))) == 1) {
        if (p->uk->argc == SYSDESC_MAX_ARGS) {
            return sysdesc_fail(p, "too many arguments (at most %d)", SYSDESC_MAX_ARGS);
        }
        if (sysdesc_store_string(p, word, &p->uk->argv[p->uk->argc++]) < 0) {
            return -1;
        }
    }
    return r;
}

static int key_env(struct sysdesc_parser *p, const char *key, const char *value)
{
    char word[SYSDESC_LINE_MAX];
    if (sysdesc_single_word(p, key, value, word, sizeof(word)) < 0) {
        return -1;
    }
    const char *eq = strchr(word, '=');
    if (!eq || eq == word) {
        return sysdesc_fail(p, "env entry '%s' must be NAME=VALUE", word);
    }
    if (p->uk->envc == SYSDESC_MAX_ARGS) {
        return sysdesc_fail(p, "too many env entries (at most %d)", SYSDESC_MAX_ARGS);
    }
    return sysdesc_store_string(p, word, &p->uk->env[p->uk->envc++]);
}

static struct sysdesc_device *new_device(struct sysdesc_parser *p, enum sysdesc_device_kind kind)
{
    if (p->uk->ndevices == SYSDESC_MAX_DEVICES) {
        sysdesc_fail(p, "too many devices for '%s' (at most %d)", p->uk->name, SYSDESC_MAX_DEVICES);
        return 0;
    }
    struct sysdesc_device *d = &p->uk->devices[p->uk->ndevices++];
    d->kind = kind;
    d->line = p->line;
    return d;
}

static int hex_field(const char *s, unsigned max_digits, uint64_t max, uint64_t *out)
{
    return strlen(s) > max_digits || sysdesc_parse_number(s, 16, out) < 0 || *out > max ? -1 : 0;
}

static int key_pci(struct sysdesc_parser *p, const char *key, const char *value)
{
    char word[32], copy[32];
    if (sysdesc_single_word(p, key, value, word, sizeof(word)) < 0) {
        return -1;
    }
    memcpy(copy, word, sizeof(copy));
    char *second = sysdesc_split_at(copy, ':');
    uint64_t a, b, c;
    if (second && strchr(second, '.')) {
        char *fn = sysdesc_split_at(second, '.');
        if (hex_field(copy, 2, 0xff, &a) < 0 || hex_field(second, 2, 0x1f, &b) < 0 ||
            hex_field(fn, 1, 7, &c) < 0) {
            return sysdesc_fail(
                p, "bad PCI address '%s' (expected BUS:DEV.FN in hex, e.g. 00:03.0)", word);
        }
        struct sysdesc_device *d = new_device(p, SYSDESC_PCI_ADDR);
        if (!d) {
            return -1;
        }
        d->u.addr.bus = (uint8_t)a;
        d->u.addr.dev = (uint8_t)b;
        d->u.addr.fn = (uint8_t)c;
        return 0;
    }
    if (!second || hex_field(copy, 4, 0xffff, &a) < 0 || hex_field(second, 4, 0xffff, &b) < 0) {
        return sysdesc_fail(p, "bad PCI device '%s' (expected VENDOR:DEVICE or BUS:DEV.FN in hex)",
                            word);
    }
    struct sysdesc_device *d = new_device(p, SYSDESC_PCI_ID);
    if (!d) {
        return -1;
    }
    d->u.id.vendor = (uint16_t)a;
    d->u.id.device = (uint16_t)b;
    return 0;
}

static int key_ioports(struct sysdesc_parser *p, const char *key, const char *value)
{
    char word[32], copy[32];
    if (sysdesc_single_word(p, key, value, word, sizeof(word)) < 0) {
        return -1;
    }
    memcpy(copy, word, sizeof(copy));
    char *last_word = sysdesc_split_at(copy, '-');
    uint64_t first, last;
    if (sysdesc_parse_number(copy, 0, &first) < 0 ||
        (last_word ? sysdesc_parse_number(last_word, 0, &last)
                   : sysdesc_parse_number(copy, 0, &last)) < 0 ||
        first > last || last > 0xffff) {
        return sysdesc_fail(p, "bad I/O port range '%s' (expected FIRST-LAST, e.g. 0x2f8-0x2ff)",
                            word);
    }
    const char *user = sysdesc_reserved_ports((unsigned)first, (unsigned)last);
    if (user) {
        return sysdesc_fail(p, "ioports %s: reserved for %s", word, user);
    }
    struct sysdesc_device *d = new_device(p, SYSDESC_IOPORTS);
    if (!d) {
        return -1;
    }
    d->u.ports.first = (uint16_t)first;
    d->u.ports.last = (uint16_t)last;
    return 0;
}

static int key_irq(struct sysdesc_parser *p, const char *key, const char *value)
{
    char word[32];
    uint64_t v;
    if (sysdesc_single_word(p, key, value, word, sizeof(word)) < 0 ||
        sysdesc_number_in_range(p, key, word, 0, 15, &v) < 0) {
        return -1;
    }
    const char *user = sysdesc_reserved_irq((unsigned)v);
    if (user) {
        return sysdesc_fail(p, "irq %s: reserved for %s", word, user);
    }
    struct sysdesc_device *d = new_device(p, SYSDESC_IRQ);
    if (!d) {
        return -1;
    }
    d->u.irq = (uint8_t)v;
    return 0;
}

/* restart = never | on-failure N [quick] | always N [quick] */
static int key_restart(struct sysdesc_parser *p, const char *key, const char *value)
{
    const char *rest = value;
    char policy[32], count[32], option[32], extra[8];
    if (once(p, key, &p->uk->restart_line) < 0 ||
        sysdesc_next_word(p, &rest, policy, sizeof(policy)) < 0) {
        return -1;
    }
    int has_count = sysdesc_next_word(p, &rest, count, sizeof(count));
    int has_option = has_count > 0 ? sysdesc_next_word(p, &rest, option, sizeof(option)) : 0;
    if (has_count < 0 || has_option < 0 || sysdesc_next_word(p, &rest, extra, sizeof(extra)) != 0) {
        return sysdesc_fail(p,
                            "bad restart policy '%s' (never, on-failure N [quick] or always N "
                            "[quick])",
                            value);
    }
    if (!strcmp(policy, "never")) {
        if (has_count) {
            return sysdesc_fail(p, "restart never takes no count");
        }
        p->uk->restart = SYSDESC_RESTART_NEVER;
        return 0;
    }
    if (!strcmp(policy, "on-failure")) {
        p->uk->restart = SYSDESC_RESTART_ON_FAILURE;
    } else if (!strcmp(policy, "always")) {
        p->uk->restart = SYSDESC_RESTART_ALWAYS;
    } else {
        return sysdesc_fail(p, "unknown restart policy '%s' (never, on-failure N or always N)",
                            policy);
    }
    if (!has_count) {
        return sysdesc_fail(p, "restart %s needs a count N (the most restarts)", policy);
    }
    uint64_t n;
    if (sysdesc_number_in_range(p, "restart count", count, 1, SYSDESC_MAX_RESTARTS, &n) < 0) {
        return -1;
    }
    if (has_option && strcmp(option, "quick")) {
        return sysdesc_fail(p, "unknown restart option '%s' (quick: no growing delays)", option);
    }
    p->uk->restart_max = (unsigned)n;
    p->uk->restart_quick = has_option;
    return 0;
}

struct sysdesc_file *sysdesc_new_file(struct sysdesc_parser *p, const char *path, const char *name)
{
    struct sysdesc_unikernel *uk = p->uk;
    size_t n = strlen(name);
    if (n == 0 || n >= SYSDESC_NAME_MAX || strchr(name, '/')) {
        sysdesc_fail(p, "bad file name '%s' (1 to %d characters, no '/')", name,
                     SYSDESC_NAME_MAX - 1);
        return 0;
    }
    if (strlen(path) >= SYSDESC_PATH_MAX) {
        sysdesc_fail(p, "path too long (at most %d characters)", SYSDESC_PATH_MAX - 1);
        return 0;
    }
    for (unsigned i = 0; i < uk->nfiles; i++) {
        if (!strcmp(uk->files[i].name, name)) {
            sysdesc_fail(p, "duplicate file name '%s' (first on line %u)", name, uk->files[i].line);
            return 0;
        }
    }
    if (uk->nfiles == SYSDESC_MAX_FILES) {
        sysdesc_fail(p, "too many files and trees for '%s' (at most %d)", uk->name,
                     SYSDESC_MAX_FILES);
        return 0;
    }
    struct sysdesc_file *f = &uk->files[uk->nfiles++];
    memcpy(f->path, path, strlen(path) + 1);
    memcpy(f->name, name, n + 1);
    f->line = p->line;
    f->tree = false;
    return f;
}

/* file = PATH [NAME]; NAME defaults to PATH's last component. */
static int key_file(struct sysdesc_parser *p, const char *key, const char *value)
{
    char path[SYSDESC_PATH_MAX], name[SYSDESC_PATH_MAX], extra[8];
    int has_name;
    if (sysdesc_next_word(p, &value, path, sizeof(path)) != 1 ||
        (has_name = sysdesc_next_word(p, &value, name, sizeof(name))) < 0) {
        return -1;
    }
    if (sysdesc_next_word(p, &value, extra, sizeof(extra)) != 0) {
        return sysdesc_fail(p, "%s takes a path and an optional name, found more", key);
    }
    if (!has_name) {
        const char *last = path;
        for (const char *c = path; *c; c++) {
            if (*c == '/' && c[1]) {
                last = c + 1;
            }
        }
        memcpy(name, last, strlen(last) + 1);
    }
    return sysdesc_new_file(p, path, name) ? 0 : -1;
}

static const struct {
    const char *name;
    sysdesc_key_parser *parse;
} keys[] = {
    {"image", key_image},     {"memory", key_memory}, {"priority", key_priority},
    {"argv", key_argv},       {"env", key_env},       {"pci", key_pci},
    {"ioports", key_ioports}, {"irq", key_irq},       {"restart", key_restart},
    {"file", key_file},       {"share", key_share},
};

sysdesc_key_parser *sysdesc_find_key(const char *name)
{
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (!strcmp(keys[i].name, name)) {
            return keys[i].parse;
        }
    }
    sysdesc_key_parser *parse = sysdesc_find_runtime_key(name);
    return parse ? parse : sysdesc_find_channel_key(name);
}
