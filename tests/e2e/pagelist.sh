#!/bin/sh
# The print page list of the EPUBs against their PDFs (pagelist_check.py
# says exactly what is compared): on every example, the stress sources,
# the form case, the seed page (when ../shared/corpus is beside the
# tree) and a notice with an attachment listed only, made by folio pdf +
# folio epub; on a generated batch made by folio build (one layout for
# both); on a PDF made with another print style and the EPUB told so
# with --print-style. EPUBCheck 0/0/0 on the books no other script
# checks; the same bytes twice; a bad print style refused with nothing
# written. (Ace on books with page lists: epub_a11y.sh.)
. "$TOP/tests/e2e/lib.sh"

CHECK="$TOP/tests/e2e/pagelist_check.py"
mkdir -p "$T/b"

# pair NAME SOURCE [PDF OPTIONS...]: NAME.pdf and NAME.epub in $T/b,
# then the page list check.
pair() {
	n=$1 src=$2
	shift 2
	if ! "$FOLIO" pdf "$src" -o "$T/b/$n.pdf" "$@" >"$T/$n.log" 2>&1; then
		not_ok "pdf $n" "$(head -c 400 "$T/$n.log")"
		return
	fi
	if ! "$FOLIO" epub "$src" -o "$T/b/$n.epub" >>"$T/$n.log" 2>&1; then
		not_ok "epub $n" "$(head -c 400 "$T/$n.log")"
		return
	fi
	python3 "$CHECK" "$n" "$T/b/$n.epub" "$T/b/$n.pdf" "$n.pdf"
}

for x in "$TOP"/examples/*.xml; do
	n=$(basename "$x" .xml)
	[ "$n" = batch ] || pair "$n" "$x"
done
for x in "$TOP"/tests/cases/stress/*.xml; do
	pair "$(basename "$x" .xml)" "$x" --missing-glyph box
done
pair form "$TOP/tests/cases/epub/form.xml"
# An attachment listed only (no body): the print gives it a page of its
# label and title, and so must the book.
python3 - "$TOP/examples/notice.xml" "$T/listed.xml" <<'PY'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
a = s.index("<attachment>", s.index("<attachment>") + 1)
b = s.index("</attachment>", a)
t = s.index("</title>", a) + len("</title>")
open(sys.argv[2], "w", encoding="utf-8").write(s[:t] + "\n  " + s[b:])
PY
pair listed "$T/listed.xml"
if have_seed; then
	if "$FOLIO" import "$CORPUS/seed-policy-interpretation.txt" \
	    --meta issuer=营口市商务局 -o "$T/seed.xml" >"$T/import.log" 2>&1
	then
		pair seed "$T/seed.xml"
	else
		not_ok "import seed" "$(head -c 400 "$T/import.log")"
	fi
else
	skip "page list of the seed page" "no $CORPUS beside the tree"
fi

# Another print style: the EPUB follows it when told, and the check
# sees the difference when it is not (the A5 book style breaks pages
# elsewhere), so the comparison cannot pass by accident.
book="$TOP/styles/book.xml"
src="$TOP/examples/long-plan.xml"
"$FOLIO" pdf "$src" --style "$book" -o "$T/b/a5.pdf" >"$T/a5.log" 2>&1 &&
"$FOLIO" epub "$src" --print-style "$book" -o "$T/b/a5.epub" \
	>>"$T/a5.log" 2>&1 &&
"$FOLIO" epub "$src" -o "$T/b/a5-default.epub" >>"$T/a5.log" 2>&1 ||
	not_ok "books in the A5 style" "$(head -c 400 "$T/a5.log")"
python3 "$CHECK" a5 "$T/b/a5.epub" "$T/b/a5.pdf" long-plan.pdf
python3 "$CHECK" a5-default "$T/b/a5-default.epub" "$T/b/a5.pdf" \
	>"$T/a5.out" 2>&1
if grep -q '^not ok - starts' "$T/a5.out"; then
	ok "a page list of another style does not match the A5 PDF"
else
	not_ok "a page list of another style does not match the A5 PDF" \
		"the check passed a book laid out in gbt9704"
fi

# folio build: the EPUB's page list from the PDF's own layout, the PDF
# named by its file name.
if python3 "$TOP/tests/gen/gen_batch.py" "$T/gen" 12 --seed 15 \
    >/dev/null 2>"$T/gen.log" &&
    "$FOLIO" build "$T/gen/batch.xml" -o "$T/out" --no-archive -q \
    >"$T/build.log" 2>&1; then
	bad=0 n=0
	for p in "$T"/out/*/pdf/*.pdf; do
		c=$(basename "$p" .pdf)
		d=$(dirname "$(dirname "$p")")
		n=$((n + 1))
		python3 "$CHECK" "$c" "$d/epub/$c.epub" "$p" "$c.pdf" \
			>"$T/c.out" 2>&1
		if grep -q '^not ok' "$T/c.out" ||
		    [ "$(grep -c '^ok' "$T/c.out")" -ne 2 ]; then
			bad=$((bad + 1))
			sed 's/^/    /' "$T/c.out" | head -4
		fi
	done
	if [ "$n" -eq 12 ] && [ "$bad" -eq 0 ]; then
		ok "folio build: the page lists of 12 documents match their PDFs"
	else
		not_ok "folio build: page lists match their PDFs" \
			"$bad of $n documents differ"
	fi
else
	not_ok "folio build of a generated batch" \
		"$(tail -c 400 "$T/gen.log" "$T/build.log")"
fi

# Same bytes twice, under any output name.
"$FOLIO" epub "$TOP/examples/notice.xml" -o "$T/r1.epub" &&
"$FOLIO" epub "$TOP/examples/notice.xml" -o "$T/r2.epub" &&
check "folio epub with a page list: the same bytes twice" \
	cmp "$T/r1.epub" "$T/r2.epub"

# A print style that cannot be read: exit non-zero, say which file,
# write nothing.
if "$FOLIO" epub "$TOP/examples/notice.xml" --print-style \
    "$T/missing.xml" -o "$T/none.epub" >"$T/bad.out" 2>&1; then
	not_ok "a missing print style is refused" "exit 0"
elif [ -e "$T/none.epub" ] || ! grep -q missing.xml "$T/bad.out"; then
	not_ok "a missing print style is refused" "$(head -c 300 "$T/bad.out")"
else
	ok "a missing print style is refused, nothing written"
fi

# A page source name longer than the package keeps: refused, not cut.
long=$(printf '%0300d' 0)
if "$FOLIO" epub "$TOP/examples/notice.xml" --page-source "$long" \
    -o "$T/long.epub" >"$T/long.out" 2>&1; then
	not_ok "a 300-byte page source is refused" "exit 0"
elif [ -e "$T/long.epub" ] || ! grep -q "page source" "$T/long.out"; then
	not_ok "a 300-byte page source is refused" "$(head -c 300 "$T/long.out")"
else
	ok "a 300-byte page source is refused, nothing written"
fi

# EPUBCheck on the books no other script checks (examples, form and
# seed: epub.sh and epub_a11y.sh).
if [ "${FOLIO_VARIANT:-release}" = sanitize ]; then
	echo "# epubcheck skipped for the sanitizer build"
	exit 0
fi
set --
for f in "$T"/b/*stress.epub "$T"/b/a5*.epub "$T"/b/listed.epub; do
	[ -f "$f" ] && set -- "$@" "$f"
done
epubcheck_all "$@"
