#!/bin/sh
# folio import FILE.docx on Word files written by three programs: our own
# WordprocessingML (docx_make.py: auto-numbering, tracked changes, a
# field, a comment, a footnote, a merged-cell table, an image, a 版记
# layout table), pandoc (Markdown, and HTML for merged cells) and
# LibreOffice (HTML). Each goes import -> check -> pdf -> epub; every Han
# character of the Word text appears in order in pdftotext's output and
# in the EPUB spine, table cells row by row, the image in pdfimages.
# Then the bad inputs: truncated, a 1 GiB part, an external image, a
# DOCTYPE, an encrypted file, .doc/.wps/.odt: a clear message naming the
# file, non-zero exit, nothing written.
. "$TOP/tests/e2e/lib.sh"

MAKE="$TOP/tests/e2e/docx_make.py"
RNG="$TOP/schemas/document.rng"
FX="$T/fx"

python3 "$MAKE" "$FX" || { not_ok "docx fixtures" "docx_make.py failed"; exit 0; }

# The converted files are cached per input (LibreOffice takes seconds to
# start; the release and sanitize runs share one conversion).
key=$(cat "$MAKE" | sha256sum | cut -c1-16)
CACHE="$TOP/build/docx-fixtures/$key"
if [ ! -s "$CACHE/office.docx" ] || [ ! -s "$CACHE/pandoc-md.docx" ]; then
	# The release and sanitize passes may convert at the same time (run.sh
	# runs them side by side): each into its own folder; the first to
	# finish fills the cache, the other drops its copy.
	new="$CACHE.tmp.$$"
	mkdir -p "$new"
	(cd "$FX" && pandoc pandoc.md -o "$new/pandoc-md.docx" &&
		pandoc -f html office.html -o "$new/pandoc-html.docx") \
		>"$T/pandoc.out" 2>&1 ||
		not_ok "pandoc writes the docx inputs" "$(head -c 400 "$T/pandoc.out")"
	# One LibreOffice start for every HTML input; HOME keeps its profile
	# out of the user's.
	(cd "$FX" && HOME="$T/lohome" soffice --headless \
		--infilter="HTML (StarWriter)" \
		--convert-to 'docx:MS Word 2007 XML' --outdir "$new" \
		office.html linked.html) >"$T/soffice.out" 2>&1
	if [ -s "$new/office.docx" ] && [ -s "$new/linked.docx" ] &&
	    [ -s "$new/pandoc-md.docx" ]; then
		if [ ! -s "$CACHE/office.docx" ]; then
			rm -rf "$CACHE" && mv -T "$new" "$CACHE"
		fi
	else
		not_ok "LibreOffice writes the docx inputs" \
			"$(head -c 400 "$T/soffice.out")"
	fi
	rm -rf "$new"
fi
for f in pandoc-md pandoc-html office linked; do
	[ -s "$CACHE/$f.docx" ] && cp "$CACHE/$f.docx" "$FX/$f.docx"
done

# ---- the good files ------------------------------------------------------

# han_order NAME WORD.docx TEXTFILE: every Han character of the Word text
# (w:t of document.xml in order, accepted text only: no w:delText, no
# field codes) appears in TEXTFILE in the same order.
han_order() {
	python3 - "$1" "$2" "$3" "${4:-}" <<'EOF'
import json, re, sys, zipfile
import xml.etree.ElementTree as ET
W = '{http://schemas.openxmlformats.org/wordprocessingml/2006/main}'
HAN = re.compile('[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]')
root = ET.fromstring(zipfile.ZipFile(sys.argv[1]).read('word/document.xml'))
word = ''.join(t.text or '' for t in root.iter(W + 't'))
# What the import report says it dropped (each line once) is not
# expected in the output; everything else is.
# The EPUB sets the lines that became metadata (版头, 文号, title, 落款)
# on its title page and in the closing, in the book's own order: they
# must be there, each whole, but are not expected in the page's order.
got_text = open(sys.argv[2], encoding='utf-8').read()
got_han = ''.join(HAN.findall(got_text))
for e in json.load(open(sys.argv[3], encoding='utf-8'))['entries']:
    if e.get('action') == 'dropped' and e.get('text'):
        word = word.replace(e['text'], '', 1)
    elif sys.argv[4] == 'epub' and e.get('action') == 'moved' and \
            e.get('text'):
        han = ''.join(HAN.findall(e['text']))
        # 版头's "文件" is the print's red mark, made from the issuer.
        if han.endswith('文件') and e.get('reason', '').startswith('版头'):
            han = han[:-2]
        if han and han not in got_han:
            print('moved line not in the book: %s' % e['text'])
            sys.exit(0)
        word = word.replace(e['text'], '', 1)
want = HAN.findall(word)
got = HAN.findall(got_text)
i = 0
for c in got:
    if i < len(want) and c == want[i]:
        i += 1
if i == len(want):
    print('ok')
else:
    print('missing from %d of %d: %s' % (i, len(want), ''.join(want[i:i + 20])))
EOF
}

spine_text() {
	python3 - "$1" <<'EOF'
import re, sys, zipfile, posixpath
import xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1])
c = ET.fromstring(z.read('META-INF/container.xml'))
opf = [e.get('full-path') for e in c.iter() if e.get('full-path')][0]
o = ET.fromstring(z.read(opf))
ns = '{http://www.idpf.org/2007/opf}'
items = {i.get('id'): i.get('href') for i in o.iter(ns + 'item')}
base = posixpath.dirname(opf)
for ref in o.iter(ns + 'itemref'):
    x = z.read(posixpath.join(base, items[ref.get('idref')])).decode()
    x = re.sub(r'<[^>]+>', '', re.sub(r'(?s)<head.*?</head>', '', x))
    print(x)
EOF
}

for f in word pandoc-md pandoc-html office; do
	in="$FX/$f.docx"
	if [ ! -s "$in" ]; then
		not_ok "$f.docx: import" "no input (conversion failed)"
		continue
	fi
	mkdir -p "$T/out"
	"$FOLIO" import "$in" -o "$T/out/$f.xml" --report "$T/out/$f.json" \
		>"$T/$f.import" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ] || [ ! -s "$T/out/$f.xml" ]; then
		not_ok "$f.docx: import" "rc=$rc $(head -c 400 "$T/$f.import")"
		continue
	fi
	ok "$f.docx: import"
	check "$f.docx: source is schema-valid" \
		xmllint --noout --relaxng "$RNG" "$T/out/$f.xml"
	check "$f.docx: check" "$FOLIO" check "$T/out/$f.xml"
	python3 - "$T/out/$f.xml" "$f" <<'EOF'
import os, sys, xml.etree.ElementTree as ET
ns = '{urn:folio:document:1}'
path, name = sys.argv[1], sys.argv[2]
root = ET.parse(path).getroot()
def report(what, good, why=''):
    print(('ok - %s.docx: %s' % (name, what)) if good else
          ('not ok - %s.docx: %s: %s' % (name, what, why)))
heads = [h.text for h in root.iter(ns + 'heading')]
report('headings become sections', len(heads) >= 2, heads)
figs = list(root.iter(ns + 'figure'))
report('the image is a figure whose file exists', len(figs) == 1 and
       os.path.exists(os.path.join(os.path.dirname(path),
                                   figs[0].get('src'))) if figs else False,
       [f.attrib for f in figs])
tables = list(root.iter(ns + 'table'))
report('the table is a table', len(tables) == 1, len(tables))
if name != 'pandoc-md' and tables:
    cells = list(tables[0].iter(ns + 'cell'))
    report('merged cells keep their spans',
           any(c.get('rowspan') == '2' for c in cells) and
           any(c.get('colspan') == '2' for c in cells),
           [c.attrib for c in cells])
    rows = list(tables[0].iter(ns + 'row'))
    report('header row marked', rows and rows[0].get('header') == 'yes',
           rows[0].attrib if rows else None)
if name == 'word':
    text = ''.join(root.itertext())
    report('tracked changes: insertion kept, deletion dropped',
           '核查对象为全市规模以上企业' in text and '部分' not in text)
    report('comment text not in the source', '请核对' not in text)
    report('field result kept, code dropped',
           '统计网站' in text and 'HYPERLINK' not in text)
    report('footnote follows the text', '注[1]：统计数据以年报为准。' in text)
    report('line break starts a paragraph',
           any(p.text == '第二行' for p in root.iter(ns + 'p')))
    cap = figs[0].find(ns + 'caption') if figs else None
    report('caption and alt text on the figure', cap is not None and
           cap.text == '图1 核查流程' and
           figs[0].find(ns + 'alt').text == '核查流程示意图')
    report('版记 layout table read as 抄送 and 印发',
           root.find(ns + 'meta/' + ns + 'printed-by') is not None and
           len(root.findall(ns + 'meta/' + ns + 'cc/' + ns + 'recipient')) == 2)
if name in ('pandoc-md', 'office'):
    items = [p.text for p in root.iter(ns + 'p') if p.text and
             p.text[:2] in ('1.', '2.', '3.')]
    report('numbered list items keep their numbers', len(items) == 3, items)
EOF
	if [ "$f" = word ]; then
		"$FOLIO" check --json "$T/out/$f.xml" >"$T/$f.check.json" 2>&1
		check "word.docx: auto-numbered headings 一、 （一） 二、" grep -q \
			'"number":"一、","text":"工作目标".*"number":"（一）","text":"核查范围".*"number":"二、","text":"工作要求"' \
			"$T/$f.check.json"
		python3 - "$T/out/$f.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
reasons = [e['reason'] for e in r['entries'] if e['action'] == 'skipped']
want = ['comment', 'deleted text (tracked change)',
        'field code (its shown result kept)',
        'page header or footer (not part of the text)']
missing = [w for w in want if w not in reasons]
print('ok - word.docx: report lists what was skipped' if not missing and
      r['skipped'] == len(reasons) else
      'not ok - word.docx: report lists what was skipped: %s' % missing)
EOF
		check "word.docx: stderr summary names the skipped items" grep -q \
			'skipped 4: 1 page header or footer (not part of the text), 1 comment, 1 deleted text' "$T/$f.import"
	fi
	# The output side: tables and figures drawn (issue 12, j12out).
	if "$FOLIO" pdf "$T/out/$f.xml" -o "$T/out/$f.pdf" >"$T/$f.pdf.out" 2>&1 &&
	    pdftotext -layout "$T/out/$f.pdf" "$T/out/$f.txt"; then
		ok "$f.docx: pdf"
		res=$(han_order "$in" "$T/out/$f.txt" "$T/out/$f.json")
		[ "$res" = ok ] && ok "$f.docx: Han text in order in the PDF" ||
			not_ok "$f.docx: Han text in order in the PDF" "$res"
		n=$(pdfimages -list "$T/out/$f.pdf" 2>/dev/null | tail -n +3 | wc -l)
		[ "$n" -ge 1 ] && ok "$f.docx: pdfimages lists the image" ||
			not_ok "$f.docx: pdfimages lists the image" "found $n"
	else
		not_ok "$f.docx: pdf" "$(head -c 300 "$T/$f.pdf.out")"
	fi
	if "$FOLIO" epub "$T/out/$f.xml" -o "$T/out/$f.epub" >"$T/$f.epub.out" 2>&1; then
		ok "$f.docx: epub"
		spine_text "$T/out/$f.epub" >"$T/out/$f.spine"
		res=$(han_order "$in" "$T/out/$f.spine" "$T/out/$f.json" epub)
		[ "$res" = ok ] && ok "$f.docx: Han text in order in the EPUB spine" ||
			not_ok "$f.docx: Han text in order in the EPUB spine" "$res"
	else
		not_ok "$f.docx: epub" "$(head -c 300 "$T/$f.epub.out")"
	fi
done

# ---- hyperlinks: reported, never fetched ---------------------------------

mkdir -p "$T/hl"
if "$FOLIO" import "$FX/hyperlink.docx" -o "$T/hl/h.xml" \
    --report "$T/hl/h.json" >"$T/hl.out" 2>&1 &&
    grep -q '"external relationship (not fetched)"' "$T/hl/h.json" &&
    grep -q 'http://example.invalid/list' "$T/hl/h.json"; then
	ok "external hyperlink reported, not fetched"
else
	not_ok "external hyperlink reported, not fetched" "$(head -c 300 "$T/hl.out")"
fi

# ---- bad input -----------------------------------------------------------

# bad NAME FILE PHRASE: non-zero exit, the message names the file and
# says PHRASE, and nothing is written.
bad() {
	d="$T/bad-$1"
	mkdir -p "$d"
	"$FOLIO" import "$FX/$2" -o "$d/out.xml" --report "$d/r.json" \
		>"$d/msg" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ] && grep -q "$2" "$d/msg" && grep -q -- "$3" "$d/msg" &&
	    [ -z "$(ls -A "$d" | grep -v '^msg$')" ]; then
		ok "bad input: $1"
	else
		not_ok "bad input: $1" "rc=$rc files=$(ls "$d" | tr '\n' ' ') \
msg=$(head -c 300 "$d/msg")"
	fi
}
bad "truncated docx" truncated.docx "truncated or damaged"
bad "1 GiB part" bomb.docx "word/document.xml: part limit exceeded"
bad "DOCTYPE in document.xml" doctype.docx \
	"doctype.docx:word/document.xml:2:1: expected no DTD"
bad "image linked from outside (TargetMode=External)" external.docx \
	"external.docx:word/document.xml:[0-9]*:[0-9]*: expected images embedded"
bad "encrypted docx" encrypted.docx "password-protected"
bad ".doc" old.doc "soffice --headless --convert-to docx"
bad ".wps" old.wps "soffice --headless --convert-to docx"
bad ".odt" text.odt "OpenDocument file (.odt).*soffice"
if [ -s "$FX/linked.docx" ]; then
	bad "LibreOffice's linked image" linked.docx "never fetched"
fi
