"""The application benchmark's tables: medians (and ranges) over the runs of results.jsonl
(bench-apps), then the ratios of every system's medians to those of each Linux guest and of
Rumprun's hw platform; printed and written to OUT/table.md.

    table.py RESULTS.jsonl OUTDIR     (bench-apps calls write() itself)"""

import json
import os
import statistics
import sys

TITLES = {"ours": "ours", "upstream": "upstream seL4", "rumprun": "Rumprun hw",
          "linux": "Linux", "linux-nomitig": "Linux mitigations=off"}
# (app, load) -> what the figure is called.
LOADS = [("redis", "set", "Redis SET"), ("redis", "get", "Redis GET"),
         ("nginx", "ab", "NGINX"), ("nginx", "ab-k", "NGINX keep-alive")]
# The systems the others are compared with, a table each.
REFERENCES = ["linux", "linux-nomitig", "rumprun"]


def load(path):
    recs = [json.loads(line) for line in open(path) if line.strip()]
    return next(r for r in recs if r["type"] == "config"), recs


def spread(values, spec):
    """'median (min-max)' of values, or '-'."""
    if not values:
        return "-", None
    m = statistics.median(values)
    if len(values) == 1:
        return format(m, spec), m
    return "%s (%s-%s)" % (format(m, spec), format(min(values), spec),
                           format(max(values), spec)), m


def rows(config, recs):
    """[(figure, {system: (cell, median)})] in table order."""
    systems = config["systems"]
    out = []

    def row(figure, pick, spec):
        cells = {s: spread(pick(s), spec) for s in systems}
        if any(c[1] is not None for c in cells.values()):
            out.append((figure, cells))

    def of(app, load, key):
        return lambda s: [r[key] for r in recs if r["type"] == "load" and r["app"] == app
                          and r["load"] == load and r["system"] == s]
    for app, ld, title in LOADS:
        row(title + " requests/s", of(app, ld, "rps"), ".0f")
    for app, ld, title in LOADS:
        row(title + " QEMU CPU ms/request", of(app, ld, "qemu_cpu_ms_per_request"), ".2f")
    for app in config["apps"]:
        name = "Redis" if app == "redis" else "NGINX"
        row(name + " boot to serving s", lambda s: [
            r["boot_s"] for r in recs if r["type"] == "boot" and r["app"] == app
            and r["system"] == s], ".1f")
        row(name + " memory MiB", lambda s: sorted({
            r["memory_mib"] for r in recs if r["type"] == "boot" and r["app"] == app
            and r["system"] == s}), "d")
    return out


def conditions(config):
    """What the figures were measured with, for the line under the tables."""
    parts = []
    if "redis" in config["apps"]:
        parts.append("`redis-benchmark -t set,get -c 50 -n %d`" % config["redis_requests"])
    if "nginx" in config["apps"]:
        parts.append("`ab [-k] -n %d -c 10` of /%s" % (config["nginx_requests"], config["page"]))
    return ("Loads: %s, through QEMU's user network with host forwarding (hostfwd-backlog.so "
            "preloaded), %s NIC; medians (min-max) of %d interleaved runs. Memory: the "
            "unikernel's `memory =` on the seL4 kernels (QEMU -m 512), QEMU -m for Rumprun hw "
            "and Linux (the smallest size tried that serves, for Linux)." % (
                ", ".join(parts), config["nic"], config["runs"]))


def markdown(head, body):
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"  # noqa
    return "\n".join([line(head), line(["-" * w for w in widths])] + [line(r) for r in body])


def render(config, recs):
    systems = config["systems"]
    table = rows(config, recs)
    first = markdown(["figure"] +
                     [TITLES.get(s, s) for s in systems],
                     [[f] + [c[s][0] for s in systems] for f, c in table])
    out = [first]
    for ref in [r for r in REFERENCES if r in systems]:
        others = [s for s in systems if s != ref]
        body = []
        for f, c in table:
            if "memory" in f or c[ref][1] is None:
                continue
            body.append([f] + ["%.2f" % (c[s][1] / c[ref][1]) if c[s][1] is not None and
                               c[ref][1] else "-" for s in others])
        out.append(markdown(["relative to %s (ratio of medians)" % TITLES[ref]] +
                            [TITLES.get(s, s) for s in others], body))
    return "\n\n".join(out + [conditions(config)]) + "\n"


def write(results, outdir):
    config, recs = load(results)
    text = render(config, recs)
    with open(os.path.join(outdir, "table.md"), "w") as f:
        f.write(text)
    print(text, end="")
    print("(table: %s)" % os.path.join(outdir, "table.md"))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: table.py RESULTS.jsonl OUTDIR")
    write(sys.argv[1], sys.argv[2])
