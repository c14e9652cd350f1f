#!/usr/bin/env python3
"""Headless Chromium for the site's tests and `make proof`.

    python3 tests/browser.py probe SITE WIDTH HEIGHT AXE_JS PAGE...
        prints one JSON object per page: innerWidth, scrollWidth, the
        resources it loaded, its links as the browser resolves them
        (pointing into SITE) and axe-core's violations
    python3 tests/browser.py shot SITE PAGE WIDTH HEIGHT OUT.png [--no-js]
    python3 tests/browser.py qr SITE PAGE...
        prints what zbarimg decodes from one screenshot of the PAGEs
        side by side (a phone's width each), one symbol a line

Chromium's headless window is never narrower than 500 CSS px, whatever
--window-size says (a 360-wide screenshot is a 500-wide layout cut
off), so every page is loaded into an <iframe> of exactly the size
asked for, inside a wrapper page; media queries, innerWidth and
scrollWidth are then those of a real 360 px screen.

Probing needs script access to the page, which file:// frames do not
give their parent: the probe runs inside a copy of the site where each
page loads axe-core and tests/browser_probe.js before </body>, and
posts its findings to the wrapper, whose DOM Chromium dumps. Screenshots
and QR codes are taken from the site itself, untouched.

Every run uses a fresh profile, no network services, and a host
resolver that maps every name to nothing, so a page that tried to
fetch anything from outside would show it as a failed resource.
"""
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROBE_JS = os.path.join(HERE, "browser_probe.js")


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("browser.py: no Chromium (Debian: apt-get install chromium)")


def run_chromium(args, timeout=120):
    profile = tempfile.mkdtemp(prefix="folio-chromium-")
    try:
        cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking",
               "--disable-component-update", "--disable-sync",
               "--no-first-run", "--disable-quic", "--hide-scrollbars",
               "--host-resolver-rules=MAP * ~NOTFOUND",
               "--user-data-dir=" + profile] + args
        return subprocess.run(cmd, capture_output=True, text=True,
                              timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def wrapper(path, frames, width, height, listen):
    """A page holding one iframe per URL, each width x height."""
    parts = ['<!DOCTYPE html><html><head><meta charset="utf-8">'
             '<title>wrapper</title></head><body style="margin:0">']
    if listen:
        parts.append('<pre id="results">[]</pre><script>'
                     'var got = [];'
                     'addEventListener("message", function (e) {'
                     ' got.push(JSON.parse(e.data));'
                     ' document.getElementById("results").textContent ='
                     ' JSON.stringify(got); });</script>')
    for url in frames:
        parts.append('<iframe src="%s" width="%d" height="%d" '
                     'style="border:0;display:block"></iframe>'
                     % (html.escape(url), width, height))
    parts.append("</body></html>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(parts))


def probe(site, width, height, axe_js, pages):
    tmp = tempfile.mkdtemp(prefix="folio-probe-")
    try:
        copy = os.path.join(tmp, "site")
        shutil.copytree(site, copy, ignore=shutil.ignore_patterns("files"))
        inject = ('<script src="file://%s"></script>'
                  '<script src="file://%s"></script></body>'
                  % (os.path.abspath(axe_js), PROBE_JS))
        urls = []
        for page in pages:
            p = os.path.join(copy, page)
            with open(p, encoding="utf-8") as f:
                text = f.read()
            if "</body>" not in text:
                sys.exit("browser.py: %s has no </body>" % page)
            with open(p, "w", encoding="utf-8") as f:
                f.write(text.replace("</body>", inject, 1))
            urls.append("file://" + p)
        wrap = os.path.join(tmp, "wrapper.html")
        wrapper(wrap, urls, width, height, True)
        r = run_chromium(["--window-size=%d,%d" % (max(width, 500), height),
                          "--virtual-time-budget=60000", "--dump-dom",
                          "file://" + wrap])
        m = re.search(r'<pre id="results">(.*?)</pre>', r.stdout, re.S)
        if not m:
            sys.exit("browser.py: no results from Chromium: %s"
                     % r.stderr[-500:])
        results = json.loads(html.unescape(m.group(1)))
        found = {res.get("page", "") for res in results}
        for page in pages:
            if not any(f.endswith("/site/" + page) for f in found):
                results.append({"page": page, "error": "no report"})
        real = "file://" + os.path.abspath(site)
        for res in results:
            res["page"] = re.sub(r"^.*?/site/", "", res.get("page", ""))
            # Links as resolved in the copy, pointed back at the site.
            res["links"] = [real + u[len("file://" + copy):]
                            if u.startswith("file://" + copy + "/") else u
                            for u in res.get("links", [])]
            injected = ("file://" + PROBE_JS,
                        "file://" + os.path.abspath(axe_js))
            res["resources"] = [u for u in res.get("resources", [])
                                if u not in injected]
            res["links"] = [u for u in res["links"] if u not in injected]
            print(json.dumps(res, ensure_ascii=False))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def shot(site, pages, width, height, out, script=True):
    """One screenshot of the pages in frames of width x height, stacked
    top to bottom."""
    tmp = tempfile.mkdtemp(prefix="folio-shot-")
    try:
        if not script:
            # Headless Chromium takes no screenshot with script switched
            # off; a copy of the pages without their <script> elements
            # is what a reader without script sees.
            copy = os.path.join(tmp, "site")
            shutil.copytree(site, copy,
                            ignore=shutil.ignore_patterns("files"))
            for p in pages:
                path = os.path.join(copy, p)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                with open(path, "w", encoding="utf-8") as f:
                    f.write(re.sub(r"<script\b[^>]*>.*?</script>", "",
                                   text, flags=re.S))
            site = copy
        wrap = os.path.join(tmp, "wrapper.html")
        wrapper(wrap, ["file://" + os.path.join(os.path.abspath(site), p)
                       for p in pages], width, height, False)
        args = ["--window-size=%d,%d" % (width, height * len(pages)),
                "--virtual-time-budget=5000", "--screenshot=" + out,
                "file://" + wrap]
        r = run_chromium(args)
        if not os.path.exists(out) or os.path.getsize(out) == 0:
            sys.exit("browser.py: no screenshot: %s" % r.stderr[-500:])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def qr(site, pages):
    tmp = tempfile.mkdtemp(prefix="folio-qr-")
    try:
        png = os.path.join(tmp, "pages.png")
        # A phone's width, tall enough that each code is on screen; one
        # Chromium for all pages.
        shot(site, pages, 360, 1600, png)
        r = subprocess.run(["zbarimg", "--quiet", "--raw", png],
                           capture_output=True, text=True)
        sys.stdout.write(r.stdout)
        return r.returncode
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
    if len(argv) >= 6 and argv[1] == "probe":
        probe(argv[2], int(argv[3]), int(argv[4]), argv[5], argv[6:])
        return 0
    if len(argv) in (7, 8) and argv[1] == "shot":
        shot(argv[2], [argv[3]], int(argv[4]), int(argv[5]), argv[6],
             script=argv[7:] != ["--no-js"])
        return 0
    if len(argv) >= 4 and argv[1] == "qr":
        return qr(argv[2], argv[3:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
