"""The network benchmark's report: medians over the runs of results.jsonl (bench-net), a
table with ratios (printed and written to OUT/table.md) and, with gnuplot, the plot
OUT/throughput-cpu.png: achieved throughput against CPU utilisation, one curve per system;
for iperf runs the same in OUT/iperf-table.md and OUT/iperf-throughput-cpu.png.

    report.py RESULTS.jsonl OUTDIR     (bench-net calls write() itself)"""

import json
import os
import shutil
import statistics
import subprocess
import sys

SYSTEM_TITLES = {"ours": "ours", "upstream": "upstream seL4", "linux": "Linux guest"}


def title(system):
    return SYSTEM_TITLES.get(system, system)


def load(path):
    recs = [json.loads(line) for line in open(path) if line.strip()]
    config = next(r for r in recs if r["type"] == "config")
    return config, recs


def med(values):
    return statistics.median(values) if values else None


def rate_name(rate):
    return "max" if rate == 0 else "%g" % rate


def summarise(config, recs):
    """{(nic, system, rate): medians of the streams} and {(nic, system): boot figures}."""
    streams, boots = {}, {}
    for r in recs:
        if r["type"] == "stream":
            streams.setdefault((r["nic"], r["system"], r["rate"]), []).append(r)
        elif r["type"] == "boot":
            boots.setdefault((r["nic"], r["system"]), []).append(r)
    s = {}
    for k, rs in streams.items():
        s[k] = {"n": len(rs), "mibps": med([r["mibps"] for r in rs]),
                "guest_util": med([r["guest_util"] for r in rs]),
                "guest_cpu_per_mib": med([r.get("guest_cpu_per_mib") for r in rs
                                          if r.get("guest_cpu_per_mib") is not None]),
                "host_util": med([r["host_util"] for r in rs]),
                "qemu_cpu_per_mib": med([r["qemu_cpu_per_mib"] for r in rs]),
                "gap_med": med([r["max_gap_s"] for r in rs]),
                "gap_max": max(r["max_gap_s"] for r in rs),
                "stalls": sum(r["max_gap_s"] > 0.1 for r in rs)}
    b = {k: {"n": len(rs), "boot_s": med([r["boot_s"] for r in rs]),
             "rtt_us": med([r["rtt_us"] for r in rs])} for k, rs in boots.items()}
    m = {r["system"]: r for r in recs if r["type"] == "memory"}
    return s, b, m


def fmt(v, spec):
    return "-" if v is None else spec % v


def ratio(a, b):
    return "-" if a is None or not b else "%.2f" % (a / b)


def markdown(head, rows):
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"
    return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] +
                     [line(r) for r in rows])


def ratio_pairs(systems):
    ratios = [(x, y) for x, y in (("ours", "linux"), ("ours", "upstream")) if y in systems]
    return ratios + [("ours", x) for x in systems if x not in SYSTEM_TITLES]  # --also variants


def table(config, recs):
    systems = config["systems"]
    s, b, m = summarise(config, recs)
    ratios = ratio_pairs(systems)
    head = ["figure", "NIC"] + [title(x) for x in systems] + \
        ["%s/%s" % (x, y) for x, y in ratios]
    rows = []

    def row(name, nic, values, spec):
        if all(values.get(x) is None for x in systems):
            return  # a figure this run did not record
        rows.append([name, nic] + [fmt(values.get(x), spec) for x in systems] +
                    [ratio(values.get(x), values.get(y)) for x, y in ratios])

    for nic in config["nics"]:
        for rate in config["rates"]:
            def get(field):
                return {x: s.get((nic, x, rate), {}).get(field) for x in systems}
            row("MiB/s at %s MiB/s offered" % rate_name(rate), nic, get("mibps"), "%.2f")
            row("  guest CPU %", nic, {x: v * 100 for x, v in get("guest_util").items()
                                         if v is not None}, "%.0f")
            if config.get("icount"):  # the guest's clock counts instructions
                row("  guest M instructions per MiB", nic,
                    {x: v * 1000 for x, v in get("guest_cpu_per_mib").items() if v is not None},
                    "%.1f")
            else:
                row("  guest CPU s per MiB", nic, get("guest_cpu_per_mib"), "%.3f")
            row("  QEMU CPU s per MiB", nic, get("qemu_cpu_per_mib"), "%.3f")
        # Stall detection: the longest gap between two receives, over every stream of the NIC.
        per = {x: [v for (n, y, _), v in s.items() if n == nic and y == x] for x in systems}
        row("longest gap in any stream ms", nic,
            {x: max(v["gap_max"] for v in vs) * 1000 for x, vs in per.items() if vs}, "%.0f")
        stalls = {x: "%d/%d" % (sum(v["stalls"] for v in vs), sum(v["n"] for v in vs))
                  for x, vs in per.items() if vs}
        rows.append(["streams with a gap over 100 ms", nic] +
                    [stalls.get(x, "-") for x in systems] + ["-"] * len(ratios))
        row("1-byte round trip us", nic, {x: b.get((nic, x), {}).get("rtt_us") for x in systems},
            "%.0f")
        row("boot to serving s", nic, {x: b.get((nic, x), {}).get("boot_s") for x in systems},
            "%.2f")
    if m:
        row("smallest QEMU -m that serves (MiB)", next(iter(m.values()))["nic"],
            {x: m.get(x, {}).get("qemu_mib") for x in systems}, "%d")
    notes = []
    for x, r in sorted(m.items()):
        if r.get("uk_mib"):
            notes.append("%s: the unikernel's `memory` %d MiB" % (title(x), r["uk_mib"]))
    runs = min([v["n"] for v in s.values()] + [v["n"] for v in b.values()] or [0])
    notes.append("medians of %d run(s) per cell (at least)" % runs)
    return markdown(head, rows) + "\n\n" + "\n".join("- " + n for n in notes) + "\n"


def iperf_summary(recs):
    """{(system, rate): medians of the iperf runs}."""
    runs = {}
    for r in recs:
        if r["type"] == "iperf":
            runs.setdefault((r["system"], r["rate"]), []).append(r)
    fields = ("mbps", "guest_util", "guest_cpu_per_mib", "host_util", "qemu_cpu_per_mib")
    return {k: dict({f: med([r[f] for r in rs]) for f in fields}, n=len(rs),
                    source=rs[0]["guest_util_source"]) for k, rs in runs.items()}


def iperf_table(config, recs):
    s = iperf_summary(recs)
    systems = [x for x in config["systems"] if any(k[0] == x for k in s)]
    ratios = [(x, y) for x, y in ratio_pairs(systems) if y in systems]
    head = ["iperf, virtio"] + [title(x) for x in systems] + ["%s/%s" % r for r in ratios]
    rows = []
    for rate in config["iperf_rates"]:
        def row(name, field, scale, spec):
            v = {x: s[(x, rate)][field] * scale for x in systems if (x, rate) in s}
            rows.append([name] + [fmt(v.get(x), spec) for x in systems] +
                        [ratio(v.get(x), v.get(y)) for x, y in ratios])
        row("Mbit/s unlimited" if rate == 0 else "Mbit/s at %g Mbit/s offered" % rate, "mbps",
            1, "%.1f")
        row("  guest CPU %", "guest_util", 100, "%.0f")
        row("  guest CPU ms per MiB" if not config.get("icount") else
            "  guest M instructions per MiB", "guest_cpu_per_mib", 1000, "%.2f")
        row("  QEMU CPU % of a core", "host_util", 100, "%.0f")
        row("  QEMU CPU ms per MiB", "qemu_cpu_per_mib", 1000, "%.1f")
    runs = min([v["n"] for v in s.values()] or [0])
    sources = sorted({"%s: %s" % (title(x), v["source"]) for (x, _), v in s.items()})
    return (markdown(head, rows) + "\n\n- medians of %d run(s) per cell (at least)\n"
            "- guest CPU from %s\n" % (runs, ", ".join(sources)))


def gnuplot(script, path):
    """Runs the gnuplot script (written to path): None if gnuplot is missing, else its status."""
    gp = shutil.which("gnuplot")
    if not gp:
        return None
    with open(path, "w") as f:
        f.write("\n".join(script) + "\n")
    return subprocess.run([gp, path]).returncode


def iperf_plot(config, recs, png):
    """iperf's throughput against guest and QEMU CPU, a curve per system, with gnuplot."""
    s = iperf_summary(recs)
    d = os.path.dirname(png)
    script = ["set terminal pngcairo size 1100,450 font ',10'", "set output '%s'" % png,
              "set multiplot layout 1,2 title 'iperf 2 TCP, host client to iperf -s in the guest, "
              "virtio, QEMU TCG (medians; a point per offered rate)'",
              "set grid", "set key bottom right", "set xlabel 'iperf throughput (Mbit/s)'",
              "set yrange [0:*]", "set xrange [0:*]"]
    for field, label in (("guest_util", "guest CPU utilisation (%)"),
                         ("host_util", "QEMU host CPU (% of one core)")):
        plots = []
        for x in config["systems"]:
            points = [s[(x, r)] for r in config["iperf_rates"] if (x, r) in s]
            if not points:
                continue
            f = os.path.join(d, "iperf-plot-%s-%s.dat" % (x, field))
            with open(f, "w") as out:
                for v in sorted(points, key=lambda v: v["mbps"]):
                    out.write("%g %g\n" % (v["mbps"], 100 * v[field]))
            plots.append("'%s' using 1:2 with linespoints lw 2 title '%s'" % (f, title(x)))
        script += ["set ylabel '%s'" % label, "plot " + ", ".join(plots)]
    script.append("unset multiplot")
    return gnuplot(script, os.path.join(d, "iperf-throughput-cpu.gp"))


def plot(config, recs, png):
    """The figure, with gnuplot: None if gnuplot is missing, else gnuplot's status."""
    s, _, _ = summarise(config, recs)
    d = os.path.dirname(png)
    script = ["set terminal pngcairo size 1100,800 font ',10'", "set output '%s'" % png,
              "set multiplot layout 2,%d title 'netserve echo streams under QEMU TCG "
              "(medians; a point per offered rate)'" % len(config["nics"]),
              "set grid", "set key bottom right", "set xlabel 'achieved throughput (MiB/s)'",
              "set yrange [0:*]", "set xrange [0:*]"]
    for field, label in (("guest_util", "guest CPU utilisation (%)"),
                         ("host_util", "QEMU host CPU (% of one core)")):
        for nic in config["nics"]:
            plots = []
            for x in config["systems"]:
                f = os.path.join(d, "plot-%s-%s-%s.dat" % (nic, x, field))
                with open(f, "w") as out:
                    for rate in config["rates"]:
                        v = s.get((nic, x, rate))
                        if v:
                            out.write("%g %g\n" % (v["mibps"], 100 * v[field]))
                plots.append("'%s' using 1:2 with linespoints lw 2 title '%s'" % (
                    f, title(x)))
            script += ["set title '%s'" % nic, "set ylabel '%s'" % label,
                       "plot " + ", ".join(plots)]
    script.append("unset multiplot")
    return gnuplot(script, os.path.join(d, "throughput-cpu.gp"))


def write(results, outdir):
    config, recs = load(results)
    os.makedirs(outdir, exist_ok=True)
    parts = []
    if any(r["type"] == "stream" for r in recs):
        parts.append(("table.md", table, "throughput-cpu.png", plot))
    if any(r["type"] == "iperf" for r in recs):
        parts.append(("iperf-table.md", iperf_table, "iperf-throughput-cpu.png", iperf_plot))
    for name, make_table, png, make_plot in parts:
        text = make_table(config, recs)
        with open(os.path.join(outdir, name), "w") as f:
            f.write(text)
        print(text)
        status = make_plot(config, recs, os.path.join(outdir, png))
        if status is None:
            print("report: gnuplot is not installed: no plot (Debian package gnuplot-nox)")
        elif status:
            print("report: gnuplot failed (status %d)" % status)
        else:
            print("report: plot in %s" % os.path.join(outdir, png))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: report.py RESULTS.jsonl OUTDIR")
    write(sys.argv[1], sys.argv[2])
