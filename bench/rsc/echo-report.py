"""The echo figures of bench-rsc: medians over the runs in ECHO.RUNS (lines "TAG NAME MB/S
QEMU-CPU-SECONDS BUSY TOTAL SWITCHES", "-" for a figure a run could not give), per QEMU mode
(tcg, icount) and system (local, remote, local-4k, remote-4k), and the remote/local ratios.
Exits 1 if some system completed no run.

    echo-report.py ECHO.RUNS BYTES"""

import statistics
import sys

SYSTEMS = [("local", "owning the NIC, 32 KiB reads"),
           ("remote", "via a netserver, 32 KiB reads"),
           ("local-4k", "owning the NIC, 4 KiB reads"),
           ("remote-4k", "via a netserver, 4 KiB reads")]
PAIRS = [("local", "remote", "32 KiB reads"), ("local-4k", "remote-4k", "4 KiB reads")]


def number(word):
    return None if word == "-" else float(word)


def load(path):
    runs = {}
    for line in open(path):
        words = line.split()
        if len(words) == 7:
            runs.setdefault((words[0], words[1]), []).append([number(w) for w in words[2:]])
    return runs


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def per(value, mb):
    return None if value is None else value / mb


def figures(rs, mb):
    """Medians of one system's runs: MB/s, QEMU CPU s/MB, machine busy cycles/MB, busy
    share, kernel thread switches/MB."""
    return dict(runs=[r[0] for r in rs], rate=med(r[0] for r in rs),
                cpu=med(per(r[1], mb) for r in rs), busy=med(per(r[2], mb) for r in rs),
                share=med(r[2] / r[3] if r[2] is not None and r[3] else None for r in rs),
                switches=med(per(r[4], mb) for r in rs))


def fmt(value, spec):
    return "-" if value is None else format(value, spec)


def pct(a, b):
    """a / b in percent, or None."""
    return None if a is None or b is None or b == 0 else 100 * a / b


def main():
    runs, mb = load(sys.argv[1]), int(sys.argv[2]) / 1e6
    ok = True
    for tag, title, busy_unit in [("tcg", "plain TCG", "M cycles"),
                                  ("icount", "-icount shift=0", "M instr.")]:
        f = {name: figures(runs[(tag, name)], mb) for name, _ in SYSTEMS if (tag, name) in runs}
        n = max((len(runs[k]) for k in runs if k[0] == tag), default=0)
        print("  %s, %d runs of each (medians; per MB of the stream):" % (title, n))
        print("    %-31s %7s %10s %14s %6s %10s   %s" % (
            "echo", "MB/s", "QEMU CPU", "machine busy", "busy", "switches", "MB/s of each run"))
        for name, label in SYSTEMS:
            s = f.get(name)
            if not s or s["rate"] is None:
                print("    %-31s no run completed" % label)
                ok = False
                continue
            print("    %-31s %7s %9ss %5s %8s %5s%% %10s   %s" % (
                label, fmt(s["rate"], ".2f"), fmt(s["cpu"], ".3f"),
                fmt(s["busy"] and s["busy"] / 1e6, ".1f"), busy_unit,
                fmt(s["share"] and 100 * s["share"], ".0f"), fmt(s["switches"], ".0f"),
                " ".join(fmt(r, ".2f") for r in s["runs"])))
        for local, remote, what in PAIRS:
            l, r = f.get(local, {}), f.get(remote, {})
            parts = []
            if tag == "tcg":
                parts.append("throughput %s%%" % fmt(pct(r.get("rate"), l.get("rate")), ".0f"))
            parts.append("per QEMU CPU %s%%" % fmt(pct(l.get("cpu"), r.get("cpu")), ".0f"))
            parts.append("per machine busy %s%%" % fmt(pct(l.get("busy"), r.get("busy")), ".0f"))
            print("    remote/local, %s: %s (target: at least 80%%)" % (what, ", ".join(parts)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
