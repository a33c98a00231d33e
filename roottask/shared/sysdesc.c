/*
 * System description parser. Line oriented: "[unikernel NAME]" opens a unikernel's section,
 * "key = value" lines set its properties, '#' starts a comment (outside double quotes).
 * Every problem is reported with the file name and line, and parsing stops at the first.
 * This file reads the structure; sysdesc_keys.c parses the value of each key.
 */
#include "sysdesc_parser.h"

static void format_error(char *err, size_t err_size, const char *file, unsigned line,
                         const char *fmt, va_list ap)
{
    int n = line ? snprintf(err, err_size, "%s:%u: ", file, line)
                 : snprintf(err, err_size, "%s: ", file);
    if (n >= 0 && (size_t)n < err_size) {
        vsnprintf(err + n, err_size - (size_t)n, fmt, ap);
    }
}

void sysdesc_error(const struct sysdesc *desc, unsigned line, char *err, size_t err_size,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    format_error(err, err_size, desc->file, line, fmt, ap);
    va_end(ap);
}

int sysdesc_fail(struct sysdesc_parser *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    format_error(p->err, p->err_size, p->desc->file, p->line, fmt, ap);
    va_end(ap);
    return -1;
}

/* --- Resources the root task keeps ----------------------------------------------------------- */

static const struct {
    unsigned first, last;
    const char *user;
} reserved_ports[] = {
    {0x20, 0x21, "the kernel (the 8259 interrupt controller, which it keeps masked)"},
    {0x40, 0x43, "the root task's timer (PIT)"},
    {0x70, 0x71, "the root task's clock (CMOS RTC)"},
    {0xa0, 0xa1, "the kernel (the second 8259 interrupt controller)"},
    {0xf4, 0xf7, "the QEMU exit device"},
    {0x3f8, 0x3ff, "the system console (COM1)"},
    {0xcf8, 0xcff, "the root task's PCI configuration access"},
};

const char *sysdesc_reserved_ports(unsigned first, unsigned last)
{
    for (size_t i = 0; i < sizeof(reserved_ports) / sizeof(reserved_ports[0]); i++) {
        if (first <= reserved_ports[i].last && last >= reserved_ports[i].first) {
            return reserved_ports[i].user;
        }
    }
    return 0;
}

const char *sysdesc_reserved_irq(unsigned irq)
{
    if (irq == 0) {
        return "the root task's timer (PIT)";
    }
    if (irq == 2) {
        return "the interrupt controller cascade";
    }
    return 0;
}

/* --- Lexical helpers ------------------------------------------------------------------------- */

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static int is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static char *trim(char *s)
{
    while (is_blank(*s)) {
        s++;
    }
    size_t n = strlen(s);
    while (n && is_blank(s[n - 1])) {
        s[--n] = 0;
    }
    return s;
}

/* Cuts the line at a '#' outside double quotes (a backslash escapes the next character). */
static void strip_comment(char *s)
{
    int quoted = 0;
    for (; *s; s++) {
        if (quoted && *s == '\\' && s[1]) {
            s++;
        } else if (*s == '"') {
            quoted = !quoted;
        } else if (*s == '#' && !quoted) {
            *s = 0;
            return;
        }
    }
}

/*
 * Next blank-separated word of *s into out: double quotes group blanks into a word and
 * inside them \" and \\ stand for " and \. Returns 1, 0 at the end, -1 on error.
 */
int sysdesc_next_word(struct sysdesc_parser *p, const char **s, char *out, size_t out_size)
{
    const char *c = *s;
    while (is_blank(*c)) {
        c++;
    }
    if (!*c) {
        return 0;
    }
    size_t n = 0;
    int quoted = 0;
    for (; *c && (quoted || !is_blank(*c)); c++) {
        char ch = *c;
        if (ch == '"') {
            quoted = !quoted;
            continue;
        }
        if (quoted && ch == '\\' && (c[1] == '"' || c[1] == '\\')) {
            ch = *++c;
        }
        if (n + 1 >= out_size) {
            return sysdesc_fail(p, "word too long (at most %zu characters)", out_size - 1);
        }
        out[n++] = ch;
    }
    if (quoted) {
        return sysdesc_fail(p, "unterminated double quote");
    }
    out[n] = 0;
    *s = c;
    return 1;
}

/* The value as exactly one word. */
char *sysdesc_split_at(char *s, char sep)
{
    char *c = strchr(s, sep);
    if (!c) {
        return 0;
    }
    *c = 0;
    return c + 1;
}

int sysdesc_single_word(struct sysdesc_parser *p, const char *key, const char *value, char *out,
                        size_t out_size)
{
    char extra[8];
    if (sysdesc_next_word(p, &value, out, out_size) != 1) {
        return -1;
    }
    int more = sysdesc_next_word(p, &value, extra, sizeof(extra));
    if (more != 0) {
        return more < 0 ? -1 : sysdesc_fail(p, "%s takes one value, found more", key);
    }
    return 0;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Whole-string unsigned number in the given base (0: decimal, or hex with 0x). */
int sysdesc_parse_number(const char *s, unsigned base, uint64_t *out)
{
    if (base == 0) {
        base = 10;
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
            base = 16;
            s += 2;
        }
    }
    if (!*s) {
        return -1;
    }
    uint64_t v = 0;
    for (; *s; s++) {
        int d = digit_value(*s);
        if (d < 0 || (unsigned)d >= base || v > (UINT64_MAX - (unsigned)d) / base) {
            return -1;
        }
        v = v * base + (unsigned)d;
    }
    *out = v;
    return 0;
}

int sysdesc_parse_size(const char *word, uint64_t max, uint64_t *out)
{
    char digits[32];
    size_t n = strlen(word);
    unsigned shift = 0;
    if (n == 0 || n >= sizeof(digits)) {
        return -1;
    }
    memcpy(digits, word, n + 1);
    switch (digits[n - 1]) {
    case 'K':
    case 'k':
        shift = 10;
        break;
    case 'M':
    case 'm':
        shift = 20;
        break;
    case 'G':
    case 'g':
        shift = 30;
        break;
    case 'T':
    case 't':
        shift = 40;
        break;
    }
    if (shift) {
        digits[n - 1] = 0;
    }
    uint64_t v;
    if (sysdesc_parse_number(digits, 0, &v) < 0 || v > (max >> shift)) {
        return -1;
    }
    *out = v << shift;
    return 0;
}

int sysdesc_number_in_range(struct sysdesc_parser *p, const char *key, const char *word,
                            uint64_t min, uint64_t max, uint64_t *out)
{
    if (sysdesc_parse_number(word, 0, out) < 0) {
        return sysdesc_fail(p, "bad number '%s' for %s", word, key);
    }
    if (*out < min || *out > max) {
        return sysdesc_fail(p, "%s %s out of range (%llu..%llu)", key, word,
                            (unsigned long long)min, (unsigned long long)max);
    }
    return 0;
}

int sysdesc_store_string(struct sysdesc_parser *p, const char *s, uint16_t *offset)
{
    struct sysdesc_unikernel *uk = p->uk;
    size_t n = strlen(s) + 1;
    if (uk->strings_used + n > sizeof(uk->strings)) {
        return sysdesc_fail(p, "argv and env of '%s' exceed %zu bytes", uk->name,
                            sizeof(uk->strings));
    }
    memcpy(uk->strings + uk->strings_used, s, n);
    *offset = (uint16_t)uk->strings_used;
    uk->strings_used += (unsigned)n;
    return 0;
}

/* --- Lines and sections ---------------------------------------------------------------------- */

static int valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= SYSDESC_NAME_MAX || !is_alnum(s[0])) {
        return 0;
    }
    for (; *s; s++) {
        if (!is_alnum(*s) && *s != '-' && *s != '_' && *s != '.') {
            return 0;
        }
    }
    return 1;
}

/*
 * Names whose lines the root task prints itself ("roottask: ...", "system: ..."): a
 * unikernel's console lines start with its name, so it must not be able to take these.
 */
const char *sysdesc_reserved_name(const char *name)
{
    static const char *const names[] = {"roottask", "system"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!strcmp(name, names[i])) {
            return names[i];
        }
    }
    return 0;
}

static int section(struct sysdesc_parser *p, char *s)
{
    size_t n = strlen(s);
    if (s[n - 1] != ']') {
        return sysdesc_fail(p, "section header '%s' lacks its closing ']'", s);
    }
    s[n - 1] = 0;
    const char *c = s + 1;
    char kind[16], name[64], extra[8];
    if (sysdesc_next_word(p, &c, kind, sizeof(kind)) != 1 || strcmp(kind, "unikernel") ||
        sysdesc_next_word(p, &c, name, sizeof(name)) != 1 ||
        sysdesc_next_word(p, &c, extra, sizeof(extra)) != 0) {
        return sysdesc_fail(p, "unknown section '[%s]' (expected [unikernel NAME])", s + 1);
    }
    if (!valid_name(name)) {
        return sysdesc_fail(
            p,
            "bad unikernel name '%s' (1 to %d letters, digits, '-', '_', '.', starting "
            "with a letter or digit)",
            name, SYSDESC_NAME_MAX - 1);
    }
    if (sysdesc_reserved_name(name)) {
        return sysdesc_fail(p,
                            "unikernel name '%s' is reserved (the root task's own console lines "
                            "start with it)",
                            name);
    }
    struct sysdesc *d = p->desc;
    for (unsigned i = 0; i < d->count; i++) {
        if (!strcmp(d->uk[i].name, name)) {
            return sysdesc_fail(p, "duplicate unikernel name '%s' (first on line %u)", name,
                                d->uk[i].line);
        }
    }
    if (d->count == SYSDESC_MAX_UNIKERNELS) {
        return sysdesc_fail(p, "too many unikernels (at most %d)", SYSDESC_MAX_UNIKERNELS);
    }
    p->uk = &d->uk[d->count++];
    memset(p->uk, 0, sizeof(*p->uk));
    memcpy(p->uk->name, name, strlen(name) + 1);
    p->uk->line = p->line;
    p->uk->memory = SYSDESC_DEFAULT_MEMORY;
    p->uk->priority = SYSDESC_DEFAULT_PRIORITY;
    return 0;
}

static int key_value(struct sysdesc_parser *p, char *s)
{
    char *value = sysdesc_split_at(s, '=');
    char *key = trim(s);
    if (!value) {
        return sysdesc_fail(p, "expected 'key = value' or '[unikernel NAME]', found '%s'", key);
    }
    value = trim(value);
    sysdesc_key_parser *parse = sysdesc_find_key(key);
    if (!parse) {
        return sysdesc_fail(p, "unknown key '%s'", key);
    }
    if (!p->uk) {
        return sysdesc_fail(p, "key '%s' outside a [unikernel NAME] section", key);
    }
    if (!*value) {
        return sysdesc_fail(p, "key '%s' has no value", key);
    }
    return parse(p, key, value);
}

/* --- Whole-system checks --------------------------------------------------------------------- */

void sysdesc_device_string(const struct sysdesc_device *d, char *buf, size_t size)
{
    switch (d->kind) {
    case SYSDESC_PCI_ID:
        snprintf(buf, size, "pci %04x:%04x", d->u.id.vendor, d->u.id.device);
        break;
    case SYSDESC_PCI_ADDR:
        snprintf(buf, size, "pci %02x:%02x.%x", d->u.addr.bus, d->u.addr.dev, d->u.addr.fn);
        break;
    case SYSDESC_IOPORTS:
        snprintf(buf, size, "ioports 0x%x-0x%x", d->u.ports.first, d->u.ports.last);
        break;
    case SYSDESC_IRQ:
        snprintf(buf, size, "irq %u", d->u.irq);
        break;
    }
}

/* Two entries that would give the same resource twice (PCI entries by how they are written;
 * two spellings of one device are caught by the root task when it finds the devices). */
static int conflicting(const struct sysdesc_device *a, const struct sysdesc_device *b)
{
    if (a->kind != b->kind) {
        return 0;
    }
    switch (a->kind) {
    case SYSDESC_PCI_ID:
        return a->u.id.vendor == b->u.id.vendor && a->u.id.device == b->u.id.device;
    case SYSDESC_PCI_ADDR:
        return a->u.addr.bus == b->u.addr.bus && a->u.addr.dev == b->u.addr.dev &&
               a->u.addr.fn == b->u.addr.fn;
    case SYSDESC_IOPORTS:
        return a->u.ports.first <= b->u.ports.last && b->u.ports.first <= a->u.ports.last;
    case SYSDESC_IRQ:
        return a->u.irq == b->u.irq;
    }
    return 0;
}

static int check_system(struct sysdesc_parser *p)
{
    struct sysdesc *d = p->desc;
    if (d->count == 0) {
        p->line = 0;
        return sysdesc_fail(p, "no unikernels (add a [unikernel NAME] section)");
    }
    unsigned shared = 0;
    for (unsigned i = 0; i < d->count; i++) {
        struct sysdesc_unikernel *uk = &d->uk[i];
        if (uk->share && ++shared > SYSDESC_MAX_SHARED) {
            p->line = uk->share_line;
            return sysdesc_fail(p,
                                "too many unikernels with a share (at most %d: one domain each, "
                                "domain 0 is the root task's)",
                                SYSDESC_MAX_SHARED);
        }
        if (!uk->image_line) {
            p->line = uk->line;
            return sysdesc_fail(p, "unikernel '%s' has no image (add 'image = FILE')", uk->name);
        }
        if (uk->argc == 0) {
            p->uk = uk;
            p->line = uk->line;
            if (sysdesc_store_string(p, uk->name, &uk->argv[0]) < 0) {
                return -1;
            }
            uk->argc = 1;
        }
        for (unsigned j = 0; j < uk->ndevices; j++) {
            /* Compare with every earlier entry, in this unikernel and the ones before it. */
            for (unsigned k = 0; k <= i; k++) {
                const struct sysdesc_unikernel *other = &d->uk[k];
                unsigned end = k == i ? j : other->ndevices;
                for (unsigned m = 0; m < end; m++) {
                    if (conflicting(&uk->devices[j], &other->devices[m])) {
                        char mine[48], theirs[48];
                        sysdesc_device_string(&uk->devices[j], mine, sizeof(mine));
                        sysdesc_device_string(&other->devices[m], theirs, sizeof(theirs));
                        p->line = uk->devices[j].line;
                        return sysdesc_fail(p, "%s: already granted (%s to '%s' on line %u)", mine,
                                            theirs, other->name, other->devices[m].line);
                    }
                }
            }
        }
    }
    return sysdesc_check_channels(p);
}

int sysdesc_parse(struct sysdesc *out, const char *file, const char *text, size_t len, char *err,
                  size_t err_size)
{
    struct sysdesc_parser p = {.desc = out, .err = err, .err_size = err_size};
    char line[SYSDESC_LINE_MAX + 1];
    size_t pos = 0;

    memset(out, 0, sizeof(*out));
    size_t flen = strlen(file);
    if (flen >= sizeof(out->file)) {
        file += flen - (sizeof(out->file) - 1); /* keep the tail: it names the file */
    }
    memcpy(out->file, file, strlen(file) + 1);

    while (pos < len) {
        p.line++;
        size_t n = 0;
        for (; pos < len && text[pos] != '\n'; pos++) {
            char c = text[pos];
            if ((unsigned char)c < 0x20 && c != '\t' && c != '\r') {
                return sysdesc_fail(&p, "unexpected control character 0x%02x", (unsigned char)c);
            }
            if (n == SYSDESC_LINE_MAX) {
                return sysdesc_fail(&p, "line too long (at most %d characters)", SYSDESC_LINE_MAX);
            }
            line[n++] = c;
        }
        pos++; /* the newline */
        line[n] = 0;
        strip_comment(line);
        char *s = trim(line);
        if (!*s) {
            continue;
        }
        if ((*s == '[' ? section(&p, s) : key_value(&p, s)) < 0) {
            return -1;
        }
    }
    return check_system(&p);
}
