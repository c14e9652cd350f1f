#!/bin/sh
# The QR code on the PDF (style <qr>): every PDF of a batch with a base
# URL, rendered by poppler at 300 dpi, carries on its last page, and
# only there, a code zbarimg decodes to exactly <base-url>docs/<档号>.html,
# the address of the document's page on the site; the code adds no text
# and moves nothing; off in the shipped style, absent without a base
# URL, rebuilt when --base-url changes it; a square that would cover
# the page number or not fit the margin is refused with the reason.
. "$TOP/tests/e2e/lib.sh"
export FOLIO_DATADIR="$TOP"
base=https://www.example.gov.cn/xxgk/J012-2024-B001/

if ! command -v zbarimg >/dev/null 2>&1; then
	not_ok "zbarimg" "zbar-tools is not installed (make deps)"
	exit 0
fi
"$FOLIO" keygen -o "$T/k" --org 江临市档案馆 >/dev/null 2>&1
sed 's/<qr enabled="false"/<qr enabled="true"/' "$TOP/styles/gbt9704.xml" \
	>"$T/qr.xml"
# batch DIR STYLE [sed expression for the manifest]
batch() {
	mkdir -p "$1"
	cp "$TOP"/examples/*.xml "$1/"
	sed -e "s|keys/signer|$T/k/signer|" \
		-e "s|\.\./styles/gbt9704.xml|$2|" \
		-e "s|\.\./styles/|$TOP/styles/|" -e "${3:-s/^//}" \
		"$TOP/examples/batch.xml" >"$1/batch.xml"
}
# decode PDF PAGE [DPI [all]]: what zbarimg reads on that page ("" for
# nothing), rendered in grey at 300 dpi unless told; only the bottom
# 40 mm (where the code goes: rendering whole pages is most of the
# time) unless "all".
decode() {
	dpi=${3:-300}
	crop="-y $((dpi * 257 * 10 / 254)) -H $((dpi * 40 * 10 / 254)) -W $((dpi * 210 * 10 / 254))"
	[ "${4:-}" = all ] && crop=""
	rm -f "$T"/r-*.pgm
	# shellcheck disable=SC2086 # crop is a list of options
	pdftoppm -r "$dpi" -f "$2" -l "$2" -gray $crop "$1" "$T/r" &&
		zbarimg -q --raw "$T"/r-*.pgm 2>/dev/null
}
pages() { pdfinfo "$1" | awk '/^Pages:/ { print $2 }'; }

# qr_all OUT BASE: each PDF's last page decodes to BASE/docs/<档号>.html,
# its first page to nothing.
qr_all() {
	n=0
	for p in "$1"/pdf/*.pdf; do
		code=$(basename "$p" .pdf)
		last=$(pages "$p")
		got=$(decode "$p" "$last")
		[ "$got" = "$2docs/$code.html" ] ||
			{ echo "$code page $last: '$got'"; return 1; }
		[ "$last" -eq 1 ] || [ -z "$(decode "$p" 1 150 all)" ] ||
			{ echo "$code: a code on page 1"; return 1; }
		n=$((n + 1))
	done
	echo "$n PDFs"
	[ "$n" -eq 5 ]
}
none_at_all() {
	for p in "$1"/pdf/*.pdf; do
		got=$(decode "$p" "$(pages "$p")" 150 all)
		[ -z "$got" ] || { echo "$(basename "$p"): '$got'"; return 1; }
	done
}

batch "$T/on" "$T/qr.xml"
check "build with <qr enabled> and a base URL" "$FOLIO" build \
	"$T/on/batch.xml" -o "$T/o1" -q --no-site --no-archive
check "zbarimg decodes every PDF's code to its page on the site" \
	qr_all "$T/o1/J012-2024-B001" "$base"

batch "$T/off" "$TOP/styles/gbt9704.xml"
check "build with the shipped style" "$FOLIO" build "$T/off/batch.xml" \
	-o "$T/o2" -q --no-site --no-archive
check "the shipped style draws no code" none_at_all "$T/o2/J012-2024-B001"
# The code is drawn into the margin: not a character of text changes.
same_text() {
	for p in "$T"/o1/J012-2024-B001/pdf/*.pdf; do
		pdftotext -layout "$p" "$T/a.txt" &&
		pdftotext -layout "$T/o2/J012-2024-B001/pdf/$(basename "$p")" \
			"$T/b.txt" && cmp -s "$T/a.txt" "$T/b.txt" ||
			{ echo "text differs: $(basename "$p")"; return 1; }
	done
}
check "the code adds no text and moves none" same_text

batch "$T/nourl" "$T/qr.xml" '/<publish>/,/<\/publish>/d'
check "build with <qr enabled> and no base URL" "$FOLIO" build \
	"$T/nourl/batch.xml" -o "$T/o3" -q --no-site --no-archive
check "no base URL, no code" none_at_all "$T/o3/J012-2024-B001"

# --base-url replaces the manifest's: the PDFs are made again (the
# address is part of the cache key) and carry the new one.
other=https://records.example.org/site/
check "rebuild with --base-url" "$FOLIO" build "$T/on/batch.xml" \
	-o "$T/o1" -q --no-site --no-archive --base-url "$other"
check "the codes follow --base-url" qr_all "$T/o1/J012-2024-B001" "$other"

# Refusals, with the reason.
refused() {   # NAME PHRASE STYLE-SED
	name=$1 phrase=$2
	sed "$3" "$T/qr.xml" >"$T/bad.xml"
	rm -rf "$T/bad"; batch "$T/bad" "$T/bad.xml"
	"$FOLIO" build "$T/bad/batch.xml" -o "$T/o4" -q --no-site \
		--no-archive >"$T/.o" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && grep -qF -- "$phrase" "$T/.o"; then ok "refused: $name"
	else not_ok "refused: $name" "exit $rc: $(head -c 400 "$T/.o")"; fi
}
refused "a code too large for the bottom margin" "to fit the bottom margin" \
	's/size="24mm" below="4mm"/size="34mm" below="4mm"/'
refused "a code smaller than 10mm" "at least 10mm" 's/size="24mm"/size="8mm"/'
# Page 5 of the notice is odd: its number is on the right.
refused "a code over the page number" "would cover the page number" \
	's/side="auto"/side="right"/'
