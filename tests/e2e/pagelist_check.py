#!/usr/bin/env python3
"""Does an EPUB's print page list match its PDF?

usage: pagelist_check.py NAME BOOK.epub PRINT.pdf [PAGE_SOURCE]

Prints TAP-like lines ("ok - ..." / "not ok - ...: why"):
  pages     the page-list nav has exactly as many entries as the PDF has
            pages (pdfinfo), in order, labelled 1, 2, ... as the PDF
            prints them (its "— N —" line), each linking to a marker
            <span epub:type="pagebreak" role="doc-pagebreak" id aria-label>
            with the same label, and the spine holds exactly those
            markers, in page order; the package names PAGE_SOURCE as the
            source of the pagination (dc:source refined by source-of
            "pagination") and declares printPageNumbers;
  starts    for every page N, the first non-space character after
            marker N in the spine text equals the first non-space
            character of `pdftotext -f N -l N` of the PDF.

What is compared, exactly:
  spine text  the text nodes of the spine documents in spine order (the
              navigation document is not in the spine), with each item of
              an <ol> preceded by its number and "." as the stylesheet
              draws it (decimal), markers as boundaries;
  PDF text    pdftotext's text of page N, without its furniture: the page
              number line ("— N —", the whole line) and, on page 1, the
              版头 above the title: when a line above the title's first
              line holds the 文号 (the EPUB title page's h1.title and
              p.docnum), that line and every line before it (the
              发文机关标志); the 版记 is not removed (the EPUB ends with
              it too).
  space       Unicode white space, U+3000 included, is skipped on both
              sides.
"""
import re
import subprocess
import sys
import zipfile
import xml.etree.ElementTree as ET

XHTML = "{http://www.w3.org/1999/xhtml}"
OPS = "{http://www.idpf.org/2007/ops}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
MARK = "\uE000"  # stands for a marker in the spine text

PAGE_NUMBER = re.compile(r"^[—–\-]?\s*(\d+)\s*[—–\-]?$")


def fail(name, why):
    print("not ok - %s: %s" % (name, why))


def parse(z, path):
    return ET.fromstring(z.read(path))


def spine_docs(z):
    opf = parse(z, "EPUB/package.opf")
    items = {i.get("id"): i.get("href")
             for i in opf.iter(OPF + "item")}
    return opf, ["EPUB/" + items[r.get("idref")]
                 for r in opf.iter(OPF + "itemref")]


def walk(el, out, marks, doc):
    """Text of el in document order; markers as MARK, noted in marks."""
    if el.get(OPS + "type") == "pagebreak":
        marks.append((doc, el))
        out.append(MARK)
    if el.tag == XHTML + "ol":
        n = 0
        for li in el:
            if li.tag == XHTML + "li":
                n += 1
                li.set("data-n", str(n))
    if el.tag == XHTML + "li" and el.get("data-n"):
        out.append(el.get("data-n") + ".")
    if el.text:
        out.append(el.text)
    for ch in el:
        walk(ch, out, marks, doc)
        if ch.tail:
            out.append(ch.tail)


def first_char(s):
    for c in s:
        if c != MARK and not c.isspace():
            return c
    return ""


def pdf_pages(pdf):
    info = subprocess.run(["pdfinfo", pdf], capture_output=True,
                          text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pdf_page_text(pdf, n):
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(n),
                           "-l", str(n), pdf, "-"], capture_output=True,
                          text=True, check=True).stdout


def squeeze(s):
    return "".join(c for c in s if not c.isspace())


def main():
    name, epub, pdf = sys.argv[1:4]
    source = sys.argv[4] if len(sys.argv) > 4 else None
    z = zipfile.ZipFile(epub)
    opf, spine = spine_docs(z)
    text, marks = [], []
    docnum = title = None
    for d in spine:
        root = parse(z, d)
        for p in root.iter():
            if p.get("class") == "docnum" and docnum is None:
                docnum = squeeze("".join(p.itertext()))
            if p.get("class") == "title" and title is None:
                title = squeeze("".join(p.itertext()))
        walk(root, text, marks, d)
    text = "".join(text)

    errors = []
    n_pdf = pdf_pages(pdf)
    nav = parse(z, "EPUB/nav.xhtml")
    lists = [n for n in nav.iter(XHTML + "nav")
             if n.get(OPS + "type") == "page-list"]
    entries = []
    if len(lists) != 1:
        errors.append("%d page-list navs" % len(lists))
    else:
        if lists[0].get("role") != "doc-pagelist":
            errors.append("page-list without role doc-pagelist")
        entries = [a for a in lists[0].iter(XHTML + "a")]
    if len(entries) != n_pdf:
        errors.append("page list of %d entries, PDF of %d pages"
                      % (len(entries), n_pdf))
    if len(marks) != n_pdf:
        errors.append("%d markers in the spine, PDF of %d pages"
                      % (len(marks), n_pdf))
    ids = [m.get("id") for _, m in marks]
    if ids != ["page-%d" % (i + 1) for i in range(len(marks))]:
        errors.append("markers out of page order: %s" % ids[:20])
    by_id = {m.get("id"): (doc, m) for doc, m in marks}
    pdf_text = [pdf_page_text(pdf, i + 1) for i in range(n_pdf)]
    for i, a in enumerate(entries):
        href = a.get("href", "")
        doc, _, frag = href.partition("#")
        got = by_id.get(frag)
        label = "".join(a.itertext())
        if got is None or got[0] != "EPUB/" + doc:
            errors.append("entry %d links to %s, no marker there"
                          % (i + 1, href))
            continue
        m = got[1]
        if m.get("role") != "doc-pagebreak" or \
           m.get("aria-label") != label:
            errors.append("marker %s: role %s, label %s, entry %s" % (
                frag, m.get("role"), m.get("aria-label"), label))
        if i < n_pdf:
            printed = [PAGE_NUMBER.match(l.strip()) for l in
                       pdf_text[i].splitlines()]
            printed = [p.group(1) for p in printed if p]
            if printed and printed[-1] != label:
                errors.append("page %d prints %s, labelled %s"
                              % (i + 1, printed[-1], label))
    meta = opf.find(OPF + "metadata")
    srcs = {s.get("id"): "".join(s.itertext())
            for s in meta.iter(DC + "source")}
    refined = [m.get("refines", "")[1:] for m in meta.iter(OPF + "meta")
               if m.get("property") == "source-of" and
               "".join(m.itertext()) == "pagination"]
    if not refined or refined[0] not in srcs:
        errors.append("no dc:source refined by source-of pagination")
    elif source is not None and srcs[refined[0]] != source:
        errors.append("pagination source '%s', want '%s'"
                      % (srcs[refined[0]], source))
    if "printPageNumbers" not in [
            "".join(m.itertext()) for m in meta.iter(OPF + "meta")
            if m.get("property") == "schema:accessibilityFeature"]:
        errors.append("no accessibilityFeature printPageNumbers")
    if errors:
        fail("pages " + name, "; ".join(errors[:6]))
    else:
        print("ok - pages %s: %d pages, %d entries, %d markers, source "
              "'%s'" % (name, n_pdf, len(entries), len(marks),
                        srcs[refined[0]]))

    # Page starts: spine text after marker N against page N of the PDF.
    pieces = text.split(MARK)[1:]
    bad = []
    for i in range(min(n_pdf, len(pieces))):
        lines = [l for l in pdf_text[i].splitlines()
                 if not PAGE_NUMBER.match(l.strip())]
        if i == 0 and docnum and title:
            top = [k for k, l in enumerate(lines)
                   if squeeze(l) and title.startswith(squeeze(l))]
            cut = [k for k, l in enumerate(lines[:top[0] if top else 0])
                   if docnum in squeeze(l)]
            if cut:
                lines = lines[cut[0] + 1:]
        want = first_char("\n".join(lines))
        # A marker directly followed by the next one begins an empty
        # page: its first character is the next page's.
        got = first_char("".join(pieces[i:]))
        if got != want or want == "":
            bad.append("page %d: EPUB '%s' (%s) PDF '%s' (%s)" % (
                i + 1, got, squeeze("".join(pieces[i:]))[:12], want,
                squeeze("\n".join(lines))[:12]))
    if len(pieces) < n_pdf:
        bad.append("%d pages without a marker" % (n_pdf - len(pieces)))
    if bad:
        fail("starts " + name, "%d of %d pages: %s" % (
            len(bad), n_pdf, "; ".join(bad[:5])))
    else:
        print("ok - starts %s: the first character after each of %d "
              "markers is the first of its PDF page" % (name, n_pdf))


if __name__ == "__main__":
    main()
