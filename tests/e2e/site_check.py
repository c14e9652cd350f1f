#!/usr/bin/env python3
"""Static checks of a batch's site against the batch's own outputs.

    site_check.py BATCH_DIR BASE_URL|-

BATCH_DIR is out/<batch> after `folio build`; BASE_URL the base the
site was built with, "-" for none. What is expected comes from the
build's report.json and from the EPUBs themselves (dc:identifier,
dc:title, dc:creator of each package document), never from folio's
site code. Prints "ok - ..." / "not ok - ...: why" lines.

Checks: every document with outputs has a page and its files (the same
bytes as the outputs); every HTML page is zh-CN, has a viewport, loads
nothing from outside the site, and every link or resource in it resolves
to a file of the site (absolute ones only under the base URL); download
names are <档号>-<title> made safe; the index lists every document with
its title, 文号, issuer, date, pages and both links, all visible without
script; QR codes exactly when a base URL is set; the OPDS feeds (read
with feedparser, an independent Atom parser) hold one entry per
document across their pages, with the EPUB's identifier, title, issuer,
dates, summary, and acquisition links that resolve to the very bytes of
the EPUB and PDF; the year and 文种 navigation feeds lead to feeds that
together hold every document once.
"""
import html.parser
import json
import os
import re
import sys
import urllib.parse
import xml.etree.ElementTree as ET
import zipfile

import feedparser

failures = 0


def ok(name):
    print("ok - " + name)


def not_ok(name, why):
    global failures
    failures += 1
    print("not ok - %s: %s" % (name, str(why)[:600]))


def check(name, cond, why=""):
    if cond:
        ok(name)
    else:
        not_ok(name, why)


class Page(html.parser.HTMLParser):
    """Collects what the checks need from one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []          # (tag, attrs dict)
        self.text = []
        self.stack = []
        self.h1 = ""
        self.in_h1 = False
        self.li_docs = []       # text of each li.doc
        self.li_depth = None
        self.cur_li = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "h1":
            self.in_h1 = True
        if tag == "li" and "doc" in (a.get("class") or "").split():
            self.cur_li = {"attrs": a, "text": [], "links": []}
        if tag == "a" and self.cur_li is not None:
            self.cur_li["links"].append(a)

    def handle_endtag(self, tag):
        if tag == "h1":
            self.in_h1 = False
        if tag == "li" and self.cur_li is not None:
            self.li_docs.append(self.cur_li)
            self.cur_li = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)
        if self.in_h1:
            self.h1 += data
        if self.cur_li is not None:
            self.cur_li["text"].append(data)


def opf_of(epub):
    """dc:identifier, dc:title, dc:creator of an EPUB's package."""
    with zipfile.ZipFile(epub) as z:
        c = ET.fromstring(z.read("META-INF/container.xml"))
        ns = "{urn:oasis:names:tc:opendocument:xmlns:container}"
        path = c.find(".//%srootfile" % ns).get("full-path")
        p = ET.fromstring(z.read(path))
    dc = "{http://purl.org/dc/elements/1.1/}"
    return {
        "id": p.find(".//%sidentifier" % dc).text.strip(),
        "title": p.find(".//%stitle" % dc).text.strip(),
        "creator": p.find(".//%screator" % dc).text.strip(),
    }


UNSAFE = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f\s\u200b-\u200f'
                    r'\u2028-\u202e\u2060-\u206f\ufeff]')


def main():
    batch, base = sys.argv[1], sys.argv[2]
    base = "" if base == "-" else base
    site = os.path.join(batch, "site")
    with open(os.path.join(batch, "report.json"), encoding="utf-8") as f:
        report = json.load(f)
    docs = [d for d in report["documents"]
            if d["status"] in ("built", "skipped")]
    meta = {}
    for d in docs:
        code = d["code"]
        meta[code] = opf_of(os.path.join(batch, "epub", code + ".epub"))

    def to_site_path(url, page_dir):
        """The file a link points at, or None when it leaves the site."""
        u = urllib.parse.urlsplit(url)
        if u.scheme in ("http", "https"):
            if not base or not url.startswith(base):
                return None
            rel = urllib.parse.unquote(url[len(base):].split("#")[0])
            return os.path.normpath(os.path.join(site, rel))
        if u.scheme or url.startswith("//"):
            return None
        rel = urllib.parse.unquote(u.path)
        if rel == "":
            return None
        return os.path.normpath(os.path.join(page_dir, rel))

    # ---- pages and files of every document ----
    missing = []
    for d in docs:
        code = d["code"]
        for rel, out in (("docs/%s.html" % code, None),
                         ("files/%s.epub" % code, "epub/%s.epub" % code),
                         ("files/%s.pdf" % code, "pdf/%s.pdf" % code)):
            p = os.path.join(site, rel)
            if not os.path.isfile(p):
                missing.append(rel)
            elif out and open(p, "rb").read() != \
                    open(os.path.join(batch, out), "rb").read():
                missing.append(rel + " (differs from " + out + ")")
    check("site: a page and both files for each of %d documents"
          % len(docs), not missing, missing)

    # ---- every HTML page ----
    pages = ["index.html"] + ["docs/%s.html" % d["code"] for d in docs]
    parsed = {}
    bad_links, external, bad_names, heads = [], [], [], []
    for rel in pages:
        path = os.path.join(site, rel)
        with open(path, encoding="utf-8") as f:
            src = f.read()
        pg = Page()
        pg.feed(src)
        parsed[rel] = pg
        html_tag = [a for t, a in pg.tags if t == "html"]
        if not html_tag or html_tag[0].get("lang") != "zh-CN":
            heads.append(rel + ": lang")
        if not any(t == "meta" and a.get("name") == "viewport"
                   for t, a in pg.tags):
            heads.append(rel + ": viewport")
        page_dir = os.path.dirname(path)
        for t, a in pg.tags:
            for attr in ("href", "src"):
                if attr not in a:
                    continue
                url = a[attr]
                if url.startswith("#"):
                    target = url[1:]
                    if not any(x.get("id") == target for _, x in pg.tags):
                        bad_links.append("%s: %s" % (rel, url))
                    continue
                if re.match(r"^(https?:)?//", url) and not (
                        base and url.startswith(base)):
                    external.append("%s: <%s %s=%s>" % (rel, t, attr, url))
                    continue
                if base and url.startswith(base) and \
                        not (t == "link" and a.get("rel") == "canonical"):
                    # Pages link relatively; only canonical is absolute.
                    external.append("%s: absolute %s" % (rel, url))
                target = to_site_path(url, page_dir)
                if target is None or not target.startswith(site + os.sep) \
                        or not os.path.isfile(target):
                    bad_links.append("%s: %s" % (rel, url))
            if t == "a" and "download" in a:
                name, href = a["download"], a.get("href", "")
                code, ext = os.path.basename(href).rsplit(".", 1)
                title = meta.get(code, {}).get("title", "")
                stem = name[:-len(ext) - 1]
                part = stem[len(code) + 1:]
                # The title with every unsafe run as one "_", trimmed,
                # possibly cut short (a prefix of it).
                safe = re.sub("_+", "_", UNSAFE.sub("_", title)).strip("_.")
                if not name.endswith("." + ext) or \
                        not stem.startswith(code + "-") or \
                        UNSAFE.search(part) or not part or \
                        len(name.encode()) > 255 or \
                        not safe.startswith(part):
                    bad_names.append("%s: %s (title %s)"
                                     % (rel, name, title))
    check("html: every page is lang=zh-CN with a viewport", not heads,
          heads)
    check("html: every link and resource resolves to a file of the site",
          not bad_links, bad_links[:10])
    check("html: no request outside the site (absolute links only "
          "to the base URL, in rel=canonical)", not external, external[:10])
    check("html: download names are <档号>-<title>, safe characters",
          not bad_names, bad_names[:10])

    # ---- the index: every document, usable without script ----
    index = parsed["index.html"]
    problems = []
    if len(index.li_docs) != len(docs):
        problems.append("%d cards for %d documents"
                        % (len(index.li_docs), len(docs)))
    for d, li in zip(docs, index.li_docs):
        code, text = d["code"], "".join(li["text"])
        m = meta[code]
        hrefs = [a.get("href") for a in li["links"]]
        for want in (m["title"], m["creator"], str(d["pages"])):
            if want not in text:
                problems.append("%s: no %r" % (code, want))
        for want in ("docs/%s.html" % code, "files/%s.epub" % code,
                     "files/%s.pdf" % code):
            if want not in hrefs:
                problems.append("%s: no link %s" % (code, want))
        if "hidden" in li["attrs"]:
            problems.append(code + ": hidden without script")
    forms = [a for t, a in index.tags if t == "form"]
    if not forms or "hidden" not in forms[0]:
        problems.append("the filter form is not hidden without script")
    check("index: every document with title, issuer, pages, page and "
          "download links, in batch order, visible without script",
          not problems, problems[:10])

    # ---- document pages ----
    problems = []
    for d in docs:
        code = d["code"]
        pg = parsed["docs/%s.html" % code]
        if pg.h1.strip() != meta[code]["title"]:
            problems.append("%s: h1 %r" % (code, pg.h1))
        svgs = [a for t, a in pg.tags if t == "svg"]
        url = base + "docs/%s.html" % code
        if base:
            if len(svgs) != 1 or url not in svgs[0].get("aria-label", ""):
                problems.append(code + ": no QR code for " + url)
        elif svgs:
            problems.append(code + ": QR code without a base URL")
        dl = [a for t, a in pg.tags if t == "a" and "download" in a]
        if len(dl) != 2:
            problems.append(code + ": %d download links" % len(dl))
    check("pages: title as in the EPUB, two downloads, QR code %s"
          % ("pointing at the page" if base else "absent (no base URL)"),
          not problems, problems[:10])

    # ---- feeds ----
    def feed_path(href, feed_file):
        target = to_site_path(href, os.path.dirname(feed_file))
        return target if target and os.path.isfile(target) else None

    def read_feed(path):
        """Every page of a feed, following rel=next; returns (entries,
        problems, first page's parsed feed)."""
        entries, problems, first, seen = [], [], None, set()
        while path and path not in seen:
            seen.add(path)
            f = feedparser.parse(path)
            if f.bozo:
                problems.append("%s: %s" % (path, f.bozo_exception))
                break
            if f.version != "atom10":
                problems.append("%s: version %s" % (path, f.version))
            first = first or f
            for e in f.entries:
                entries.append((path, e))
            nxt = [l["href"] for l in f.feed.get("links", [])
                   if l.get("rel") == "next"]
            path = feed_path(nxt[0], path) if nxt else None
            if nxt and path is None:
                problems.append("next link does not resolve: " + nxt[0])
        return entries, problems, first

    root = os.path.join(site, "opds.xml")
    entries, problems, first = read_feed(root)
    by_id = {}
    for path, e in entries:
        by_id.setdefault(e.get("dcterms_identifier"), []).append((path, e))
    want = {meta[d["code"]]["id"]: d for d in docs}
    if set(by_id) != set(want):
        problems.append("identifiers differ: feed %s, EPUBs %s"
                        % (sorted(by_id)[:3], sorted(want)[:3]))
    if any(len(v) != 1 for v in by_id.values()):
        problems.append("an identifier appears twice")
    check("opds: feedparser reads opds.xml and its %d page(s): one entry "
          "per document, dc:identifier = the EPUB's urn:uuid"
          % max(1, (len(docs) + 99) // 100), not problems, problems[:10])

    problems = []
    resolved = 0
    for ident, d in want.items():
        if ident not in by_id:
            continue
        path, e = by_id[ident][0]
        code, m = d["code"], meta[d["code"]]
        if e.get("title") != m["title"]:
            problems.append("%s: title %r" % (code, e.get("title")))
        if e.get("author") != m["creator"]:
            problems.append("%s: author %r" % (code, e.get("author")))
        if not e.get("updated") or not e.get("published"):
            problems.append(code + ": no updated or dc:issued")
        if not e.get("summary"):
            problems.append(code + ": no summary")
        if e.get("id") == ident:
            problems.append(code + ": atom:id equals dc:identifier")
        acq = {}
        for l in e.get("links", []):
            if l.get("rel", "").startswith("http://opds-spec.org/"
                                           "acquisition"):
                acq[l.get("type")] = l.get("href")
            if base and not l.get("href", "").startswith(base):
                problems.append("%s: relative link with a base URL: %s"
                                % (code, l.get("href")))
        for mtype, out in (("application/epub+zip", "epub/%s.epub" % code),
                           ("application/pdf", "pdf/%s.pdf" % code)):
            href = acq.get(mtype)
            target = href and feed_path(href, path)
            if not target:
                problems.append("%s: no %s link that resolves (%s)"
                                % (code, mtype, href))
            elif open(target, "rb").read() != \
                    open(os.path.join(batch, out), "rb").read():
                problems.append("%s: %s is not the output" % (code, href))
            else:
                resolved += 1
        alt = [l["href"] for l in e.get("links", [])
               if l.get("rel") == "alternate"]
        if not alt or not feed_path(alt[0], path):
            problems.append(code + ": alternate link to its page")
    check("opds: entries carry title, author (issuer), dates, summary; "
          "%d acquisition links (EPUB, PDF) resolve to the outputs"
          % resolved, not problems, problems[:10])

    # ---- navigation by year and by 文种 ----
    root_pos = {x.get("dcterms_identifier"): k
                for k, (_, x) in enumerate(entries)}
    for nav, what in (("opds/years.xml", "year"), ("opds/types.xml",
                                                   "文种")):
        problems, seen = [], []
        f = feedparser.parse(os.path.join(site, nav))
        if f.bozo:
            problems.append(str(f.bozo_exception))
        if "kind=navigation" not in "".join(
                l.get("type", "") for l in f.feed.get("links", [])
                if l.get("rel") == "self"):
            problems.append("self link is not kind=navigation")
        for e in f.entries:
            sub = [l for l in e.get("links", [])
                   if l.get("rel") == "subsection"]
            target = sub and feed_path(sub[0]["href"],
                                       os.path.join(site, nav))
            if not target:
                problems.append("%s: no subsection feed" % e.get("title"))
                continue
            got, p, _ = read_feed(target)
            problems += p
            ids = [x.get("dcterms_identifier") for _, x in got]
            seen += ids
            # Each feed keeps the root feed's order (newest first, then
            # 档号), and a 文种's feed holds documents of that 文种 only.
            pos = [root_pos.get(i, -1) for i in ids]
            if pos != sorted(pos):
                problems.append("%s: not in the root feed's order" % target)
            if what == "文种":
                name = e.get("title", "")
                for _, x in got:
                    terms = [t.get("term") for t in x.get("tags", [])]
                    if terms != ([] if name == "未注明文种" else [name]):
                        problems.append("%s (文种 %s) in the feed of %s"
                                        % (x.get("dcterms_identifier"),
                                           terms, name))
            if what == "year":
                year = e.get("title", "")[:4]
                for ident in ids:
                    if ident in want and not str(
                            opf_year(batch, want[ident])).startswith(year):
                        problems.append("%s in year %s" % (ident, year))
        if sorted(seen) != sorted(want):
            problems.append("the %s feeds hold %d entries for %d documents"
                            % (what, len(seen), len(want)))
        check("opds: navigation by %s leads to feeds holding every "
              "document once" % what, not problems, problems[:10])
    return 1 if failures else 0


def opf_year(batch, d):
    """The year of a document's date, from its PDF-independent source:
    the EPUB's dc:date."""
    with zipfile.ZipFile(os.path.join(batch, "epub",
                                      d["code"] + ".epub")) as z:
        for name in z.namelist():
            if name.endswith(".opf"):
                p = ET.fromstring(z.read(name))
                date = p.find(".//{http://purl.org/dc/elements/1.1/}date")
                return date.text.strip()[:4] if date is not None else ""
    return ""


if __name__ == "__main__":
    sys.exit(main())
