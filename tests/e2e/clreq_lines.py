#!/usr/bin/env python3
"""clreq_lines.py BBOX.html: rebuild visual lines from the output of
`pdftotext -bbox-layout` (words grouped by page and baseline, ordered by
x) and report every line that starts with a mark clreq forbids at a line
start (at the page's left text edge: a line led by a blank pdftotext
drops does not start with the mark) or ends with one it forbids at a
line end. Exit 1 if any."""
import sys, re
import xml.etree.ElementTree as ET
NO_START = set("、，。：；！？”’）〕】》〉」』")
NO_END = set("“‘（〔【《〈「『")
data = open(sys.argv[1], encoding="utf-8").read()
data = re.sub(r"<!DOCTYPE[^>]*>", "", data)
root = ET.fromstring(data)
bad = 0
n = 0
for pno, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), 1):
    words = []
    for w in page.iter("{http://www.w3.org/1999/xhtml}word"):
        words.append((float(w.get("yMax")), float(w.get("xMin")), w.text or ""))
    words.sort()
    lines = []
    for y, x, t in words:
        if lines and abs(lines[-1][0] - y) < 2.0:
            lines[-1][1].append((x, t))
        else:
            lines.append([y, [(x, t)]])
    # A line whose first glyph sits right of the page's left text edge
    # starts with a blank pdftotext drops (a form's 　；), not a mark.
    left = min((x for y, x, t in words if t), default=0)
    for y, ws in lines:
        text = "".join(t for x, t in sorted(ws))
        if not text:
            continue
        n += 1
        at_edge = min(x for x, t in ws) - left < 1.0
        if (text[0] in NO_START and at_edge) or text[-1] in NO_END:
            bad += 1
            print("page %d y=%.1f: %s" % (pno, y, text))
print("%d visual lines, %d breaking the clreq rules" % (n, bad))
sys.exit(1 if bad else 0)
