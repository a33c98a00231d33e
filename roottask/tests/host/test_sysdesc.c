/*
 * Host unit tests of the system description parser (roottask/shared/sysdesc.c): a good
 * description read back field by field, then a table of bad ones, each with the exact
 * message (file, line, problem) it must produce.
 */
#include "sysdesc.h"
#include "host_check.h"

static struct sysdesc desc;

static int parse(const char *text, char *err)
{
    return sysdesc_parse(&desc, "t.system", text, strlen(text), err, SYSDESC_ERROR_MAX);
}

static void good_description(void)
{
    static const char text[] = "# comment line\n"
                               "[unikernel web]   # a comment after a header\n"
                               "image    = web.elf\n"
                               "memory   = 64M\n"
                               "priority = 120\n"
                               "argv     = httpd -p 80 \"a # not a comment\" \"say \\\"hi\\\"\"\n"
                               "env      = HOME=/\n"
                               "env      = \"MOTD=hello world\"\n"
                               "pci      = 8086:100e\n"
                               "pci      = 00:04.0\n"
                               "ioports  = 0x2f8-0x2ff\n"
                               "irq      = 3\n"
                               "restart  = on-failure 3\n"
                               "file     = disks/root.img\n"
                               "\n"
                               "\t[unikernel db-2.x]\n"
                               "  image = images/db.elf\r\n"
                               "  memory = 4096k\n"
                               "  restart = always 7 quick\n"
                               "  file = etc/motd.txt greeting\n"
                               "  share = 3\n";
    char err[SYSDESC_ERROR_MAX] = "";
    char buf[64];
    int ok = parse(text, err) == 0;
    host_check(ok, "a good description parses", err);
    if (!ok) {
        return;
    }
    const struct sysdesc_unikernel *w = &desc.uk[0], *d = &desc.uk[1];
    host_check(desc.count == 2, "two unikernels", 0);
    host_check_string("first name", w->name, "web");
    host_check_string("image", w->image, "web.elf");
    host_check(w->memory == 64ul << 20, "memory 64M", 0);
    host_check(w->priority == 120, "priority", 0);
    host_check(w->argc == 5, "argv has 5 words", 0);
    host_check_string("argv[0]", sysdesc_arg(w, 0), "httpd");
    host_check_string("argv[3] keeps a quoted '#'", sysdesc_arg(w, 3), "a # not a comment");
    host_check_string("argv[4] unescapes quotes", sysdesc_arg(w, 4), "say \"hi\"");
    host_check(w->envc == 2, "two env entries", 0);
    host_check_string("env[1] quoted", sysdesc_env(w, 1), "MOTD=hello world");
    host_check(w->ndevices == 4, "four device entries", 0);
    sysdesc_device_string(&w->devices[0], buf, sizeof(buf));
    host_check_string("pci by id", buf, "pci 8086:100e");
    sysdesc_device_string(&w->devices[1], buf, sizeof(buf));
    host_check_string("pci by address", buf, "pci 00:04.0");
    sysdesc_device_string(&w->devices[2], buf, sizeof(buf));
    host_check_string("ioports", buf, "ioports 0x2f8-0x2ff");
    sysdesc_device_string(&w->devices[3], buf, sizeof(buf));
    host_check_string("irq", buf, "irq 3");
    host_check(w->devices[2].line == 11, "device lines are kept", 0);
    host_check(w->restart == SYSDESC_RESTART_ON_FAILURE && w->restart_max == 3 && !w->restart_quick,
               "restart", 0);
    host_check_string("second name", d->name, "db-2.x");
    host_check(d->memory == 4ul << 20, "memory 4096k", 0);
    host_check(d->priority == SYSDESC_DEFAULT_PRIORITY, "default priority", 0);
    host_check(d->argc == 1 && !strcmp(sysdesc_arg(d, 0), "db-2.x"), "argv defaults to the name",
               0);
    host_check(d->restart == SYSDESC_RESTART_ALWAYS && d->restart_max == 7 && d->restart_quick,
               "restart always, quick", 0);
    host_check(d->share == 3 && d->share_line == 21 && w->share == 0, "a share, and none", 0);
    host_check(d->line == 16 && d->image_line == 17, "section and key lines", 0);
    host_check(w->nfiles == 1 && !strcmp(w->files[0].path, "disks/root.img") &&
                   !strcmp(w->files[0].name, "root.img") && w->files[0].line == 14,
               "a file named after its path", 0);
    host_check(d->nfiles == 1 && !strcmp(d->files[0].name, "greeting"), "a file with a name", 0);
}

static void defaults(void)
{
    char err[SYSDESC_ERROR_MAX] = "";
    int ok = parse("[unikernel a]\nimage=a.elf\n", err) == 0;
    host_check(ok, "a minimal description parses", err);
    host_check(ok && desc.uk[0].memory == SYSDESC_DEFAULT_MEMORY &&
                   desc.uk[0].restart == SYSDESC_RESTART_NEVER && desc.uk[0].ndevices == 0,
               "defaults: 16M, restart never, no devices", 0);
    /* The limits are inclusive: what the messages call "at most" is accepted. */
    ok = parse("[unikernel a]\nimage=a.elf\nmemory = 1T\n", err) == 0;
    host_check(ok && desc.uk[0].memory == SYSDESC_MAX_MEMORY, "memory = 1T (the most)", err);
    ok = parse("[unikernel a]\nimage=a.elf\nmemory = 1024g\n", err) == 0;
    host_check(ok && desc.uk[0].memory == SYSDESC_MAX_MEMORY, "memory = 1024g", err);
    ok = parse("[unikernel a]\nimage=a.elf\nmemory = 64K\n", err) == 0;
    host_check(ok && desc.uk[0].memory == SYSDESC_MIN_MEMORY, "memory = 64K (the least)", err);
    ok = parse("[unikernel a]\nimage=a.elf\nioports = 0x22-0x3f\n", err) == 0;
    host_check(ok, "ports right after the interrupt controller's", err);
}

/* The items a program runtime carries out, passed on as normalised lines. */
static void runtime_items(void)
{
    static const char text[] = "[unikernel web]\n"
                               "image = web.elf\n"
                               "net = vioif0   dhcp\n"
                               "net = wm0 10.0.2.15/24 10.0.2.2\n"
                               "nameserver = 10.0.2.3\n"
                               "mount = ld0 /data ext2fs\n"
                               "mount = ld1a /backup ffs ro\n"
                               "file = motd.txt\n"
                               "tree = site/html /var/www\n"
                               "tree = conf /etc-nginx\n"
                               "cwd = /var/www\n";
    char err[SYSDESC_ERROR_MAX] = "";
    int ok = parse(text, err) == 0;
    host_check(ok, "net, nameserver, mount, tree and cwd parse", err);
    if (!ok) {
        return;
    }
    static const char *const want[] = {
        "net vioif0 dhcp",           "net wm0 10.0.2.15/24 10.0.2.2",
        "nameserver 10.0.2.3",       "mount ld0 /data ext2fs",
        "mount ld1a /backup ffs ro", "tree tree0 /var/www",
        "tree tree1 /etc-nginx",     "cwd /var/www",
    };
    const struct sysdesc_unikernel *u = &desc.uk[0];
    host_check(u->nconf == 8, "eight items", 0);
    for (unsigned i = 0; i < 8 && i < u->nconf; i++) {
        host_check_string("an item, words joined by single spaces", sysdesc_conf(u, i), want[i]);
    }
    host_check(u->conf_line[1] == 4, "item lines are kept", 0);
    host_check(u->nfiles == 3 && !u->files[0].tree && u->files[1].tree &&
                   !strcmp(u->files[1].path, "site/html") && !strcmp(u->files[1].name, "tree0") &&
                   !strcmp(u->files[2].name, "tree1"),
               "trees are carried files named tree0, tree1", 0);
}

/* Channels: sizes, the server resolved, and each unikernel's ends in the root task's order. */
static void channels(void)
{
    static const char text[] = "[unikernel c1]\n"
                               "image = c.elf\n"
                               "channel = fs 8K\n"
                               "channel = net\n"
                               "[unikernel net]\n"
                               "image = net.elf\n"
                               "channel = fs 2M   # a server may be a client of another\n"
                               "[unikernel fs]\n"
                               "image = fs.elf\n"
                               "[unikernel c2]\n"
                               "image = c.elf\n"
                               "channel = net 0x10000\n";
    char err[SYSDESC_ERROR_MAX] = "";
    int ok = parse(text, err) == 0;
    host_check(ok, "channels parse", err);
    if (!ok) {
        return;
    }
    const struct sysdesc_unikernel *c1 = &desc.uk[0];
    host_check(c1->nchannels == 2 && !strcmp(c1->channels[0].server, "fs") &&
                   c1->channels[0].size == 8192 && c1->channels[0].server_index == 2 &&
                   c1->channels[0].line == 3,
               "a channel with a size", 0);
    host_check(c1->channels[1].size == SYSDESC_CHANNEL_DEFAULT_SIZE &&
                   c1->channels[1].server_index == 1,
               "a channel of the default size", 0);
    struct sysdesc_channel_end ends[SYSDESC_MAX_CHANNELS];
    unsigned n = sysdesc_channel_ends(&desc, 1, ends);
    host_check(n == 3 && !ends[0].is_server && ends[0].server == 2 && ends[1].is_server &&
                   ends[1].client == 0 && ends[2].is_server && ends[2].client == 3 &&
                   ends[2].channel->size == 0x10000,
               "a unikernel's ends: its own channels, then those it serves", 0);
    n = sysdesc_channel_ends(&desc, 2, ends);
    host_check(n == 2 && ends[0].client == 0 && ends[1].client == 1 &&
                   ends[1].channel->size == (2ul << 20),
               "the ends of a server only", 0);
}

/* Seventeen clients of one server: one end too many for it. */
static void too_many_ends(void)
{
    static char text[4096];
    size_t used = (size_t)snprintf(text, sizeof(text), "[unikernel s]\nimage = s.elf\n");
    for (int i = 0; i <= SYSDESC_MAX_CHANNELS; i++) {
        used += (size_t)snprintf(text + used, sizeof(text) - used,
                                 "[unikernel c%d]\nimage = c.elf\nchannel = s\n", i);
    }
    char err[SYSDESC_ERROR_MAX] = "";
    host_check(parse(text, err) < 0 &&
                   !strcmp(err, "t.system:1: 's' is an end of more than 16 channels"),
               "rejects: a server with 17 clients", err);
}

static const struct {
    const char *what, *text, *error;
} bad[] = {
    {"a bad interface name", "[unikernel a]\nimage = a.elf\nnet = eth dhcp\n",
     "t.system:3: bad interface name 'eth' (a driver name and a unit, e.g. vioif0)"},
    {"an interface twice", "[unikernel a]\nimage = a.elf\nnet = wm0 dhcp\nnet = wm0 dhcp\n",
     "t.system:4: interface wm0 is already configured (line 3)"},
    {"an address without a prefix", "[unikernel a]\nimage = a.elf\nnet = wm0 10.0.2.15\n",
     "t.system:3: bad address for wm0 (dhcp, or an IPv4 ADDR/PREFIX such as 10.0.2.15/24)"},
    {"a prefix too long", "[unikernel a]\nimage = a.elf\nnet = wm0 10.0.2.15/33\n",
     "t.system:3: bad address for wm0 (dhcp, or an IPv4 ADDR/PREFIX such as 10.0.2.15/24)"},
    {"an address out of range", "[unikernel a]\nimage = a.elf\nnet = wm0 10.0.2.256/24\n",
     "t.system:3: bad address for wm0 (dhcp, or an IPv4 ADDR/PREFIX such as 10.0.2.15/24)"},
    {"a bad gateway", "[unikernel a]\nimage = a.elf\nnet = wm0 10.0.2.15/24 gw\n",
     "t.system:3: bad gateway 'gw' (an IPv4 address)"},
    {"a gateway with dhcp", "[unikernel a]\nimage = a.elf\nnet = wm0 dhcp 10.0.2.2\n",
     "t.system:3: net wm0 dhcp takes no gateway (DHCP provides it)"},
    {"net with one word", "[unikernel a]\nimage = a.elf\nnet = wm0\n",
     "t.system:3: net takes an interface and dhcp or ADDR/PREFIX [GATEWAY]"},
    {"a name server by name", "[unikernel a]\nimage = a.elf\nnameserver = dns.example\n",
     "t.system:3: bad name server address 'dns.example' (an IPv4 address)"},
    {"a disk that is no virtio disk", "[unikernel a]\nimage = a.elf\nmount = sd0 /d ffs\n",
     "t.system:3: bad disk 'sd0' (a virtio disk, ld0 for the whole disk or ld0a..ld0p for a "
     "partition)"},
    {"a partition beyond p", "[unikernel a]\nimage = a.elf\nmount = ld0q /d ffs\n",
     "t.system:3: bad disk 'ld0q' (a virtio disk, ld0 for the whole disk or ld0a..ld0p for a "
     "partition)"},
    {"an unknown file system", "[unikernel a]\nimage = a.elf\nmount = ld0 /d zfs\n",
     "t.system:3: unknown file system type 'zfs' (ext2fs, ffs or cd9660)"},
    {"an unknown mount option", "[unikernel a]\nimage = a.elf\nmount = ld0 /d ffs rw\n",
     "t.system:3: unknown mount option 'rw' (only ro)"},
    {"a relative mount point", "[unikernel a]\nimage = a.elf\nmount = ld0 data ffs\n",
     "t.system:3: bad mount point 'data' (an absolute path, not /, without ., .. or empty "
     "components)"},
    {"a mount point with ..", "[unikernel a]\nimage = a.elf\nmount = ld0 /a/../b ffs\n",
     "t.system:3: bad mount point '/a/../b' (an absolute path, not /, without ., .. or empty "
     "components)"},
    {"the root as mount point", "[unikernel a]\nimage = a.elf\ntree = t /\n",
     "t.system:3: bad mount point '/' (an absolute path, not /, without ., .. or empty "
     "components)"},
    {"a mount on /tmp", "[unikernel a]\nimage = a.elf\nmount = ld0 /tmp ffs\n",
     "t.system:3: /tmp is the runtime's own (tmpfs, generated files, devices)"},
    {"a tree and a disk on one path",
     "[unikernel a]\nimage = a.elf\nmount = ld0 /d ffs\ntree = t /d\n",
     "t.system:4: /d is already a mount point (line 3)"},
    {"a tree with one word", "[unikernel a]\nimage = a.elf\ntree = html\n",
     "t.system:3: tree takes a directory to bake in and the path to mount it at"},
    {"two working directories", "[unikernel a]\nimage = a.elf\ncwd = /a\ncwd = /b\n",
     "t.system:4: duplicate key 'cwd' (first on line 3)"},
    {"a relative working directory", "[unikernel a]\nimage = a.elf\ncwd = www\n",
     "t.system:3: bad working directory 'www' (an absolute path)"},
    {"unknown key", "[unikernel a]\nimage = a.elf\nimgae = b.elf\n",
     "t.system:3: unknown key 'imgae'"},
    {"missing image", "[unikernel a]\nmemory = 8M\n",
     "t.system:1: unikernel 'a' has no image (add 'image = FILE')"},
    {"bad memory number", "[unikernel a]\nimage = a.elf\nmemory = 12x\n",
     "t.system:3: bad memory size '12x' (a number with an optional K, M, G or T suffix, at most "
     "1T)"},
    {"memory beyond the limit", "[unikernel a]\nimage = a.elf\nmemory = 2048G\n",
     "t.system:3: bad memory size '2048G' (a number with an optional K, M, G or T suffix, at most "
     "1T)"},
    {"memory beyond 1T", "[unikernel a]\nimage = a.elf\nmemory = 1025G\n",
     "t.system:3: bad memory size '1025G' (a number with an optional K, M, G or T suffix, at most "
     "1T)"},
    {"memory not in pages", "[unikernel a]\nimage = a.elf\nmemory = 100000\n",
     "t.system:3: memory 100000 must be a multiple of 4K and at least 64K"},
    {"bad priority number", "[unikernel a]\nimage = a.elf\npriority = ten\n",
     "t.system:3: bad number 'ten' for priority"},
    {"priority of the root task", "[unikernel a]\nimage = a.elf\npriority = 255\n",
     "t.system:3: priority 255 out of range (1..254)"},
    {"number overflow", "[unikernel a]\nimage = a.elf\npriority = 99999999999999999999999\n",
     "t.system:3: bad number '99999999999999999999999' for priority"},
    {"duplicate name", "[unikernel a]\nimage = a.elf\n\n[unikernel a]\nimage = b.elf\n",
     "t.system:4: duplicate unikernel name 'a' (first on line 1)"},
    {"duplicate key", "[unikernel a]\nimage = a.elf\nmemory = 8M\nmemory = 9M\n",
     "t.system:4: duplicate key 'memory' (first on line 3)"},
    {"device granted twice",
     "[unikernel a]\nimage = a.elf\npci = 8086:100e\n[unikernel b]\n"
     "image = b.elf\npci = 8086:100e\n",
     "t.system:6: pci 8086:100e: already granted (pci 8086:100e to 'a' on line 3)"},
    {"same device twice in one unikernel",
     "[unikernel a]\nimage = a.elf\npci = 00:03.0\npci = 00:03.0\n",
     "t.system:4: pci 00:03.0: already granted (pci 00:03.0 to 'a' on line 3)"},
    {"overlapping ports",
     "[unikernel a]\nimage = a.elf\nioports = 0x2f0-0x2f8\n[unikernel b]\n"
     "image = b.elf\nioports = 0x2f8-0x2ff\n",
     "t.system:6: ioports 0x2f8-0x2ff: already granted (ioports 0x2f0-0x2f8 to 'a' on line 3)"},
    {"irq granted twice",
     "[unikernel a]\nimage = a.elf\nirq = 5\n[unikernel b]\nimage = b.elf\n"
     "irq = 5\n",
     "t.system:6: irq 5: already granted (irq 5 to 'a' on line 3)"},
    {"PCI configuration ports", "[unikernel a]\nimage = a.elf\nioports = 0xcf8-0xcff\n",
     "t.system:3: ioports 0xcf8-0xcff: reserved for the root task's PCI configuration access"},
    {"the interrupt controller's ports (the kernel keeps them)",
     "[unikernel a]\nimage = a.elf\nioports = 0x20-0x21\n",
     "t.system:3: ioports 0x20-0x21: reserved for the kernel (the 8259 interrupt controller, which "
     "it keeps masked)"},
    {"the second interrupt controller's ports",
     "[unikernel a]\nimage = a.elf\nioports = 0x9f-0xa0\n",
     "t.system:3: ioports 0x9f-0xa0: reserved for the kernel (the second 8259 interrupt "
     "controller)"},
    {"a unikernel named like the root task", "[unikernel roottask]\nimage = a.elf\n",
     "t.system:1: unikernel name 'roottask' is reserved (the root task's own console lines start "
     "with it)"},
    {"a unikernel named like the summary line", "[unikernel system]\nimage = a.elf\n",
     "t.system:1: unikernel name 'system' is reserved (the root task's own console lines start "
     "with it)"},
    {"the console's ports", "[unikernel a]\nimage = a.elf\nioports = 0x3f8\n",
     "t.system:3: ioports 0x3f8: reserved for the system console (COM1)"},
    {"bad port range", "[unikernel a]\nimage = a.elf\nioports = 0x300-0x2ff\n",
     "t.system:3: bad I/O port range '0x300-0x2ff' (expected FIRST-LAST, e.g. 0x2f8-0x2ff)"},
    {"port beyond 16 bits", "[unikernel a]\nimage = a.elf\nioports = 0x10000-0x10001\n",
     "t.system:3: bad I/O port range '0x10000-0x10001' (expected FIRST-LAST, e.g. 0x2f8-0x2ff)"},
    {"the timer's irq", "[unikernel a]\nimage = a.elf\nirq = 0\n",
     "t.system:3: irq 0: reserved for the root task's timer (PIT)"},
    {"irq out of range", "[unikernel a]\nimage = a.elf\nirq = 16\n",
     "t.system:3: irq 16 out of range (0..15)"},
    {"bad pci id", "[unikernel a]\nimage = a.elf\npci = 8086-100e\n",
     "t.system:3: bad PCI device '8086-100e' (expected VENDOR:DEVICE or BUS:DEV.FN in hex)"},
    {"bad pci address", "[unikernel a]\nimage = a.elf\npci = 00:20.0\n",
     "t.system:3: bad PCI address '00:20.0' (expected BUS:DEV.FN in hex, e.g. 00:03.0)"},
    {"key outside a section", "image = a.elf\n",
     "t.system:1: key 'image' outside a [unikernel NAME] section"},
    {"unknown section", "[machine x]\n",
     "t.system:1: unknown section '[machine x]' (expected [unikernel NAME])"},
    {"unclosed section", "[unikernel a\n",
     "t.system:1: section header '[unikernel a' lacks its closing ']'"},
    {"bad name", "[unikernel -a]\n",
     "t.system:1: bad unikernel name '-a' (1 to 31 letters, digits, '-', '_', '.', starting "
     "with a letter or digit)"},
    {"no value", "[unikernel a]\nimage =\n", "t.system:2: key 'image' has no value"},
    {"no equals sign", "[unikernel a]\nimage a.elf\n",
     "t.system:2: expected 'key = value' or '[unikernel NAME]', found 'image a.elf'"},
    {"two images", "[unikernel a]\nimage = a.elf b.elf\n",
     "t.system:2: image takes one value, found more"},
    {"unterminated quote", "[unikernel a]\nimage = a.elf\nargv = a \"b\n",
     "t.system:3: unterminated double quote"},
    {"env without a name", "[unikernel a]\nimage = a.elf\nenv = =x\n",
     "t.system:3: env entry '=x' must be NAME=VALUE"},
    {"unknown restart policy", "[unikernel a]\nimage = a.elf\nrestart = sometimes\n",
     "t.system:3: unknown restart policy 'sometimes' (never, on-failure N or always N)"},
    {"restart without a count", "[unikernel a]\nimage = a.elf\nrestart = always\n",
     "t.system:3: restart always needs a count N (the most restarts)"},
    {"share zero", "[unikernel a]\nimage = a.elf\nshare = 0\n",
     "t.system:3: share 0 out of range (1..100)"},
    {"share too large", "[unikernel a]\nimage = a.elf\nshare = 101\n",
     "t.system:3: share 101 out of range (1..100)"},
    {"share twice", "[unikernel a]\nimage = a.elf\nshare = 1\nshare = 2\n",
     "t.system:4: duplicate key 'share' (first on line 3)"},
    {"a sixteenth share",
     "[unikernel a]\nimage=a\nshare=1\n[unikernel b]\nimage=a\nshare=1\n[unikernel c]\nimage=a\n"
     "share=1\n[unikernel d]\nimage=a\nshare=1\n[unikernel e]\nimage=a\nshare=1\n[unikernel "
     "f]\nimage=a\nshare=1\n[unikernel g]\nimage=a\nshare=1\n[unikernel h]\nimage=a\nshare=1\n"
     "[unikernel i]\nimage=a\nshare=1\n[unikernel j]\nimage=a\nshare=1\n[unikernel "
     "k]\nimage=a\nshare=1\n[unikernel l]\nimage=a\nshare=1\n[unikernel m]\nimage=a\nshare=1\n"
     "[unikernel n]\nimage=a\nshare=1\n[unikernel o]\nimage=a\nshare=1\n[unikernel "
     "p]\nimage=a\nshare=1\n",
     "t.system:48: too many unikernels with a share (at most 15: one domain each, domain 0 is the "
     "root task's)"},
    {"restart count zero", "[unikernel a]\nimage = a.elf\nrestart = on-failure 0\n",
     "t.system:3: restart count 0 out of range (1..1000)"},
    {"unknown restart option", "[unikernel a]\nimage = a.elf\nrestart = always 3 soon\n",
     "t.system:3: unknown restart option 'soon' (quick: no growing delays)"},
    {"restart never quick", "[unikernel a]\nimage = a.elf\nrestart = never quick\n",
     "t.system:3: restart never takes no count"},
    {"restart with too many words", "[unikernel a]\nimage = a.elf\nrestart = always 3 quick x\n",
     "t.system:3: bad restart policy 'always 3 quick x' (never, on-failure N [quick] or always N "
     "[quick])"},
    {"control character", "[unikernel a]\nimage = a\001.elf\n",
     "t.system:2: unexpected control character 0x01"},
    {"two files with one name", "[unikernel a]\nimage = a.elf\nfile = x/disk\nfile = y/disk\n",
     "t.system:4: duplicate file name 'disk' (first on line 3)"},
    {"a file name with a slash", "[unikernel a]\nimage = a.elf\nfile = disk.img dev/disk\n",
     "t.system:3: bad file name 'dev/disk' (1 to 31 characters, no '/')"},
    {"a file with three words", "[unikernel a]\nimage = a.elf\nfile = a b c\n",
     "t.system:3: file takes a path and an optional name, found more"},
    {"a channel to nobody", "[unikernel a]\nimage = a.elf\nchannel = b\n",
     "t.system:3: channel to 'b': no such unikernel"},
    {"a channel to itself", "[unikernel a]\nimage = a.elf\nchannel = a\n",
     "t.system:3: channel to 'a': a unikernel cannot be its own server"},
    {"two channels to one server",
     "[unikernel a]\nimage = a.elf\nchannel = b\nchannel = b 8K\n[unikernel b]\nimage = b.elf\n",
     "t.system:4: duplicate channel to 'b' (first on line 3)"},
    {"a channel too large", "[unikernel a]\nimage = a.elf\nchannel = b 4M\n",
     "t.system:3: channel size 4M too large (at most 2048K)"},
    {"a channel not in pages", "[unikernel a]\nimage = a.elf\nchannel = b 5000\n",
     "t.system:3: channel size 5000 must be a multiple of 4K"},
    {"a channel of size zero", "[unikernel a]\nimage = a.elf\nchannel = b 0\n",
     "t.system:3: channel size 0 must be a multiple of 4K"},
    {"a bad channel size", "[unikernel a]\nimage = a.elf\nchannel = b big\n",
     "t.system:3: bad channel size 'big' (a number with an optional K, M or G)"},
    {"a channel with three words", "[unikernel a]\nimage = a.elf\nchannel = b 8K x\n",
     "t.system:3: channel takes a server and an optional size, found more"},
    {"two unikernels serving each other",
     "[unikernel a]\nimage = a.elf\nchannel = b\n[unikernel b]\nimage = b.elf\nchannel = a\n",
     "t.system:3: channel to 'b' makes a cycle (a -> b -> a): a server may not be a client of "
     "its own clients"},
    {"a longer cycle",
     "[unikernel a]\nimage = a.elf\n[unikernel b]\nimage = b.elf\nchannel = c\n"
     "[unikernel c]\nimage = c.elf\nchannel = d\n[unikernel d]\nimage = d.elf\nchannel = b\n",
     "t.system:5: channel to 'c' makes a cycle (b -> c -> d -> b): a server may not be a client "
     "of its own clients"},
    {"nothing in it", "# only a comment\n\n",
     "t.system: no unikernels (add a [unikernel NAME] section)"},
};

static void bad_descriptions(void)
{
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char err[SYSDESC_ERROR_MAX] = "";
        char what[96];
        snprintf(what, sizeof(what), "rejects: %s", bad[i].what);
        if (parse(bad[i].text, err) == 0) {
            host_check(0, what, "it parsed");
        } else {
            host_check_string(what, err, bad[i].error);
        }
    }
}

static void long_line(void)
{
    static char text[SYSDESC_LINE_MAX + 64];
    char err[SYSDESC_ERROR_MAX] = "";
    memset(text, 'x', sizeof(text) - 2);
    memcpy(text, "[unikernel a]\nargv = ", 21);
    text[sizeof(text) - 2] = '\n';
    host_check(parse(text, err) < 0 && strstr(err, "t.system:2: line too long") == err,
               "rejects: a line too long", err);
}

/*
 * Random damage to a good description: every result must be a parse or a message naming
 * the file (the build runs this under AddressSanitizer, which catches any stray access).
 */
static void mutations(void)
{
    static const char good[] = "[unikernel web]\nimage = web.elf\nmemory = 64M\n"
                               "argv = a \"b c\" d\nenv = X=1\npci = 8086:100e\n"
                               "ioports = 0x2f8-0x2ff\nirq = 3\nrestart = always 2\n"
                               "[unikernel db]\nimage = db.elf\npci = 00:04.0\n";
    static const char alphabet[] = "[]=\"#\\\n\t -:.0x9aFGKM\001unikernel";
    unsigned parsed = 0, rejected = 0, bad = 0;
    for (int round = 0; round < 20000; round++) {
        char text[sizeof(good)], err[SYSDESC_ERROR_MAX] = "";
        memcpy(text, good, sizeof(good));
        for (unsigned k = 1 + host_random(4); k > 0; k--) {
            text[host_random(sizeof(good) - 1)] = alphabet[host_random(sizeof(alphabet) - 1)];
        }
        if (sysdesc_parse(&desc, "t.system", text, host_random(sizeof(good)), err, sizeof(err)) ==
            0) {
            parsed++;
        } else if (!strncmp(err, "t.system", 8)) {
            rejected++;
        } else {
            bad++;
        }
    }
    char detail[96];
    snprintf(detail, sizeof(detail), "%u parsed, %u rejected with a message, %u otherwise", parsed,
             rejected, bad);
    host_check(bad == 0, "20000 damaged descriptions", detail);
}

/* Descriptions named on the command line (e.g. the README's example) must parse. */
static void files(int argc, char **argv)
{
    static char text[1 << 16];
    for (int i = 1; i < argc; i++) {
        char err[SYSDESC_ERROR_MAX] = "", what[300];
        FILE *f = fopen(argv[i], "r");
        size_t n = f ? fread(text, 1, sizeof(text), f) : 0;
        if (f) {
            fclose(f);
        }
        snprintf(what, sizeof(what), "%s parses", argv[i]);
        host_check(n && sysdesc_parse(&desc, argv[i], text, n, err, sizeof(err)) == 0, what, err);
    }
}

int main(int argc, char **argv)
{
    good_description();
    defaults();
    runtime_items();
    channels();
    too_many_ends();
    bad_descriptions();
    long_line();
    mutations();
    files(argc, argv);
    return host_test_done("sysdesc");
}
