/*
 * The keys a unikernel's program runtime carries out itself (platform/posix for POSIX
 * programs): its network interfaces, name servers, disks and baked file trees mounted at
 * paths, and its working directory. The root task only checks and passes them on
 * (uk_init.confv), as single-space-separated words in description order, so the runtime
 * never parses anything the description's parser did not accept.
 *
 *   net = IF dhcp | IF ADDR/PREFIX [GATEWAY]   nameserver = ADDR
 *   mount = DEVICE PATH FSTYPE [ro]            tree = DIR PATH
 *   cwd = PATH
 */
#include "sysdesc_parser.h"

#define MAX_PREFIX 32

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

/* A dotted-quad IPv4 address. */
static int is_ipv4(const char *s)
{
    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        while (is_digit(*s) && digits < 4) {
            v = v * 10 + (unsigned)(*s++ - '0');
            digits++;
        }
        if (!digits || digits > 3 || v > 255 || (part < 3 && *s++ != '.')) {
            return 0;
        }
    }
    return *s == 0;
}

/* An interface name as NetBSD makes them: letters then a unit number (vioif0, wm1). */
static int is_interface(const char *s)
{
    const char *p = s;
    while (is_lower(*p)) {
        p++;
    }
    if (p == s || !is_digit(*p)) {
        return 0;
    }
    while (is_digit(*p)) {
        p++;
    }
    return *p == 0 && p - s < 16;
}

/* An absolute path without empty, "." or ".." components, not the root itself. */
static int is_mount_path(const char *s)
{
    if (s[0] != '/' || !s[1] || strlen(s) >= SYSDESC_PATH_MAX) {
        return 0;
    }
    for (const char *c = s; *c; c++) {
        if (*c == '/' && (c[1] == '/' || c[1] == 0 || (c[1] == '.' && (c[2] == '/' || c[2] == 0)) ||
                          (c[1] == '.' && c[2] == '.' && (c[3] == '/' || c[3] == 0)))) {
            return 0;
        }
    }
    return 1;
}

/* The value's words; -1 after reporting if there are fewer than min or more than max. */
static int words(struct sysdesc_parser *p, const char *key, const char *value, char w[][128],
                 int min, int max, const char *form)
{
    int n = 0, r;
    char extra[8];
    while (n < max && (r = sysdesc_next_word(p, &value, w[n], 128)) == 1) {
        n++;
    }
    if (r < 0) {
        return -1;
    }
    if (n < min || (n == max && sysdesc_next_word(p, &value, extra, sizeof(extra)) != 0)) {
        return sysdesc_fail(p, "%s takes %s", key, form);
    }
    return n;
}

/* Stores the item "key w0 w1 ..." (words joined by single spaces). */
static int add_item(struct sysdesc_parser *p, const char *key, char w[][128], int n)
{
    struct sysdesc_unikernel *uk = p->uk;
    char item[SYSDESC_LINE_MAX];
    size_t len = strlen(key);
    memcpy(item, key, len + 1);
    for (int i = 0; i < n; i++) {
        size_t wl = strlen(w[i]);
        if (len + 1 + wl >= sizeof(item)) {
            return sysdesc_fail(p, "%s: value too long", key);
        }
        item[len++] = ' ';
        memcpy(item + len, w[i], wl + 1);
        len += wl;
    }
    if (uk->nconf == SYSDESC_MAX_CONF) {
        return sysdesc_fail(p,
                            "too many net, nameserver, mount, tree and cwd items for '%s' (at "
                            "most %d)",
                            uk->name, SYSDESC_MAX_CONF);
    }
    uk->conf_line[uk->nconf] = p->line;
    return sysdesc_store_string(p, item, &uk->conf[uk->nconf++]);
}

/* The line of an earlier item of `key` whose word `index` is `word`, or 0. */
static unsigned earlier(const struct sysdesc_unikernel *uk, const char *key, unsigned index,
                        const char *word)
{
    for (unsigned i = 0; i < uk->nconf; i++) {
        const char *item = sysdesc_conf(uk, i);
        size_t klen = strlen(key);
        if (strncmp(item, key, klen) || item[klen] != ' ') {
            continue;
        }
        const char *w = item + klen + 1;
        for (unsigned k = 0; k < index && w; k++) {
            w = strchr(w, ' ');
            w = w ? w + 1 : 0;
        }
        size_t wl = strlen(word);
        if (w && !strncmp(w, word, wl) && (w[wl] == ' ' || w[wl] == 0)) {
            return uk->conf_line[i];
        }
    }
    return 0;
}

/* A path nothing else is mounted on (mount and tree share the namespace). */
static int check_mount_point(struct sysdesc_parser *p, const char *path)
{
    if (!is_mount_path(path)) {
        return sysdesc_fail(p,
                            "bad mount point '%s' (an absolute path, not /, without ., .. or "
                            "empty components)",
                            path);
    }
    if (!strcmp(path, "/tmp") || !strcmp(path, "/etc") || !strcmp(path, "/dev")) {
        return sysdesc_fail(p, "%s is the runtime's own (tmpfs, generated files, devices)", path);
    }
    unsigned line = earlier(p->uk, "mount", 1, path);
    line = line ? line : earlier(p->uk, "tree", 1, path);
    if (line) {
        return sysdesc_fail(p, "%s is already a mount point (line %u)", path, line);
    }
    return 0;
}

static int key_net(struct sysdesc_parser *p, const char *key, const char *value)
{
    char w[3][128];
    int n = words(p, key, value, w, 2, 3, "an interface and dhcp or ADDR/PREFIX [GATEWAY]");
    if (n < 0) {
        return -1;
    }
    if (!is_interface(w[0])) {
        return sysdesc_fail(p, "bad interface name '%s' (a driver name and a unit, e.g. vioif0)",
                            w[0]);
    }
    unsigned line = earlier(p->uk, key, 0, w[0]);
    if (line) {
        return sysdesc_fail(p, "interface %s is already configured (line %u)", w[0], line);
    }
    if (!strcmp(w[1], "dhcp")) {
        if (n > 2) {
            return sysdesc_fail(p, "net %s dhcp takes no gateway (DHCP provides it)", w[0]);
        }
        return add_item(p, key, w, n);
    }
    char *prefix = sysdesc_split_at(w[1], '/');
    uint64_t bits;
    if (!prefix || !is_ipv4(w[1]) || sysdesc_parse_number(prefix, 10, &bits) < 0 ||
        bits > MAX_PREFIX) {
        return sysdesc_fail(p,
                            "bad address for %s (dhcp, or an IPv4 ADDR/PREFIX such as "
                            "10.0.2.15/24)",
                            w[0]);
    }
    prefix[-1] = '/';
    if (n > 2 && !is_ipv4(w[2])) {
        return sysdesc_fail(p, "bad gateway '%s' (an IPv4 address)", w[2]);
    }
    return add_item(p, key, w, n);
}

static int key_nameserver(struct sysdesc_parser *p, const char *key, const char *value)
{
    char w[1][128];
    if (words(p, key, value, w, 1, 1, "one IPv4 address") < 0) {
        return -1;
    }
    if (!is_ipv4(w[0])) {
        return sysdesc_fail(p, "bad name server address '%s' (an IPv4 address)", w[0]);
    }
    return add_item(p, key, w, 1);
}

static int key_mount(struct sysdesc_parser *p, const char *key, const char *value)
{
    static const char *const types[] = {"ext2fs", "ffs", "cd9660"};
    char w[4][128];
    int n = words(p, key, value, w, 3, 4, "a disk, a path, a file system type and optionally ro");
    if (n < 0) {
        return -1;
    }
    /* Disks are virtio block devices: ld0 (the whole disk) or ld0a..ld0p (a partition). */
    const char *d = w[0] + 2;
    int unit_digits = 0;
    while (is_digit(d[unit_digits])) {
        unit_digits++;
    }
    const char *part = d + unit_digits;
    if (strncmp(w[0], "ld", 2) || !unit_digits || unit_digits > 2 ||
        (*part && (part[0] < 'a' || part[0] > 'p' || part[1]))) {
        return sysdesc_fail(p,
                            "bad disk '%s' (a virtio disk, ld0 for the whole disk or ld0a.."
                            "ld0p for a partition)",
                            w[0]);
    }
    if (check_mount_point(p, w[1]) < 0) {
        return -1;
    }
    int known = 0;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        known |= !strcmp(w[2], types[i]);
    }
    if (!known) {
        return sysdesc_fail(p, "unknown file system type '%s' (ext2fs, ffs or cd9660)", w[2]);
    }
    if (n == 4 && strcmp(w[3], "ro")) {
        return sysdesc_fail(p, "unknown mount option '%s' (only ro)", w[3]);
    }
    return add_item(p, key, w, n);
}

/* tree = DIR PATH: DIR is carried as file treeN, and the item names that file. */
static int key_tree(struct sysdesc_parser *p, const char *key, const char *value)
{
    char w[2][128], name[SYSDESC_NAME_MAX];
    if (words(p, key, value, w, 2, 2, "a directory to bake in and the path to mount it at") < 0 ||
        check_mount_point(p, w[1]) < 0) {
        return -1;
    }
    unsigned trees = 0;
    for (unsigned i = 0; i < p->uk->nfiles; i++) {
        trees += p->uk->files[i].tree;
    }
    snprintf(name, sizeof(name), "tree%u", trees);
    struct sysdesc_file *f = sysdesc_new_file(p, w[0], name);
    if (!f) {
        return -1;
    }
    f->tree = true;
    memcpy(w[0], name, strlen(name) + 1);
    return add_item(p, key, w, 2);
}

static int key_cwd(struct sysdesc_parser *p, const char *key, const char *value)
{
    char w[1][128];
    if (p->uk->cwd_line) {
        return sysdesc_fail(p, "duplicate key 'cwd' (first on line %u)", p->uk->cwd_line);
    }
    if (words(p, key, value, w, 1, 1, "one absolute path") < 0) {
        return -1;
    }
    if (w[0][0] != '/') {
        return sysdesc_fail(p, "bad working directory '%s' (an absolute path)", w[0]);
    }
    p->uk->cwd_line = p->line;
    return add_item(p, key, w, 1);
}

static const struct {
    const char *name;
    sysdesc_key_parser *parse;
} keys[] = {
    {"net", key_net}, {"nameserver", key_nameserver}, {"mount", key_mount}, {"tree", key_tree},
    {"cwd", key_cwd},
};

sysdesc_key_parser *sysdesc_find_runtime_key(const char *name)
{
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (!strcmp(keys[i].name, name)) {
            return keys[i].parse;
        }
    }
    return 0;
}
