#!/bin/sh
# The import corpus, tests/cases/import/: pages of every common shape
# (政务公开 metadata tables, full 公文, regulations, plans, policy
# interpretations, traditional-Chinese gazette pages, markdown-like text,
# pages in GB18030, GBK, Big5, UTF-16), written for these tests. For each
# NAME.txt:
#   - NAME.args   optional extra arguments, one per line (--meta ...);
#   - NAME.xml    the source `folio import` must write, byte for byte;
#   - NAME.fail   instead of NAME.xml for pages that must be refused:
#                 line 1 the exit status, line 2 a phrase of the message.
# Each page: exit status, exact XML, schema-valid, deterministic; then
# tests/e2e/import_check.py: the report lists every line that is not
# body text and the Han characters add up, stderr names the encoding
# and sums up the drops. 公文 pages with a 落款 build to PDF, whose
# closing block must be right-aligned (GB/T 9704 7.3.5). Every page
# builds to a PDF and an EPUB that hold every Han character of its source
# in order (tests/e2e/han_order.py): with import_check.py, the page's
# Han characters reach the PDF or are listed as dropped.
. "$TOP/tests/e2e/lib.sh"

CASES="$TOP/tests/cases/import"
RNG="$TOP/schemas/document.rng"
n_cases=0
outs=""
: >"$T/list"
: >"$T/order"

for page in "$CASES"/*.txt; do
	pn=$(basename "$page" .txt)
	n_cases=$((n_cases + 1))
	set --
	if [ -f "$CASES/$pn.args" ]; then
		while IFS= read -r a; do
			[ -n "$a" ] && set -- "$@" "$a"
		done <"$CASES/$pn.args"
	fi
	out="$T/$pn.xml"
	rep="$T/$pn.json"
	"$FOLIO" import "$page" -o "$out" --report "$rep" "$@" \
		>"$T/$pn.out" 2>"$T/$pn.err"
	rc=$?
	if [ -f "$CASES/$pn.fail" ]; then
		want_rc=$(sed -n 1p "$CASES/$pn.fail")
		phrase=$(sed -n 2p "$CASES/$pn.fail")
		if [ "$rc" -eq "$want_rc" ] && [ ! -e "$out" ] &&
		    [ ! -e "$rep" ] && grep -qF -- "$phrase" "$T/$pn.err" &&
		    [ "$(wc -l <"$T/$pn.err")" -eq 1 ]; then
			ok "$pn: refused (exit $rc), nothing written"
		else
			not_ok "$pn: refused" "exit $rc, expected $want_rc: \
$(head -c 300 "$T/$pn.err")"
		fi
		continue
	fi
	if [ "$rc" -ne 0 ]; then
		not_ok "$pn: imports" "exit $rc: $(head -c 300 "$T/$pn.err")"
		continue
	fi
	if cmp -s "$out" "$CASES/$pn.xml"; then
		ok "$pn: source as expected"
	else
		not_ok "$pn: source as expected" \
			"$(diff "$CASES/$pn.xml" "$out" | head -20)"
	fi
	"$FOLIO" import "$page" -o "$T/again.xml" "$@" >/dev/null 2>&1
	check "$pn: deterministic" cmp "$out" "$T/again.xml"
	outs="$outs $out"
	printf 'import\t%s\t%s\t%s\t%s\t%s\n' "$pn" "$page" "$rep" "$out" \
		"$T/$pn.err" >>"$T/list"
	if ! "$FOLIO" pdf "$out" -o "$T/$pn.pdf" >"$T/$pn.pdf.out" 2>&1 ||
	    ! "$FOLIO" epub "$out" -o "$T/$pn.epub" >>"$T/$pn.pdf.out" 2>&1
	then
		not_ok "$pn: PDF and EPUB build" \
			"$(head -c 300 "$T/$pn.pdf.out")"
		continue
	fi
	pdftotext "$T/$pn.pdf" "$T/$pn.pdf.txt" 2>/dev/null
	printf '%s\t%s\t%s\t%s\n' "$pn" "$out" "$T/$pn.pdf.txt" \
		"$T/$pn.epub" >>"$T/order"
	# 公文 pages with a 落款: the PDF's closing block.
	if grep -q '<closing>' "$out"; then
		pdftotext -bbox-layout "$T/$pn.pdf" "$T/$pn.html" 2>/dev/null
		printf 'pdf\t%s\t%s\t%s\n' "$pn" "$T/$pn.html" "$out" \
			>>"$T/list"
	fi
done
if [ "$n_cases" -ge 30 ]; then
	ok "corpus holds $n_cases pages"
else
	not_ok "corpus holds at least 30 pages" "found $n_cases"
fi
# shellcheck disable=SC2086
check "every imported source is schema-valid" \
	xmllint --noout --relaxng "$RNG" $outs
python3 "$TOP/tests/e2e/import_check.py" "$T/list"
python3 "$TOP/tests/e2e/han_order.py" "$T/order"
