#!/bin/sh
# Visual proof of the EPUB stage and the batch's site in a real browser engine.
#
#   sh tests/proof.sh FOLIO [OUTDIR]      (make proof: OUTDIR = out/proof)
#
# Builds books from examples/notice.xml, examples/mixed.xml, the form case
# (tests/cases/epub/form.xml, an attachment 报名表 of blanks), the stress
# source, the seed page (when the corpus is present) and an embedded-font
# book, unzips each to a temporary folder and renders, with headless
# Chromium at 360x740 (a small phone), the title page (NAME-title.png),
# the first content document after it (NAME.png) and, when the book has a
# form, the first document with blanks (NAME-form.png). Prints "ok - ..."
# / "not ok - ..." per book and exits non-zero if a picture is missing;
# Then builds the example batch and renders its site (site-PAGE-360.png at
# 360x740, site-PAGE-1280.png at 1280x800, and the index without script,
# site-index-nojs-360.png) through tests/browser.py, which gives each page
# a frame of exactly that size. Look at the PNGs yourself.
set -u
FOLIO=${1:?usage: sh tests/proof.sh FOLIO [OUTDIR]}
OUT=${2:-out/proof}
TOP=$(cd "$(dirname "$0")/.." && pwd)
CORPUS="$TOP/../shared/corpus"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1587945600}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failed=0

browser=""
for b in chromium chromium-browser google-chrome; do
	if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
	echo "proof: no Chromium found (Debian: apt-get install chromium)" >&2
	exit 2
fi
mkdir -p "$OUT" || exit 2

# shot DIR PAGE PNG: one screenshot at 360x740 in a throwaway profile,
# no network chatter, through tests/browser.py, which gives the page a
# frame of exactly that width (headless Chromium lays out no narrower
# than 500 px on its own).
shot() {
	python3 "$TOP/tests/browser.py" shot "$1" "$2" 360 740 "$3" \
		>"$T/chromium.log" 2>&1
	[ -s "$3" ]
}

# Title page, first content and the first document holding a form blank
# (or "-") of an unpacked book, as paths relative to the book's root.
spine() {
	python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
root = sys.argv[1]
c = ET.parse(root + "/META-INF/container.xml").getroot()
opf = c.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}"
             "rootfile").get("full-path")
base = opf.rsplit("/", 1)[0] + "/" if "/" in opf else ""
p = ET.parse(root + "/" + opf).getroot()
ns = "{http://www.idpf.org/2007/opf}"
items = {i.get("id"): i.get("href") for i in p.iter(ns + "item")}
docs = [base + items[r.get("idref")] for r in p.iter(ns + "itemref")]
form = [d for d in docs if 'class="blank"' in open(root + "/" + d).read()]
print(docs[0], docs[1], form[0] if form else "-")
PY
}

proof() {
	name=$1 src=$2; shift 2
	if ! "$FOLIO" epub "$src" -o "$T/$name.epub" "$@" 2>"$T/err"; then
		echo "not ok - proof $name: $(head -c 300 "$T/err")"
		failed=1
		return
	fi
	mkdir -p "$T/$name"
	(cd "$T/$name" && unzip -q "../$name.epub")
	set -- $(spine "$T/$name")
	form=""
	[ "$3" = - ] || form="$OUT/$name-form.png"
	if shot "$T/$name" "$1" "$OUT/$name-title.png" &&
	    shot "$T/$name" "$2" "$OUT/$name.png" &&
	    { [ -z "$form" ] || shot "$T/$name" "$3" "$form"; }; then
		echo "ok - proof $name: $OUT/$name-title.png $OUT/$name.png" \
			"$form"
	else
		echo "not ok - proof $name: $(tail -3 "$T/chromium.log")"
		failed=1
	fi
}

# Print: seed p1, notice p1 and the notice's last page (附件, 版记),
# rendered by poppler at 60 dpi into OUT/pdf-*.png.
pdfproof() {
	name=$1 src=$2
	if "$FOLIO" pdf "$src" -o "$T/$name.pdf" 2>"$T/err"; then
		last=$(pdfinfo "$T/$name.pdf" | awk '/^Pages:/ { print $2 }')
		pdftoppm -png -r 60 -f 1 -l 1 -singlefile "$T/$name.pdf" \
			"$OUT/pdf-$name-p1" &&
		pdftoppm -png -r 60 -f "$last" -l "$last" -singlefile \
			"$T/$name.pdf" "$OUT/pdf-$name-last" &&
		echo "ok - proof pdf $name: $OUT/pdf-$name-p1.png $OUT/pdf-$name-last.png"
	else
		echo "not ok - proof pdf $name: $(head -c 300 "$T/err")"
		failed=1
	fi
}
pdfproof notice "$TOP/examples/notice.xml"
if [ -f "$CORPUS/seed-policy-interpretation.txt" ] &&
    "$FOLIO" import "$CORPUS/seed-policy-interpretation.txt" \
	--meta issuer=营口市商务局 -o "$T/seed-pdf.xml" 2>/dev/null; then
	pdfproof seed "$T/seed-pdf.xml"
fi

# Tables and figures: the page where the long table goes on (its header
# row repeated) and the first page with an image, in print; the book's
# documents with a table or a figure at 360 px (the wide table scrolls
# inside its frame).
tables_proof() {
	src="$TOP/tests/cases/tables/tables.xml"
	if ! "$FOLIO" pdf "$src" -o "$T/tables.pdf" 2>"$T/err" ||
	    ! "$FOLIO" epub "$src" -o "$T/tables.epub" 2>>"$T/err"; then
		echo "not ok - proof tables: $(head -c 300 "$T/err")"
		failed=1
		return
	fi
	img=$(pdfimages -list "$T/tables.pdf" | awk 'NR == 3 { print $1 }')
	if pdftoppm -png -r 60 -f 2 -l 2 -singlefile "$T/tables.pdf" 		"$OUT/pdf-tables-p2" &&
	    pdftoppm -png -r 60 -f "$img" -l "$img" -singlefile 		"$T/tables.pdf" "$OUT/pdf-tables-image"; then
		echo "ok - proof pdf tables: $OUT/pdf-tables-p2.png $OUT/pdf-tables-image.png"
	else
		echo "not ok - proof pdf tables: no page rendered"
		failed=1
	fi
	mkdir -p "$T/tables"
	(cd "$T/tables" && unzip -q ../tables.epub)
	for d in $(cd "$T/tables" && grep -l -e table-wrap -e '<figure' \
	    EPUB/*.xhtml); do
		png="$OUT/tables-$(basename "$d" .xhtml).png"
		if shot "$T/tables" "$d" "$png"; then
			echo "ok - proof tables $d: $png"
		else
			echo "not ok - proof tables $d: $(tail -3 "$T/chromium.log")"
			failed=1
		fi
	done
}
tables_proof

proof notice "$TOP/examples/notice.xml"
proof mixed "$TOP/examples/mixed.xml"
proof form "$TOP/tests/cases/epub/form.xml"
proof stress "$TOP/tests/cases/stress/stress.xml"
proof stress-font "$TOP/tests/cases/stress/stress.xml" --embed-font
if [ -f "$CORPUS/seed-policy-interpretation.txt" ] &&
    "$FOLIO" import "$CORPUS/seed-policy-interpretation.txt" \
	--meta issuer=营口市商务局 -o "$T/seed.xml" 2>/dev/null; then
	proof seed "$T/seed.xml"
fi

# The example batch's site, in frames of the real size (tests/browser.py:
# headless Chromium never lays out narrower than 500 px on its own).
site_proof() {
	if ! "$FOLIO" keygen -o "$T/keys" --org 江临市人民政府办公室 \
		>/dev/null 2>&1 ||
	    ! "$FOLIO" build "$TOP/examples/batch.xml" -o "$T/out" --quiet \
		--key "$T/keys/signer.key" --cert "$T/keys/signer.crt" \
		>"$T/err" 2>&1; then
		echo "not ok - proof site: $(head -c 300 "$T/err")"
		failed=1
		return
	fi
	site=$(ls -d "$T"/out/*/site)
	for page in index.html $(cd "$site" && ls docs/*.html); do
		name=site-$(basename "$page" .html)
		for size in 360x740 1280x800; do
			png="$OUT/$name-${size%x*}.png"
			if python3 "$TOP/tests/browser.py" shot "$site" "$page" \
				"${size%x*}" "${size#*x}" "$png" 2>"$T/err"; then
				echo "ok - proof $name at $size: $png"
			else
				echo "not ok - proof $name at $size: $(cat "$T/err")"
				failed=1
			fi
		done
	done
	png="$OUT/site-index-nojs-360.png"
	if python3 "$TOP/tests/browser.py" shot "$site" index.html 360 740 \
		"$png" --no-js 2>"$T/err"; then
		echo "ok - proof site index without script: $png"
	else
		echo "not ok - proof site index without script: $(cat "$T/err")"
		failed=1
	fi
}
site_proof
exit $failed
