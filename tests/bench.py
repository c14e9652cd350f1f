#!/usr/bin/env python3
"""make bench: time folio's stages on real inputs and record the figures.

Each case runs the real binary N times (after one warm-up run) and reports
the median and the fastest wall time per run, and the peak resident memory
of one run (from getrusage of the child). Whole-process times include
start-up (loading fonts, compiling schemas), which is what a clerk waits
for; the batch engine's report gives in-process per-stage times.

Results are printed and written to BENCHMARKS.md between the markers
<!-- bench:begin --> and <!-- bench:end --> (stages and batches) and
<!-- bench-verify:begin --> and <!-- bench-verify:end --> (folio verify
against archive size, and on hostile archives), so the prose around them
stays. BENCH_ONLY=stages or BENCH_ONLY=verify runs one part;
BENCH_VERIFY_BIG=70000 adds a 70,000-record archive (minutes).
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
    # CPU seconds of the child (user + system): on a shared machine
    # the figure that does not move with other people's load.
    rep["_cpu_s"] = ru.ru_utime + ru.ru_stime
    return dt, ru.ru_maxrss, rep


def batch_rows(t):
    """Throughput of PDF+EPUB alone and of the full pipeline (PDF, EPUB
    and the signed archive), at -j1 and -j2, on the same generated batch
    (BENCH_BATCH_DOCS, default 200); peak RSS against batch size; the
    no-op rebuild of 1,000 small documents. BENCH_BATCH_BIG (e.g. 10000)
    adds a memory run on that many documents; BENCH_SCALE (e.g.
    "1000,10000,100000") measures build RSS and the no-op rebuild on
    one-page documents at each size (minutes per 10,000)."""
    n = int(os.environ.get("BENCH_BATCH_DOCS", "200"))
    big = int(os.environ.get("BENCH_BATCH_BIG", "0"))
    scale = [int(x) for x in os.environ.get("BENCH_SCALE", "").split(",")
             if x.strip()]
    cores = os.cpu_count() or 1
    rows = []
    speed = []
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
    per_doc = None
    # PDF+EPUB alone (the figure set against other typesetters), then
    # everything a batch makes: the site and the signed archive too.
    for what, extra in (("PDF+EPUB", ["--no-archive", "--no-site"]),
                        ("full pipeline (PDF+EPUB+site+signed ZIP)", [])):
        for j in (1, 2):
            out = os.path.join(t, "out-%s-j%d" % (extra and "pe" or "all",
                                                 j))
            dt, rss, rep = build_once([FOLIO, "build", m, "-o", out, "-j",
                                       str(j), "--quiet",
                                       "--allow-partial"] + extra)
            tot = rep["totals"]
            speed.append("| %s | %d | %d | %d | %.2f | %.1f | %.1f | "
                         "%.2f | %.0f | %.1f |"
                         % (what, j, n, tot["pages"], dt, n / dt,
                            tot["pages"] / dt, rep["_cpu_s"],
                            tot["pages"] / max(rep["_cpu_s"], 1e-9),
                            rss / 1024.0))
            if j == 1 and extra:
                built = max(tot["built"], 1)
                per_doc = tot["ms"]
                pages = max(tot["pages"], 1)
    notes.append("In-process time per document at -j1 (from report.json), "
                 "ms: read %.2f, layout %.2f, PDF %.2f, EPUB %.2f; the PDF "
                 "writer takes %.2f ms a page (%d pages)."
                 % (per_doc["read"] / built, per_doc["layout"] / built,
                    per_doc["pdf"] / built, per_doc["epub"] / built,
                    per_doc["pdf"] / pages, pages))
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
    for k in [1000] + [x for x in scale if x != 1000]:
        ds = os.path.join(t, "small%d" % k)
        gen(ds, k, "--small")
        ms = os.path.join(ds, "batch.xml")
        out = os.path.join(ds, "out")
        dt, rss, rep = build_once([FOLIO, "build", ms, "-o", out,
                                   "--quiet", "--allow-partial",
                                   "--no-archive"])
        row("build %s one-page docs, PDF+EPUB+site" % "{:,}".format(k), k,
            cores, dt, rss, rep)
        first_site = rep.get("site")
        dt, rss, rep = build_once([FOLIO, "build", ms, "-o", out,
                                   "--quiet", "--allow-partial"])
        row("  then the archive of the %s (documents up to date)"
            % "{:,}".format(k), k, cores, dt, rss, rep)
        noop = []
        for _ in range(5 if k <= 10000 else 3):
            dt, rss, rep = build_once([FOLIO, "build", ms, "-o", out,
                                       "--quiet", "--allow-partial"])
            if rep["totals"]["built"] != 0:
                raise SystemExit("bench: no-op rebuild built documents")
            noop.append(dt)
        rows.append("| no-op rebuild of %s docs (median of %d) | %d | 0 "
                    "| %d | %.3f | %.0f | %.1f | | |"
                    % ("{:,}".format(k), len(noop), k, cores,
                       statistics.median(noop),
                       k / statistics.median(noop), rss / 1024.0))
        if first_site and first_site.get("path"):
            site_dir = first_site["path"]
            notes.append("Site step of the %s-document build (report.json "
                         "site.ms, no base URL so no QR codes): %.0f ms for "
                         "%d pages on the first run, %.0f ms when nothing "
                         "changed; index.html %.0f KB, opds.xml %.0f KB."
                         % ("{:,}".format(k), first_site["ms"],
                            first_site["pages_written"], rep["site"]["ms"],
                            os.path.getsize(os.path.join(site_dir,
                                                         "index.html")) / 1024,
                            os.path.getsize(os.path.join(site_dir,
                                                         "opds.xml")) / 1024))
        shutil.rmtree(ds)
    head = ["| batch case | docs | failed | workers | wall s | docs/s | "
            "peak RSS MiB | ms read / layout / pdf / epub (sum over "
            "workers) | archive ms |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    shead = ["| %d generated documents | workers | docs | pages | wall s | "
             "docs/s | pages/s | CPU s | pages per CPU s | peak RSS MiB |"
             % n,
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
             "| ---: |"]
    return shead + speed + [""] + head + rows + [""] + notes


# --- folio verify: size against time and memory ------------------------
CRAFT = os.path.join(TOP, "tests", "gen", "zipcraft.py")


TIME = "/usr/bin/time"


def run_any(argv, want=(0,)):
    """Wall time and peak RSS (KiB) of one run whose exit status is in
    want (verify exits 1 on the hostile archives, as it should).

    The peak RSS comes from /usr/bin/time when it is there: a child
    forked by this Python process keeps Python's own resident set as its
    high-water mark through exec (about 14 MiB here, more once the
    generated batches are in memory), which hides small figures."""
    timed = os.path.exists(TIME)
    full = ([TIME, "-f", "%M"] if timed else []) + argv
    t0 = time.perf_counter()
    p = subprocess.Popen(full, env=ENV, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    rc = os.waitstatus_to_exitcode(status)
    if rc not in want:
        raise SystemExit("bench: %s exited %d: %s" % (" ".join(argv), rc,
                                                      err.decode()))
    if timed:
        return dt, int(err.decode().strip().splitlines()[-1])
    return dt, usage.ru_maxrss


def verify_rows(t):
    """Sources-only archives of N generated records (BENCH_VERIFY, comma
    separated, default 100,2000,10000; BENCH_VERIFY_BIG adds one more,
    e.g. 70000) verified: archive bytes, entries, seconds (median of 3
    below 10,000 records, else one run), peak RSS. Then the hostile
    archives of the issue, from the 100-record one."""
    sizes = [int(x) for x in
             os.environ.get("BENCH_VERIFY", "100,2000,10000").split(",")]
    big = int(os.environ.get("BENCH_VERIFY_BIG", "0"))
    if big:
        sizes.append(big)
    rows = ["| verify case | archive bytes | entries | seconds | "
            "peak RSS MiB | exit |",
            "| --- | ---: | ---: | ---: | ---: | ---: |"]
    first = None
    for n in sizes:
        d = os.path.join(t, "verify%d" % n)
        subprocess.run([sys.executable, GEN, d, str(n), "--seed", "3",
                        "--small"], check=True)
        subprocess.run([FOLIO, "keygen", "-o", os.path.join(d, "keys")],
                       env=ENV, check=True, stdout=subprocess.DEVNULL)
        z = os.path.join(d, "a.zip")
        subprocess.run([FOLIO, "archive", os.path.join(d, "batch.xml"),
                        "--sources-only", "-o", z], env=ENV, check=True,
                       stdout=subprocess.DEVNULL)
        runs = [run_any([FOLIO, "verify", z])
                for _ in range(3 if n < 10000 else 1)]
        dt = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs)
        rows.append("| %d records (sources only) | %s | %d | %.2f | %.1f "
                    "| 0 |" % (n, "{:,}".format(os.path.getsize(z)),
                               2 * n + 10, dt, rss / 1024.0))
        if first is None:
            first = z
        if n >= 10000:
            shutil.rmtree(d)
    hostile = [
        ("500 MiB of blanks in signatures0.xml", ["pad",
         "META-INF/signatures0.xml", "500"]),
        ("40,000 attributes on one element of signatures0.xml",
         ["attributes", "META-INF/signatures0.xml", "40000"]),
        ("a second end record hidden in the comment",
         ["second-end-record", "record.xml"]),
    ]
    for name, op in hostile:
        z = os.path.join(t, "hostile.zip")
        subprocess.run([sys.executable, CRAFT, first, z] + op, check=True)
        dt, rss = run_any([FOLIO, "verify", z], want=(1,))
        rows.append("| %s (from the %d-record archive) | %s | | %.2f | %.1f "
                    "| 1 |" % (name, sizes[0],
                               "{:,}".format(os.path.getsize(z)), dt,
                               rss / 1024.0))
    src = os.path.join(t, "attrs.xml")
    with open(src, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<document '
                'xmlns="urn:folio:document:1"><meta%s/></document>\n'
                % "".join(' a%d="x"' % i for i in range(100000)))
    dt, rss = run_any([FOLIO, "check", src], want=(1,))
    rows.append("| folio check, 100,000 attributes on one element | %s | "
                "| %.2f | %.1f | 1 |" % ("{:,}".format(os.path.getsize(src)),
                                         dt, rss / 1024.0))
    return rows


def machine(runs):
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
    load = os.getloadavg()[0]
    return ("Measured %s on %s, %d cores (load average %.1f at the end), "
            "%s; commit %s; %s; whole process, wall clock.\n"
            % (time.strftime("%Y-%m-%d"), cpu, os.cpu_count(), load,
               platform.platform(), commit or "?", runs))


def record(marker, text):
    """Rewrite the part of BENCHMARKS.md between <!-- MARKER:begin -->
    and <!-- MARKER:end --> (appended when absent)."""
    path = os.path.join(TOP, "BENCHMARKS.md")
    begin, end = "<!-- %s:begin -->" % marker, "<!-- %s:end -->" % marker
    block = begin + "\n" + text + end
    with open(path) as f:
        old = f.read()
    if begin in old:
        new = re.sub(re.escape(begin) + ".*?" + re.escape(end),
                     lambda m: block, old, flags=re.S)
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    with open(path + ".tmp", "w") as f:
        f.write(new)
    os.replace(path + ".tmp", path)


def main():
    """BENCH_ONLY=verify (or stages) runs one part; each part has its own
    block in BENCHMARKS.md."""
    only = os.environ.get("BENCH_ONLY", "stages,verify").split(",")
    rows, batch, verify = [], [], []
    with tempfile.TemporaryDirectory() as t:
        if "stages" in only:
            rows, batch = stage_rows(t)
        if "verify" in only and has("verify"):
            verify = verify_rows(t)
    if "stages" in only:
        table = ["| case | median ms | fastest ms | peak RSS MiB | "
                 "output bytes |", "| --- | ---: | ---: | ---: | ---: |"]
        for name, med, best, rss, size in rows:
            table.append("| %s | %.1f | %.1f | %.1f | %s |"
                         % (name, med, best, rss / 1024.0,
                            "{:,}".format(size) if size is not None
                            else ""))
        text = machine("%d runs per case after one warm-up" % RUNS) + \
            "\n" + "\n".join(table) + "\n"
        if batch:
            text += "\n" + "\n".join(batch) + "\n"
        print(text)
        record("bench", text)
    if verify:
        text = machine("median of 3 runs below 10,000 records, else one") + \
            "\n" + "\n".join(verify) + "\n"
        print(text)
        record("bench-verify", text)
    print("recorded in BENCHMARKS.md")


def writer_split(seed, out):
    """The PDF writer's stages on the seed, from `folio pdf --stats`
    (in-process, median of RUNS): a row whose name carries the split."""
    keys = ("layout_ms", "subset_ms", "build_ms", "save_ms")
    got = {k: [] for k in keys}
    for _ in range(RUNS):
        p = subprocess.run([FOLIO, "pdf", seed, "-o", out, "--stats"],
                           env=ENV, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL)
        if p.returncode != 0:
            return None
        line = p.stdout.decode().strip().splitlines()[-1]
        stats = json.loads(line)
        for k in keys:
            got[k].append(stats[k])
    med = {k: statistics.median(v) for k, v in got.items()}
    return ("`folio pdf --stats` on the seed, in-process, median of %d, "
            "ms: layout %.1f; the writer: subset %.1f, build (font "
            "objects, pages, deflate) %.1f, save (write, fsync, rename) "
            "%.1f." % (RUNS, med["layout_ms"], med["subset_ms"],
                       med["build_ms"], med["save_ms"]))


def stage_rows(t):
    rows = []
    split = None
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
        rows.append(bench("epub seed", [FOLIO, "epub", seed, "-o", e], e))
        rows.append(bench("epub seed --embed-font",
                          [FOLIO, "epub", seed, "-o", e, "--embed-font"],
                          e))
    if has("pdf"):
        p = os.path.join(t, "seed.pdf")
        rows.append(bench("pdf seed (gbt9704)",
                          [FOLIO, "pdf", seed, "-o", p], p))
        split = writer_split(seed, p)
        lp = os.path.join(TOP, "examples", "long-plan.xml")
        rows.append(bench("pdf long-plan (8+ pages)",
                          [FOLIO, "pdf", lp, "-o", p], p))
    batch = batch_rows(t) if has("build") else []
    if has("pdf") and split:
        batch += ["", split]
    return rows, batch


if __name__ == "__main__":
    main()
