#!/bin/sh
# Tables and figures through PDF, EPUB and the archive (issue 12), on
# tests/cases/tables: a table longer than a page with a header row,
# merged cells (rowspan, colspan, a two-row header), a table wider than
# a phone, a PNG at its natural size and a JPEG at a given width.
#   PDF: pdfimages lists both images; the cells' text reads row by row
#     (pdftotext -layout); on every page a table goes on to, the header
#     row is the top of the page's text (pdftotext -bbox); every Han
#     character of the cells and captions is in the text; same bytes
#     twice.
#   EPUB: epubcheck 0/0/0; <thead>/<th scope>, spans, a focusable named
#     scrolling region per table, <img alt> and <figcaption>, the images
#     in the manifest with their media types and their bytes unchanged;
#     at 360 px the page never scrolls sideways and the wide table
#     scrolls inside itself (Chromium, release build only).
#   Archive: the images are in the record folder, record.xml, the BagIt
#     manifest and the signature; verify accepts it, and names the image
#     when one byte of it changes.
. "$TOP/tests/e2e/lib.sh"
export FOLIO_DATADIR="$TOP"
CASE="$TOP/tests/cases/tables"
mkdir -p "$T/src"
cp "$CASE/tables.xml" "$CASE/chart.png" "$CASE/photo.jpg" "$T/src/"
SRC="$T/src/tables.xml"

# --- PDF --------------------------------------------------------------
check "pdf of the tables case" "$FOLIO" pdf "$SRC" -o "$T/t.pdf"
check "pdf again: same bytes" sh -c "'$FOLIO' pdf '$SRC' -o '$T/t2.pdf' &&
	cmp '$T/t.pdf' '$T/t2.pdf'"
pdfimages -list "$T/t.pdf" >"$T/images.txt" 2>&1
if awk 'NR > 2 && $4 == 480 && $5 == 270 && $3 == "image" { p++ }
	NR > 2 && $4 == 213 && $5 == 300 && $9 == "jpeg" { j++ }
	END { exit !(p == 1 && j == 1) }' "$T/images.txt"; then
	ok "pdfimages lists the PNG and the JPEG once each"
else
	not_ok "pdfimages lists the PNG and the JPEG once each" \
		"$(cat "$T/images.txt")"
fi
pdftotext -layout "$T/t.pdf" "$T/layout.txt"
pdftotext -bbox "$T/t.pdf" "$T/bbox.html"
pdftotext "$T/t.pdf" "$T/plain.txt"

cat >"$T/judge.py" <<'EOF'
import re, sys, html
import xml.etree.ElementTree as ET
NS = "{urn:folio:document:1}"
src, layout, bbox, plain, what = sys.argv[1:6]
doc = ET.parse(src).getroot()
tables = list(doc.iter(NS + "table"))

def cells(row):
    return ["".join(c.itertext()).strip() for c in row.findall(NS + "cell")]

def han(s):
    return [ch for ch in s if "\u3400" <= ch <= "\u9fff"]

if what == "rows":
    # A row whose cells each fit one line is one line of the layout
    # text, its cells left to right; such lines come in row order.
    lines = [l.split() for l in open(layout, encoding="utf-8")]
    bad, found, total = [], 0, 0
    for t in (tables[0], tables[2]):
        at = 0
        for row in t.findall(NS + "row"):
            want = cells(row)
            total += 1
            for k in range(at, len(lines)):
                if lines[k] == want:
                    found += 1
                    at = k + 1
                    break
            else:
                bad.append(" ".join(want))
    # Rows whose text wraps in a narrow column are not single lines:
    # at most 5 of the first table's 31 (judged by eye on the PDF).
    if total - found > 5:
        sys.exit("%d of %d rows not found as lines, in order: %s"
                 % (total - found, total, "; ".join(bad[:8])))
    # The merged table: the rows under the spans.
    for want in (["区县档案馆", "6", "6"], ["合计", "五十六家"]):
        if not any(l == want for l in lines):
            sys.exit("merged table: no line %s" % " ".join(want))
    print("%d of %d rows as lines" % (found, total))
elif what == "header":
    # Pages as lists of (yMin, word); the first table's header words.
    pages = []
    for p in re.findall(r"<page[^>]*>(.*?)</page>", open(bbox,
                        encoding="utf-8").read(), re.S):
        pages.append([(float(m.group(1)), html.unescape(m.group(2)))
                      for m in re.finditer(r'<word [^>]*yMin="([0-9.]+)"'
                                           r'[^>]*>([^<]*)</word>', p)])
    head = cells(tables[0].findall(NS + "row")[0])
    others = {w for t in tables[1:] for r in t.findall(NS + "row")
              for w in cells(r)}
    units = [cells(r)[1] for r in tables[0].findall(NS + "row")[1:]
             if cells(r)[1] not in others]
    ys = lambda pg, w: [y for y, t in pg if t == w]
    on = [i for i, pg in enumerate(pages)
          if any(t in units for _, t in pg)]
    if len(on) < 3:
        sys.exit("expected the first table on 3 pages or more, found %s"
                 % on)
    for i in on:
        top = min(y for y, _ in pages[i])
        hy = [ys(pages[i], w) for w in head]
        if not all(hy):
            sys.exit("page %d: header words %s missing" % (i + 1, head))
        # The header is the first text of a continuation page, and
        # above every unit of the page on the first one.
        uy = min(y for y, t in pages[i] if t in units)
        if not all(min(h) < uy for h in hy):
            sys.exit("page %d: header not above the rows" % (i + 1))
        if i != on[0] and min(hy[0]) - top > 1:
            sys.exit("page %d: header at y=%.1f, page text starts at "
                     "%.1f" % (i + 1, min(hy[0]), top))
    print("header on pages %s" % [i + 1 for i in on])
elif what == "raw":
    # In content-stream order the cells come row by row, each whole,
    # where the table stands (between the paragraphs around it).
    text = re.sub(r"\s+", "", open(plain, encoding="utf-8").read())
    at, n = 0, 0
    body = doc.find(NS + "body")
    for el in body.iter():
        if el.tag == NS + "p" and el.text and el.text.strip():
            want = [re.sub(r"\s+", "", el.text)]
        elif el.tag == NS + "row":
            want = [re.sub(r"\s+", "", c) for c in cells(el)]
        else:
            continue
        for w in want:
            k = text.find(w, at)
            if k < 0:
                sys.exit("not in order in pdftotext -raw: %s (after %r)"
                         % (w, text[max(0, at - 20):at]))
            at = k + len(w)
            n += 1
    print("%d paragraphs and cells in order" % n)
elif what == "han":
    text = open(plain, encoding="utf-8").read()
    want = []
    for t in tables:
        for row in t.findall(NS + "row"):
            want += han("".join(cells(row)))
    for f in doc.iter(NS + "figure"):
        c = f.find(NS + "caption")
        if c is not None:
            want += han(c.text or "")
    have = {}
    for ch in han(text):
        have[ch] = have.get(ch, 0) + 1
    need = {}
    for ch in want:
        need[ch] = need.get(ch, 0) + 1
    short = [ch for ch in need if have.get(ch, 0) < need[ch]]
    if short:
        sys.exit("missing from the PDF text: %s" % "".join(short))
    print("%d Han characters of cells and captions" % len(want))
EOF
judge() {
	python3 "$T/judge.py" "$SRC" "$T/layout.txt" "$T/bbox.html" \
		"$T/plain.txt" "$1"
}
check "pdf: cell texts row by row" judge rows
check "pdf: header row repeated at the top of each continuation page" \
	judge header
check "pdf: every Han character of cells and captions in the text" judge han
pdftotext -raw "$T/t.pdf" "$T/plain.txt"
check "pdf: paragraphs and cells in order in pdftotext -raw, row by row" \
	judge raw

# Every kind of PNG draws with the samples it holds: gray 8/16-bit, RGB
# 16-bit, RGBA, palette with tRNS, gray+alpha, interlaced (libharu's own
# loader refuses interlaced files and garbles 16-bit samples).
mkdir -p "$T/png"
cat >"$T/png/gen.py" <<'PY'
import struct, zlib
def chunk(k, d):
    return (struct.pack(">I", len(d)) + k + d +
            struct.pack(">I", zlib.crc32(k + d) & 0xffffffff))
def png(name, depth, ctype, pix, extra=b"", inter=False, w=64, h=32):
    raw = b""
    passes = ([(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
               (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)] if inter else
              [(0, 0, 1, 1)])
    for xs, ys, dx, dy in passes:
        for y in range(ys, h, dy):
            raw += b"\0" + b"".join(pix(x, y) for x in range(xs, w, dx))
    hdr = struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, int(inter))
    open(name, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", hdr) +
        extra + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
g16 = lambda x: x * 1024 + 300
png("g16.png", 16, 0, lambda x, y: struct.pack(">H", g16(x)))
png("g8.png", 8, 0, lambda x, y: bytes([x * 4]))
png("rgb16.png", 16, 2, lambda x, y: struct.pack(">HHH", g16(x), 0, 0))
png("rgba.png", 8, 6, lambda x, y: bytes([x * 4, 0, 0, 255 - x]))
png("pal.png", 8, 3, lambda x, y: bytes([x // 32]),
    chunk(b"PLTE", bytes([200, 0, 0, 0, 200, 0])) +
    chunk(b"tRNS", bytes([255, 128])))
png("ga.png", 8, 4, lambda x, y: bytes([x * 4, 200]))
png("inter.png", 8, 2, lambda x, y: bytes([x * 4, y * 8, 0]), inter=True)
figs = "".join('<figure src="%s.png"><caption>%s</caption></figure>'
               % (n, n) for n in ("g16", "g8", "rgb16", "rgba", "pal",
                                  "ga", "inter"))
open("png.xml", "w").write('<?xml version="1.0" encoding="UTF-8"?>'
    '<document xmlns="urn:folio:document:1"><meta><title>图片格式</title>'
    '<issuer>江临市档案局</issuer><date>2024-04-02</date></meta><body>'
    '<p>图片。</p>' + figs + '</body></document>')
PY
cat >"$T/png/judge.py" <<'PY'
import glob, struct, sys, zlib
def first_row(path):
    d = open(path, "rb").read()
    w, h, depth, ctype = struct.unpack(">IIBB", d[16:26])
    idat, at = b"", 8
    while at < len(d):
        n, k = struct.unpack(">I4s", d[at:at + 8])
        if k == b"IDAT":
            idat += d[at + 8:at + 8 + n]
        at += 12 + n
    raw = zlib.decompress(idat)
    bpp = {0: 1, 2: 3}[ctype]
    if depth != 8:
        sys.exit("%s: %d-bit extraction" % (path, depth))
    f, row = raw[0], bytearray(raw[1:1 + w * bpp])
    # Undo the first row's filter (the row above is all zero).
    for i in range(bpp, len(row)):
        left = row[i - bpp]
        if f in (1, 4):
            row[i] = (row[i] + left) & 255
        elif f == 3:
            row[i] = (row[i] + left // 2) & 255
    return bytes(row)
imgs = sorted(glob.glob("img-*.png"))
# 7 images, soft masks for RGBA, palette+tRNS and gray+alpha.
if len(imgs) != 10:
    sys.exit("expected 7 images and 3 masks, found %d" % len(imgs))
want = {
    0: bytes((x * 1024 + 300) >> 8 for x in range(64)),
    1: bytes(x * 4 for x in range(64)),
    2: b"".join(bytes([(x * 1024 + 300) >> 8, 0, 0]) for x in range(64)),
    3: b"".join(bytes([x * 4, 0, 0]) for x in range(64)),
    4: bytes(255 - x for x in range(64)),
    6: bytes([255] * 32 + [128] * 32),
}
for i, exp in want.items():
    got = first_row(imgs[i])
    if got != exp:
        sys.exit("%s: first row %r..., expected %r..."
                 % (imgs[i], got[:9], exp[:9]))
PY
png_kinds() {
	(cd "$T/png" && python3 gen.py && "$FOLIO" pdf png.xml -o png.pdf &&
		pdfimages -png png.pdf img && python3 judge.py)
}
check "pdf: PNGs of every kind (16-bit, palette, alpha, interlaced) draw their samples" \
	png_kinds

# --- EPUB -------------------------------------------------------------
check "epub of the tables case" "$FOLIO" epub "$SRC" -o "$T/t.epub"
epubcheck_all "$T/t.epub"
mkdir -p "$T/book"
(cd "$T/book" && unzip -q ../t.epub)
cat >"$T/epub.py" <<'EOF'
import glob, hashlib, os, re, sys
book, srcdir = sys.argv[1:3]
x = "".join(open(f, encoding="utf-8").read()
            for f in sorted(glob.glob(book + "/EPUB/*.xhtml")))
opf = open(book + "/EPUB/package.opf", encoding="utf-8").read()
need = [
    ('<div class="table-wrap" role="region" aria-label="表格1" '
     'tabindex="0"><table><thead><tr><th scope="col">序号</th>'),
    '<th scope="colgroup" colspan="2">检查单位</th>',
    '<th scope="col" rowspan="2">类别</th>',
    '<td rowspan="3">市直部门</td>', '<td colspan="3">合计</td>',
    '</thead><tbody><tr><td>1</td>',
    '<img src="images/fig1.png" alt="柱状图：',
    '<figcaption>图1　各季度检查完成情况</figcaption>',
    '<img src="images/fig2.jpg" alt="图2　档案库房检查现场"/>',
]
for n in need:
    if n not in x:
        sys.exit("not in the book: " + n)
if x.count('class="table-wrap"') != 3:
    sys.exit("expected 3 table regions")
for name, mt, src in (("fig1.png", "image/png", "chart.png"),
                      ("fig2.jpg", "image/jpeg", "photo.jpg")):
    if not re.search(r'<item id="img\d" href="images/%s" media-type="%s"/>'
                     % (re.escape(name), mt), opf):
        sys.exit("manifest lacks images/%s as %s" % (name, mt))
    a = open(book + "/EPUB/images/" + name, "rb").read()
    b = open(os.path.join(srcdir, src), "rb").read()
    if a != b:
        sys.exit("images/%s differs from %s" % (name, src))
EOF
check "epub: thead, th scope, spans, table regions, img alt, figcaption, manifest" \
	python3 "$T/epub.py" "$T/book" "$T/src"

if [ "${FOLIO_VARIANT:-release}" = release ]; then
	AXE="$TOP/build/tools/node_modules/axe-core/axe.min.js"
	if [ -f "$AXE" ] && command -v chromium >/dev/null 2>&1; then
		pages=$(cd "$T/book" && grep -l 'table-wrap' EPUB/*.xhtml)
		# shellcheck disable=SC2086 # file names without spaces
		python3 "$TOP/tests/browser.py" probe "$T/book" 360 740 "$AXE" \
			$pages >"$T/probe.json" 2>"$T/probe.err"
		if python3 - "$T/probe.json" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
wide = 0
for r in rows:
    if r.get("error") or r["scrollWidth"] > r["innerWidth"]:
        sys.exit("%s: page %s px wide at %s" % (r["page"],
                 r.get("scrollWidth"), r.get("innerWidth")))
    wide += sum(1 for s, c in r["wraps"] if s > c)
sys.exit(0 if len(rows) >= 2 and wide >= 1 else 1)
EOF
		then
			ok "epub at 360 px: the page never scrolls, the wide table scrolls inside"
		else
			not_ok "epub at 360 px: the page never scrolls, the wide table scrolls inside" \
				"$(head -c 600 "$T/probe.json") $(tail -c 300 "$T/probe.err")"
		fi
	else
		skip "epub at 360 px" "no axe-core in build/tools or no chromium: run make deps"
	fi
fi

# --- archive ----------------------------------------------------------
check "keygen" "$FOLIO" keygen -o "$T/k" --org 江临市档案局
sed -e "s|keys/signer|../k/signer|" -e "s|\.\./styles/|$TOP/styles/|" \
	-e "s|<source>notice.xml</source>|<source>tables.xml</source>|" \
	-e "/<source>opinion.xml</d" -e "/<source>interpretation.xml</d" \
	-e "/<source>\*.xml</d" -e "/<publish>/,/<\/publish>/d" \
	"$TOP/examples/batch.xml" >"$T/src/batch.xml"
check "build and archive a batch with the tables case" "$FOLIO" build \
	"$T/src/batch.xml" -o "$T/o" -q
zip=$(ls "$T"/o/*/*.zip 2>/dev/null | head -1)
code=J012-2024-D30-0001
rec="data/records/$code"
check "archive with images verifies" "$FOLIO" verify "$zip"
check "images in the record folder, record.xml, BagIt manifest, signature" \
	sh -c "
	unzip -Z1 '$zip' | grep -qx '$rec/$code.fig1.png' &&
	unzip -Z1 '$zip' | grep -qx '$rec/$code.fig2.jpg' &&
	unzip -p '$zip' '$rec/$code.fig1.png' | cmp -s - '$T/src/chart.png' &&
	unzip -p '$zip' '$rec/$code.fig2.jpg' | cmp -s - '$T/src/photo.jpg' &&
	unzip -p '$zip' '$rec/record.xml' |
		grep -q '<计算机文件名>$code.fig1.png</计算机文件名>' &&
	unzip -p '$zip' '$rec/record.xml' | grep -q '<格式信息>image/jpeg<' &&
	unzip -p '$zip' manifest-sha256.txt | grep -q '  $rec/$code.fig2.jpg\$' &&
	unzip -p '$zip' META-INF/signatures0.xml |
		grep -q 'URI=\"$rec/$code.fig1.png\"'"
cat >"$T/flip.py" <<'EOF'
import sys, zipfile
src, dst, name = sys.argv[1:4]
zin = zipfile.ZipFile(src)
with zipfile.ZipFile(dst, "w") as z:
    for i in zin.infolist():
        d = zin.read(i.filename)
        if i.filename == name:
            at = len(d) // 2
            d = d[:at] + bytes([d[at] ^ 1]) + d[at + 1:]
        zi = zipfile.ZipInfo(i.filename, i.date_time)
        zi.compress_type = i.compress_type
        zi.external_attr = i.external_attr
        z.writestr(zi, d)
EOF
tampered() {
	python3 "$T/flip.py" "$zip" "$T/bad.zip" "$rec/$code.fig1.png" || return 1
	"$FOLIO" verify "$T/bad.zip" >"$T/v.out" 2>&1
	rc=$?
	cat "$T/v.out"
	[ $rc -eq 1 ] && grep -q "$rec/$code.fig1.png" "$T/v.out"
}
check "verify names a tampered image" tampered

# --- the batch cache keys on the figures' files ------------------------
# The source stays the same; only the image it shows changes. A touch
# (same bytes) rebuilds nothing, new bytes rebuild the document, its PDF
# and the archive, and a removed image is an error at its <figure>, with
# no output left under the document's name.
B=$(dirname "$zip")
cat >"$T/png.py" <<'PY'
import struct, sys, zlib
def chunk(t, d):
    return (struct.pack(">I", len(d)) + t + d +
            struct.pack(">I", zlib.crc32(t + d) & 0xffffffff))
w, h = 96, 40
raw = b"".join(b"\0" + bytes([200, 40 + y, 30]) * w for y in range(h))
sys.stdout.buffer.write(b"\x89PNG\r\n\x1a\n" +
    chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
    chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
PY
doc_status() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))["documents"][0]
print(d["status"], d.get("error") or "")' "$B/report.json"
}
pdf_images() {
	rm -rf "$T/pi" && mkdir "$T/pi" &&
	pdfimages -png "$B/pdf/$code.pdf" "$T/pi/i" && cat "$T/pi"/*.png | md5sum
}
images_before=$(pdf_images)
rebuild() { "$FOLIO" build "$T/src/batch.xml" -o "$T/o" -q "$@"; }
check "no change: the document is skipped" sh -c "
	'$FOLIO' build '$T/src/batch.xml' -o '$T/o' -q &&
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))[\"documents\"][0]
sys.exit(d[\"status\"] != \"skipped\" or
         [f[\"src\"] for f in d[\"figures\"]] != [\"chart.png\", \"photo.jpg\"])' \
	'$B/report.json'"
touch "$T/src/chart.png"
check "image touched, same bytes: still skipped, archive kept" sh -c "
	'$FOLIO' build '$T/src/batch.xml' -o '$T/o' -q --json='$T/touch.json' &&
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(r[\"documents\"][0][\"status\"] != \"skipped\" or
         r[\"archive\"][\"status\"] != \"skipped\")' '$T/touch.json'"
python3 "$T/png.py" >"$T/src/chart.png"
check "dry run names the changed image" sh -c "
	'$FOLIO' build '$T/src/batch.xml' -o '$T/o' --dry-run 2>&1 |
		grep -q \"figure's image changed\""
check "image bytes changed: the document is built again" sh -c "
	'$FOLIO' build '$T/src/batch.xml' -o '$T/o' -q --json='$T/new.json' &&
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(r[\"documents\"][0][\"status\"] != \"built\" or
         r[\"archive\"][\"status\"] != \"built\")' '$T/new.json'"
images_after=$(pdf_images)
check "the PDF shows the new image" sh -c "
	[ '$images_before' != '$images_after' ] &&
	pdfimages -list '$B/pdf/$code.pdf' | grep -q ' 96 *40 '"
check "the archive holds the new image and verifies" sh -c "
	'$FOLIO' verify '$zip' >/dev/null &&
	unzip -p '$zip' '$rec/$code.fig1.png' | cmp -s - '$T/src/chart.png'"
rm "$T/src/chart.png"
missing() {
	rebuild >"$T/miss.out" 2>&1
	rc=$?
	cat "$T/miss.out"
	[ $rc -eq 1 ] && doc_status | grep -q '^failed .*tables.xml:[0-9]*:[0-9]*: <figure>: .*chart.png' &&
	[ ! -e "$B/pdf/$code.pdf" ] && [ ! -e "$B/epub/$code.epub" ] &&
	[ ! -e "$zip" ]
}
check "image removed: an error at its <figure>, no stale PDF, EPUB or archive" missing

# --- record.xml links each image to its <figure src> ------------------
# Images in subfolders (one shown twice: archived once); record.xml
# names each one's src, `folio ls` lists all five files with it, and
# `folio extract` restores the source with its images under the names
# it uses, so the extracted record builds again.
mkdir -p "$T/s2/img/a" "$T/s2/k"
cp "$CASE/chart.png" "$T/s2/img/chart.png"
cp "$CASE/photo.jpg" "$T/s2/img/a/photo.jpg"
sed -e 's|src="chart.png"|src="img/chart.png"|' \
	-e 's|src="photo.jpg"|src="img/a/photo.jpg"|' \
	"$CASE/tables.xml" >"$T/s2/tables.xml"
python3 - "$T/s2/tables.xml" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
at = s.rindex("<figure", 0, s.index('src="img/a/photo.jpg"'))
s = s[:at] + '<figure src="img/chart.png"/>' + s[at:]
open(p, "w", encoding="utf-8").write(s)
PY
sed -e "s|$T/src/tables.xml|$T/s2/tables.xml|" "$T/src/batch.xml" \
	>"$T/s2/batch.xml"
check "batch with images in subfolders builds and verifies" sh -c "
	'$FOLIO' build '$T/s2/batch.xml' -o '$T/o2' -q &&
	'$FOLIO' verify \$(ls '$T'/o2/*/*.zip)"
zip2=$(ls "$T"/o2/*/*.zip 2>/dev/null | head -1)
check "record.xml names each image's <figure src>, each image once" sh -c "
	unzip -p '$zip2' '$rec/record.xml' | python3 -c '
import sys, xml.etree.ElementTree as ET
ns = \"{urn:folio:record:1}\"
r = ET.parse(sys.stdin).getroot()
got = [(f.findtext(ns + \"计算机文件名\"), f.findtext(ns + \"源文件引用\"))
       for f in r.iter(ns + \"计算机文件\")]
want = [(\"$code.xml\", None), (\"$code.pdf\", None), (\"$code.epub\", None),
        (\"$code.fig1.png\", \"img/chart.png\"),
        (\"$code.fig2.jpg\", \"img/a/photo.jpg\")]
sys.exit(got != want and \"%r\" % got)' &&
	xmllint --noout --relaxng '$TOP/schemas/record.rng' \
		\$(cd '$T' && unzip -o -q '$zip2' '$rec/record.xml' -d x2 &&
		echo '$T/x2/$rec/record.xml')"
check "ls lists the five files with the source's names" sh -c "
	'$FOLIO' ls '$zip2' >'$T/ls.out' &&
	grep -q '$code.fig2.jpg  (the source.s img/a/photo.jpg)' '$T/ls.out' &&
	'$FOLIO' ls --json '$zip2' | python3 -c '
import json, sys
f = json.load(sys.stdin)[\"records\"][0][\"files\"]
sys.exit([x.get(\"src\") for x in f] !=
         [None, None, None, \"img/chart.png\", \"img/a/photo.jpg\"])'"
extracted() {
	d="$T/ex/$code"
	"$FOLIO" extract "$zip2" -o "$T/ex" || return 1
	ls -R "$T/ex"
	cmp "$d/img/chart.png" "$CASE/chart.png" &&
	cmp "$d/img/a/photo.jpg" "$CASE/photo.jpg" &&
	[ ! -e "$d/$code.fig1.png" ] && cmp "$d/$code.xml" "$T/s2/tables.xml" &&
	"$FOLIO" pdf "$d/$code.xml" -o "$T/ex.pdf" &&
	[ "$(pdfimages -list "$T/ex.pdf" | tail -n +3 | wc -l)" -ge 2 ]
}
check "extract restores the source with its images under its names; it builds" extracted
check "extract again without --force refuses, leaving what is there" sh -c "
	! '$FOLIO' extract '$zip2' -o '$T/ex' 2>/dev/null &&
	cmp '$T/ex/$code/img/chart.png' '$CASE/chart.png'"
merged() {
	for s in 1/2 2/2; do
		"$FOLIO" build "$T/s2/batch.xml" -o "$T/o3" -q --shard=$s || return 1
	done
	"$FOLIO" build "$T/s2/batch.xml" -o "$T/o3" -q --merge --no-site || return 1
	z=$(ls "$T"/o3/*/*.zip) && "$FOLIO" verify "$z" >/dev/null &&
	unzip -p "$z" "$rec/$code.fig2.jpg" | cmp -s - "$CASE/photo.jpg" &&
	unzip -p "$z" "$rec/record.xml" |
		grep -q '<源文件引用>img/a/photo.jpg</源文件引用>'
}
check "shards merged: the images and their links from the shards' reports" merged
