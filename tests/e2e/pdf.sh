#!/bin/sh
# folio pdf end to end: the imported seed page, every example, and the
# stress documents, checked with the tools a print shop has:
#   - pdftotext gives every non-space character of the source in order
#     (generated heading numbers, page numbers and dates may come between);
#   - pdffonts: every font embedded, subset, with a Unicode map;
#   - qpdf --check is clean;
#   - visual lines rebuilt from pdftotext -bbox-layout: none starts with
#     、，。：；！？”’）〕】》〉」』 and none ends with “‘（〔【《〈「『;
# then reproducibility (SOURCE_DATE_EPOCH) and bad input.
. "$(dirname "$0")/lib.sh"

# Non-space text a source must print: title, subtitle, 主送, body,
# 落款 issuer, attachments, in document order (NFC, as the model holds).
cat >"$T/source_text.py" <<'EOF'
import sys, unicodedata
import xml.etree.ElementTree as ET
NS = "{urn:folio:document:1}"
doc = ET.parse(sys.argv[1]).getroot()
parts = []
meta = doc.find(NS + "meta")
for tag in ("title", "subtitle"):
    e = meta.find(NS + tag)
    if e is not None:
        parts.append(e.text or "")
for r in meta.findall(NS + "recipients/" + NS + "recipient"):
    parts.append(r.text or "")
def blocks(e):
    for c in e:
        if c.tag in (NS + "p", NS + "heading", NS + "item"):
            parts.append("".join(c.itertext()))
        elif c.tag != NS + "title":
            blocks(c)
body = doc.find(NS + "body")
blocks(body)
closing = doc.find(NS + "closing")
if closing is not None and closing.find(NS + "issuer") is not None:
    parts.append(closing.find(NS + "issuer").text)
for a in doc.findall(NS + "attachment"):
    parts.append(a.find(NS + "title").text)
    blocks(a)
text = unicodedata.normalize("NFC", "".join(parts))
sys.stdout.write("".join(text.split()))
EOF

# Exit 0 if every character of file 1 appears in file 2 in order; else
# show where the match stopped.
cat >"$T/subseq.py" <<'EOF'
import sys
want = open(sys.argv[1], encoding="utf-8").read()
have = "".join(open(sys.argv[2], encoding="utf-8").read().split())
j = 0
for i, c in enumerate(want):
    k = have.find(c, j)
    if k < 0:
        print("missing from the PDF text at source char %d %r; "
              "source context %r; PDF after match %r"
              % (i, c, want[max(0, i - 15):i + 15], have[j:j + 40]))
        sys.exit(1)
    j = k + 1
print("%d source characters found in order" % len(want))
EOF


# pdffonts: at least one font; every one embedded, subset, Unicode map;
# and no warnings from poppler about the fonts' maps.
fonts_ok() {
	pdffonts "$1" >"$T/fonts.out" 2>&1 || return 1
	cat "$T/fonts.out"
	awk 'NR > 2 { n++; if ($1 !~ /^[A-Z][A-Z][A-Z][A-Z][A-Z][A-Z]\+/ ||
		$(NF-4) != "yes" || $(NF-3) != "yes" || $(NF-2) != "yes")
		bad++ }
		/Warning|Error/ { bad++ }
		END { exit !(n > 0 && bad == 0) }' "$T/fonts.out"
}

qpdf_clean() {
	qpdf --check "$1" >"$T/qpdf.out" 2>&1; rc=$?
	cat "$T/qpdf.out"
	[ "$rc" -eq 0 ] && ! grep -qi "warning" "$T/qpdf.out"
}

text_in_order() {
	python3 "$T/source_text.py" "$1" >"$T/want.txt" || return 1
	# -raw: drawing order, and no joining of words hyphenated at a
	# line end (the default mode drops the hyphen of "final-").
	pdftotext -raw "$2" "$T/have.txt" 2>"$T/pdftotext.err" || return 1
	[ ! -s "$T/pdftotext.err" ] || { cat "$T/pdftotext.err"; return 1; }
	python3 "$T/subseq.py" "$T/want.txt" "$T/have.txt"
}

lines_ok() {
	pdftotext -bbox-layout "$1" "$T/bbox.html" 2>/dev/null || return 1
	python3 "$TOP/tests/e2e/clreq_lines.py" "$T/bbox.html"
}

# One source: build, then every check on its PDF.
# (check() sets $name, so this uses $doc.)
check_pdf() {
	doc=$1 src=$2 pdf="$T/$1.pdf"
	if ! "$FOLIO" pdf "$src" -o "$pdf" >"$T/build.out" 2>&1; then
		not_ok "$doc: builds" "$(head -c 600 "$T/build.out")"
		return
	fi
	ok "$doc: builds"
	check "$doc: text complete and in order" text_in_order "$src" "$pdf"
	check "$doc: fonts embedded, subset, Unicode map" fonts_ok "$pdf"
	check "$doc: qpdf --check clean" qpdf_clean "$pdf"
	check "$doc: no line starts or ends with a forbidden mark" \
		lines_ok "$pdf"
}

# The seed page, imported as a clerk would.
if ! have_seed; then
	skip "pdf of the seed page" "$CORPUS/seed-policy-interpretation.txt \
is missing"
elif "$FOLIO" import "$CORPUS/seed-policy-interpretation.txt" \
	--meta issuer=营口市商务局 -o "$T/seed.xml" >"$T/import.out" 2>&1
then
	check_pdf seed "$T/seed.xml"
	size=$(wc -c <"$T/seed.pdf" 2>/dev/null || echo 999999999)
	# Five CFF/TrueType subsets; the faces' own files are 5-16 MB each
	# and libharu's full embedding made 755 KB of this page.
	if [ "$size" -lt 307200 ]; then ok "seed: PDF under 300 KB ($size)"
	else not_ok "seed: PDF under 300 KB" "$size bytes"; fi
else
	not_ok "seed: import" "$(head -c 600 "$T/import.out")"
fi

for src in "$TOP"/examples/*.xml; do
	case "$(basename "$src")" in batch.xml) continue ;; esac
	check_pdf "example-$(basename "$src" .xml)" "$src"
done

for src in "$TOP"/tests/cases/stress/stress.xml \
	"$TOP"/tests/cases/stress/pdf-stress.xml; do
	[ -f "$src" ] || continue
	check_pdf "stress-$(basename "$src" .xml)" "$src"
done

# Regression cases: documents that once failed (see each file's comment).
for src in "$TOP"/tests/cases/pdf/*.xml; do
	check_pdf "regression-$(basename "$src" .xml)" "$src"
done

# The checks below need any real source: the seed page, or without the
# shared corpus the longest example.
if [ -f "$T/seed.xml" ]; then one=seed; src1=$T/seed.xml
else one=long-plan; src1=$TOP/examples/long-plan.xml; fi

# Same input and epoch, a second later: the same bytes.
reproducible() {
	"$FOLIO" pdf "$src1" -o "$T/r1.pdf" || return 1
	sleep 1
	"$FOLIO" pdf "$src1" -o "$T/r2.pdf" || return 1
	cmp "$T/r1.pdf" "$T/r2.pdf"
}
check "$one: two builds with SOURCE_DATE_EPOCH are byte-identical" \
	reproducible

# The epoch is what the PDF says; without it, the document's date.
dates() {
	SOURCE_DATE_EPOCH=1700000000 "$FOLIO" pdf \
		"$TOP/tests/cases/stress/pdf-stress.xml" -o "$T/d1.pdf" ||
		return 1
	TZ=UTC pdfinfo -isodates "$T/d1.pdf" | tee "$T/d1.info"
	grep -q '^CreationDate: *2023-11-14T22:13:20Z' "$T/d1.info" || return 1
	grep -q '^ModDate: *2023-11-14T22:13:20Z' "$T/d1.info" || return 1
	grep -q '^Title: *标点挤压与避头尾规则' "$T/d1.info" || return 1
	grep -q '^Author: *江临市人民政府办公室' "$T/d1.info" || return 1
	grep -q '^Subject: *通知' "$T/d1.info" || return 1
	grep -q '^Creator: *folio' "$T/d1.info" || return 1
	env -u SOURCE_DATE_EPOCH "$FOLIO" pdf \
		"$TOP/tests/cases/stress/pdf-stress.xml" -o "$T/d2.pdf" ||
		return 1
	TZ=UTC pdfinfo -isodates "$T/d2.pdf" | tee "$T/d2.info"
	grep -q '^CreationDate: *2024-05-06T00:00:00Z' "$T/d2.info"
}
check "stress: document information and dates" dates

# A private-use character no font has: exit 1, file:line:col and the
# code point in the message, nothing written (not even a temporary file).
mkdir -p "$T/bad"
sed 's|<p>数字|<p>私用区字符\&#xE000;与数字|' \
	"$TOP/tests/cases/stress/pdf-stress.xml" >"$T/bad/pua.xml"
missing_glyph() {
	grep -q '&#xE000;' "$T/bad/pua.xml" || return 1
	"$FOLIO" pdf "$T/bad/pua.xml" -o "$T/bad/pua.pdf" 2>"$T/bad/err"
	rc=$?
	cat "$T/bad/err"
	[ "$rc" -eq 1 ] || return 1
	grep -q 'pua.xml:[0-9][0-9]*:[0-9][0-9]*:.*U+E000' "$T/bad/err" ||
		return 1
	[ "$(ls "$T/bad")" = "err
pua.xml" ]
}
check "bad input: missing glyph U+E000 is an error, nothing written" \
	missing_glyph

# --missing-glyph=box: written, and the substitution reported.
box_mode() {
	"$FOLIO" pdf "$T/bad/pua.xml" -o "$T/bad/box.pdf" \
		--missing-glyph=box 2>"$T/bad/box.err" || return 1
	cat "$T/bad/box.err"
	at='pua.xml:[0-9][0-9]*:[0-9][0-9]*'
	grep -q "$at:.*U+E000.*box (1 time, first at .*$at)" \
		"$T/bad/box.err" && fonts_ok "$T/bad/box.pdf"
}
check "bad input: --missing-glyph=box writes and reports" box_mode

# Many boxes: one warning per distinct character, with its count.
many_boxes() {
	# literal UTF-8: 63+ character references in one <p> trip the
	# reader's nesting limit (reported separately)
	boxes=$(awk 'BEGIN { for (i = 0; i < 3000; i++)
		printf "\356\200\200字"; for (i = 0; i < 500; i++)
		printf "\356\200\201" }')
	sed "s|<p>数字|<p>$boxes与数字|" \
		"$TOP/tests/cases/stress/pdf-stress.xml" >"$T/bad/boxes.xml"
	"$FOLIO" pdf "$T/bad/boxes.xml" -o "$T/bad/boxes.pdf" \
		--missing-glyph=box 2>"$T/bad/boxes.err" || return 1
	sed 's/^\(.\{200\}\).*/\1/' "$T/bad/boxes.err"
	[ "$(grep -c 'printed as a box' "$T/bad/boxes.err")" -eq 2 ] &&
		grep -q 'U+E000.*(3000 times, first at .*boxes.xml:' \
			"$T/bad/boxes.err" &&
		grep -q 'U+E001.*(500 times, first at .*boxes.xml:' \
			"$T/bad/boxes.err" && fonts_ok "$T/bad/boxes.pdf"
}
check "bad input: 3500 boxes, two warnings with counts" many_boxes

rm -rf "$T/bad"
mkdir -p "$T/bad"
unwritable() {
	"$FOLIO" pdf "$src1" -o "$T/nonexistent/x.pdf" 2>"$T/bad/err"
	rc=$?
	cat "$T/bad/err"
	[ "$rc" -eq 2 ] && grep -q 'temporary file' "$T/bad/err" &&
		[ ! -e "$T/nonexistent" ]
}
check "bad output folder: an error naming it" unwritable

usage() {
	"$FOLIO" pdf "$src1" -o "$T/bad/u.pdf" --missing-glyph=maybe \
		2>"$T/bad/err"
	[ $? -eq 2 ] && grep -q 'maybe' "$T/bad/err" && [ ! -e "$T/bad/u.pdf" ]
}
check "usage: bad --missing-glyph value" usage
