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
import json
import os
import platform
import re
import shutil
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


# --- the batch engine (folio build) -----------------------------------
GEN = os.path.join(TOP, "tests", "gen", "gen_batch.py")
BATCH_ID = "J099-2025-T001"


def build_once(argv):
    """Run one build; wall seconds, peak RSS (KiB) of that child alone,
    and its report."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, env=ENV, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    dt = time.perf_counter() - t0
    # 1: some documents failed; they are counted in the table.
    if p.returncode not in (0, 1):
        raise SystemExit("bench: %s failed: %s" % (" ".join(argv),
                                                    err.decode()))
    out = argv[argv.index("-o") + 1]
    with open(os.path.join(out, BATCH_ID, "report.json")) as f:
        rep = json.load(f)
    return dt, ru.ru_maxrss, rep


def batch_rows(t):
    """Throughput at -j1 and -j cores, peak RSS against batch size, and
    the no-op rebuild of 1,000 small documents. BENCH_BATCH_DOCS sets the
    throughput batch (default 200); BENCH_BATCH_BIG (e.g. 10000) adds a
    memory run on that many documents."""
    n = int(os.environ.get("BENCH_BATCH_DOCS", "200"))
    big = int(os.environ.get("BENCH_BATCH_BIG", "0"))
    cores = os.cpu_count() or 1
    rows = []
    notes = []

    def gen(d, count, *extra):
        subprocess.run([sys.executable, GEN, d, str(count), "--seed", "3"]
                       + list(extra), check=True)
        subprocess.run([FOLIO, "keygen", "-o", os.path.join(d, "keys")],
                       env=ENV, check=True, stdout=subprocess.DEVNULL)

    def row(name, count, workers, dt, rss, rep):
        tot = rep["totals"]
        ms = tot["ms"]
        rows.append("| %s | %d | %d | %d | %.2f | %.1f | %.1f | %.0f / "
                    "%.0f / %.0f / %.0f | %.0f |"
                    % (name, count, tot["failed"], workers, dt, count / dt,
                       rss / 1024.0, ms["read"], ms["layout"], ms["pdf"],
                       ms["epub"], rep["archive"]["ms"]))

    d = os.path.join(t, "batch")
    gen(d, n)
    m = os.path.join(d, "batch.xml")
    for j in (1, cores):
        out = os.path.join(t, "out-j%d" % j)
        dt, rss, rep = build_once([FOLIO, "build", m, "-o", out,
                                   "-j", str(j), "--quiet",
                                   "--allow-partial"])
        row("build %d generated docs (PDF+EPUB+signed ZIP)" % n, n, j,
            dt, rss, rep)
        if j == 1:
            built = max(rep["totals"]["built"], 1)
            per_doc = rep["totals"]["ms"]
    notes.append("In-process time per document at -j1 (from report.json), "
                 "ms: read %.2f, layout %.2f, PDF %.2f, EPUB %.2f."
                 % tuple(per_doc[k] / built for k in
                         ("read", "layout", "pdf", "epub")))
    for k in (25, 100):
        dk = os.path.join(t, "rss%d" % k)
        gen(dk, k)
        dt, rss, rep = build_once([FOLIO, "build",
                                   os.path.join(dk, "batch.xml"), "-o",
                                   os.path.join(dk, "out"), "--quiet",
                                   "--allow-partial"])
        row("peak RSS, %d docs" % k, k, cores, dt, rss, rep)
    if big:
        db = os.path.join(t, "big")
        gen(db, big)
        dt, rss, rep = build_once([FOLIO, "build",
                                   os.path.join(db, "batch.xml"), "-o",
                                   os.path.join(db, "out"), "--quiet",
                                   "--allow-partial"])
        row("peak RSS, %d docs" % big, big, cores, dt, rss, rep)
        shutil.rmtree(db)
    ds = os.path.join(t, "small")
    gen(ds, 1000, "--small")
    ms = os.path.join(ds, "batch.xml")
    out = os.path.join(ds, "out")
    dt, rss, rep = build_once([FOLIO, "build", ms, "-o", out, "--quiet",
                               "--allow-partial"])
    row("build 1,000 one-page docs", 1000, cores, dt, rss, rep)
    first_site = rep.get("site")
    noop = []
    for _ in range(5):
        dt, rss, rep = build_once([FOLIO, "build", ms, "-o", out,
                                   "--quiet", "--allow-partial"])
        if rep["totals"]["built"] != 0:
            raise SystemExit("bench: no-op rebuild built documents")
        noop.append(dt)
    rows.append("| no-op rebuild of 1,000 docs (median of 5) | 1000 | 0 "
                "| %d | %.3f | %.0f | %.1f | | |"
                % (cores, statistics.median(noop),
                   1000 / statistics.median(noop), rss / 1024.0))
    if first_site:
        site_dir = first_site["path"]
        notes.append("Site step of the 1,000-document build (report.json "
                     "site.ms, no base URL so no QR codes): %.0f ms for "
                     "%d pages on the first run, %.0f ms when nothing "
                     "changed; index.html %.0f KB, opds.xml %.0f KB."
                     % (first_site["ms"], first_site["pages_written"],
                        rep["site"]["ms"],
                        os.path.getsize(os.path.join(site_dir,
                                                     "index.html")) / 1024,
                        os.path.getsize(os.path.join(site_dir,
                                                     "opds.xml")) / 1024))
    head = ["| batch case | docs | failed | workers | wall s | docs/s | "
            "peak RSS MiB | ms read / layout / pdf / epub (sum over "
            "workers) | archive ms |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    return head + rows + [""] + notes


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

        batch = batch_rows(t) if has("build") else []

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
    if batch:
        text += "\n" + "\n".join(batch) + "\n"
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
