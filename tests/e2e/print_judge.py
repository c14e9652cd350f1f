#!/usr/bin/env python3
"""Judge a folio PDF from the PDF alone (GB/T 9704 print quality).

    print_judge.py FILE.pdf [--title-words W1,W2,...]

Glyph boxes come from MuPDF's structured text (`mutool convert -F stext`),
which reads the file as any viewer does; the page-number dashes are found
in pixels rendered by poppler (`pdftoppm -gray`). Nothing comes from the
layout's own numbers. Checks, on every page:
  - no gap between two glyphs of a line wider than half an em beyond the
    quarter em allowed between Han and Latin;
  - every full line (one followed by a continuation line, which starts
    at the text block's left edge) flush at both edges of the text block
    (28 mm, 184 mm), +-0.5 pt (a line-end mark's blank half may hang);
  - no line ends with a digit whose counter (号 年 月 日 ...) starts the
    next line;
  - no title line break inside one of the listed words, a bracketed
    group or a number;
  - every title of several lines a 梯形 (no line longer than the one
    below) or a 菱形 (longer down to a middle line, then shorter), not a
    rectangle, from its glyph boxes (+-0.5 em);
  - the page number's dash ink 7 mm +-0.5 below the text block.
Prints what it measured and exits 1 with the first failures listed.
"""
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

MM = 72 / 25.4
LEFT, RIGHT = 28 * MM, (28 + 156) * MM
BLOCK_BOTTOM_MM = 37 + 225
COUNTERS = set("号年月日时分秒条款项章节个名次元角万亿%‰")
HANG = set("、，。：；！？”’）〕】》〉」』")
OPEN = set("“‘（〔【《〈「『")
CLOSE = set("”’）〕】》〉」』")


def is_han(c):
    return ord(c) >= 0x2E80


def is_latin_letter(c):
    return c.isascii() and c.isalpha()


def lines_of(pdf):
    # inhibit-spaces: MuPDF otherwise fills wide gaps with spaces whose
    # boxes hide the very gaps measured here
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["mutool", "convert", "-F", "stext", "-O",
                        "inhibit-spaces", "-o", d + "/t.stext", pdf],
                       capture_output=True, check=True)
        out = open(d + "/t.stext", "rb").read()
    root = ET.fromstring(out)
    pages = []
    for page in root.iter("page"):
        lines = []
        for font in page.iter("font"):
            pass
        for line in page.iter("line"):
            chars = []
            for font in line.iter("font"):
                size = float(font.get("size"))
                for ch in font.iter("char"):
                    q = [float(v) for v in ch.get("quad").split()]
                    chars.append((ch.get("c"), q[0], q[2], q[1], size))
            if chars:
                lines.append(chars)
        # mutool may split one visual line: merge by baseline
        merged = {}
        for ln in lines:
            key = round(ln[0][3] + ln[0][4], 0)
            merged.setdefault((key, ln[0][4]), []).extend(ln)
        vis = []
        for (key, size), chars in merged.items():
            chars.sort(key=lambda c: c[1])
            vis.append({"y": chars[0][3], "size": size, "chars": chars,
                        "text": "".join(c[0] for c in chars)})
        vis.sort(key=lambda l: l["y"])
        pages.append(vis)
    return pages


def dash_offsets(pdf, n_pages):
    """Distance (mm) below the text block of each page's dash ink."""
    res = []
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["pdftoppm", "-gray", "-r", "150", pdf, d + "/p"],
                       check=True)
        for i in range(1, n_pages + 1):
            names = [d + "/p-%d.pgm" % i, d + "/p-%02d.pgm" % i,
                     d + "/p-%03d.pgm" % i]
            data = None
            for n in names:
                try:
                    data = open(n, "rb").read()
                    break
                except OSError:
                    pass
            m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
            w, h = int(m.group(1)), int(m.group(2))
            px = data[m.end():]
            # from 2 mm below the block: the 版记's last rule lies on
            # the block's bottom edge
            top = int((BLOCK_BOTTOM_MM + 2) / 25.4 * 150)
            rows = []
            for y in range(top, h):
                row = px[y * w:(y + 1) * w]
                run = best = 0
                for v in row:
                    run = run + 1 if v < 128 else 0
                    best = max(best, run)
                # a dash: a horizontal stroke at least 3 mm long
                if best >= 3 / 25.4 * 150:
                    rows.append(y)
            if not rows:
                res.append(None)
                continue
            mid = (rows[0] + rows[-1] + 1) / 2
            res.append(mid / 150 * 25.4 - BLOCK_BOTTOM_MM)
    return res


def title_blocks(titles):
    """Runs of 22 pt lines one line pitch apart: one title each."""
    blocks = []
    for l in titles:
        if blocks and abs(l["y"] - blocks[-1][-1]["y"] - 225 / 22 * MM) < 1:
            blocks[-1].append(l)
        else:
            blocks.append([l])
    return blocks


def shape_fault(w, tol=0.5):
    """Why line widths w (em, top first) are neither a 梯形 (no line
    longer than the one below) nor a 菱形 (longer down to a middle
    line, then shorter), or a rectangle; None when they are a shape."""
    if len(w) < 2:
        return None
    if all(abs(x - w[0]) < tol for x in w):
        return "a rectangle"
    falling = False
    for k, (a, b) in enumerate(zip(w, w[1:])):
        if b < a - tol:
            if not falling and k == 0:
                return "the first line is longer than the second"
            falling = True
        elif b > a + tol and falling:
            return "lines shrink, then grow again"
    if falling and not any(b > a + tol for a, b in zip(w, w[1:])):
        return "no line is longer than the first"
    return None


def main():
    pdf = sys.argv[1]
    words = []
    if len(sys.argv) > 3 and sys.argv[2] == "--title-words":
        words = [w for w in sys.argv[3].split(",") if w]
    pages = lines_of(pdf)
    bad = []
    worst_gap = 0.0
    full = 0
    shapes = []
    for pi, lines in enumerate(pages):
        body = [l for l in lines if abs(l["size"] - 16) < 0.6]
        for l in lines:
            if abs(l["size"] - 14) < 0.6:
                continue  # page numbers and 版记 (set apart by design)
            em = l["size"]
            cs = l["chars"]
            for a, b in zip(cs, cs[1:]):
                gap = b[1] - a[2]
                allowed = 0.0
                if (is_han(a[0]) and b[0].isascii()) or \
                   (a[0].isascii() and is_han(b[0])):
                    allowed = 0.25 * em
                extra = gap - allowed
                if l in body:
                    worst_gap = max(worst_gap, extra / em)
                if extra > 0.5 * em + 0.05 and l in body:
                    bad.append("p%d: gap of %.2f em between %r and %r in "
                               "%r" % (pi + 1, extra / em, a[0], b[0],
                                       l["text"][:30]))
        # continuation pairs, across the page end too
        seq = body
        nxt_first = None
        if pi + 1 < len(pages):
            nb = [l for l in pages[pi + 1] if abs(l["size"] - 16) < 0.6]
            nxt_first = nb[0] if nb else None
        for k, l in enumerate(seq):
            n = seq[k + 1] if k + 1 < len(seq) else nxt_first
            if n is None:
                continue
            if k + 1 < len(seq) and abs(n["y"] - l["y"] - 225 / 22 * MM) > 1:
                continue
            # across a page end only from the last band of the page
            if k + 1 == len(seq) and l["y"] < (37 + 225) * MM - 225 / 22 * MM:
                continue
            if abs(n["chars"][0][1] - LEFT) > 0.5:
                continue  # next line is not a continuation
            full += 1
            x0 = l["chars"][0][1]
            x1 = l["chars"][-1][2]
            last = l["chars"][-1][0]
            if abs(x0 - LEFT) > 0.5 and abs(x0 - LEFT - 2 * 15.79) > 0.5:
                bad.append("p%d: full line starts at %.2f pt, not the block "
                           "edge: %r" % (pi + 1, x0, l["text"][:30]))
            ok_right = abs(x1 - RIGHT) <= 0.5 or \
                (last in HANG and abs(x1 - 0.5 * 16 - RIGHT) <= 0.5)
            if not ok_right:
                bad.append("p%d: full line ends at %.2f pt, block edge "
                           "%.2f: %r" % (pi + 1, x1, RIGHT, l["text"][-30:]))
            if last.isdigit() and n["text"][0] in COUNTERS:
                bad.append("p%d: number split from its counter: %r / %r" %
                           (pi + 1, l["text"][-8:], n["text"][:4]))
        # titles: consecutive 22 pt lines
        titles = [l for l in lines if abs(l["size"] - 22) < 0.6]
        for block in title_blocks(titles):
            widths = [(l["chars"][-1][2] - l["chars"][0][1]) / 22
                      for l in block]
            shapes.append("/".join("%.1f" % w for w in widths))
            why = shape_fault(widths)
            if why:
                bad.append("p%d: title lines %s em wide: %s" %
                           (pi + 1, shapes[-1], why))
        for a, b in zip(titles, titles[1:]):
            joint = a["text"] + b["text"]
            cut = len(a["text"])
            for w in words:
                for m in re.finditer(re.escape(w), joint):
                    if m.start() < cut < m.end():
                        bad.append("p%d: title broken inside %r: %r / %r" %
                                   (pi + 1, w, a["text"], b["text"]))
            if a["text"][-1].isdigit() and b["text"][0].isdigit():
                bad.append("p%d: title broken inside a number" % (pi + 1))
            depth = sum(1 for c in a["text"] if c in OPEN) - \
                sum(1 for c in a["text"] if c in CLOSE)
            if depth > 0:
                bad.append("p%d: title broken inside brackets: %r / %r" %
                           (pi + 1, a["text"], b["text"]))
    offs = dash_offsets(pdf, len(pages))
    for pi, o in enumerate(offs):
        if o is None or abs(o - 7) > 0.5:
            bad.append("p%d: page-number dash %s below the block, want "
                       "7 mm" % (pi + 1, "not found" if o is None else
                                 "%.2f mm" % o))
    print("%d pages, %d full lines, largest extra gap %.2f em, dashes at "
          "%s mm, titles %s em" % (len(pages), full, worst_gap,
                     ", ".join("%.2f" % o for o in offs if o is not None),
                     ", ".join(shapes) or "none"))
    for b in bad[:15]:
        print("  " + b)
    sys.exit(1 if bad else 0)


main()
