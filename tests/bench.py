#!/usr/bin/env python3
"""make bench: time folio's stages on real inputs and record the figures.

Each case runs the real binary N times (after one warm-up run) and reports
the median and the fastest wall time per run, and the peak resident memory
of one run (from getrusage of the child). Whole-process times include
start-up (loading fonts, compiling schemas), which is what a clerk waits
for; the batch engine's report gives in-process per-stage times.

Results are printed and written to BENCHMARKS.md between the markers
<!-- bench:begin --> and <!-- bench:end -->, so the prose around them stays.
"""
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FOLIO = os.path.abspath(sys.argv[1] if len(sys.argv) > 1
                        else os.path.join(TOP, "build/release/folio"))
CORPUS = os.path.join(TOP, "..", "shared", "corpus",
                      "seed-policy-interpretation.txt")
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1587945600")


def run_once(argv):
    """Wall time and peak RSS (KiB) of one run, from wait4's rusage."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, env=ENV, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit("bench: %s failed: %s" % (" ".join(argv),
                                                    err.decode()))
    return dt, usage.ru_maxrss


def bench(name, argv, out=None):
    run_once(argv)  # warm the page cache
    times = []
    rss = 0
    for _ in range(RUNS):
        dt, r = run_once(argv)
        times.append(dt * 1000)
        rss = max(rss, r)
    size = os.path.getsize(out) if out and os.path.exists(out) else None
    return (name, statistics.median(times), min(times), rss, size)


def has(cmd):
    p = subprocess.run([FOLIO, "--help"], stdout=subprocess.PIPE)
    return re.search(r"^  %s " % cmd, p.stdout.decode(), re.M) is not None


def main():
    rows = []
    with tempfile.TemporaryDirectory() as t:
        seed = os.path.join(t, "seed.xml")
        rows.append(bench("import seed page (text -> XML)",
                          [FOLIO, "import", CORPUS, "--meta",
                           "issuer=营口市商务局", "-o", seed], seed))
        rows.append(bench("check seed (XML, schema, font coverage)",
                          [FOLIO, "check", seed]))
        examples = sorted(os.path.join(TOP, "examples", f)
                          for f in os.listdir(os.path.join(TOP, "examples"))
                          if f.endswith(".xml") and f != "batch.xml")
        rows.append(bench("check all %d examples, one process"
                          % len(examples), [FOLIO, "check"] + examples))
        if has("epub"):
            e = os.path.join(t, "seed.epub")
            rows.append(bench("epub seed", [FOLIO, "epub", seed, "-o", e],
                              e))
            rows.append(bench("epub seed --embed-font",
                              [FOLIO, "epub", seed, "-o", e,
                               "--embed-font"], e))
        if has("pdf"):
            p = os.path.join(t, "seed.pdf")
            rows.append(bench("pdf seed (gbt9704)",
                              [FOLIO, "pdf", seed, "-o", p], p))
            lp = os.path.join(TOP, "examples", "long-plan.xml")
            rows.append(bench("pdf long-plan (8+ pages)",
                              [FOLIO, "pdf", lp, "-o", p], p))

    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    commit = subprocess.run(["git", "-C", TOP, "rev-parse", "--short",
                             "HEAD"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL).stdout.decode().strip()
    head = ("Measured %s on %s, %d cores, %s; commit %s; %d runs per case "
            "after one warm-up; whole process, wall clock.\n"
            % (time.strftime("%Y-%m-%d"), cpu, os.cpu_count(),
               platform.platform(), commit or "?", RUNS))
    table = ["| case | median ms | fastest ms | peak RSS MiB | output bytes |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for name, med, best, rss, size in rows:
        table.append("| %s | %.1f | %.1f | %.1f | %s |"
                     % (name, med, best, rss / 1024.0,
                        "{:,}".format(size) if size is not None else ""))
    text = head + "\n" + "\n".join(table) + "\n"
    print(text)

    path = os.path.join(TOP, "BENCHMARKS.md")
    block = "<!-- bench:begin -->\n" + text + "<!-- bench:end -->"
    if os.path.exists(path):
        with open(path) as f:
            old = f.read()
    else:
        old = "# Benchmarks\n\n<!-- bench:begin -->\n<!-- bench:end -->\n"
    new = re.sub(r"<!-- bench:begin -->.*?<!-- bench:end -->", block, old,
                 flags=re.S)
    with open(path + ".tmp", "w") as f:
        f.write(new)
    os.replace(path + ".tmp", path)
    print("recorded in BENCHMARKS.md")


if __name__ == "__main__":
    main()
