# make install into a staging folder; the installed binary, run from
# elsewhere with no FOLIO_DATADIR, finds its schemas, styles and fonts.
. "$TOP/tests/e2e/lib.sh"
unset FOLIO_DATADIR
check "make install DESTDIR=... PREFIX=/usr/local" \
	make -s -C "$TOP" install VARIANT="$FOLIO_VARIANT" \
	DESTDIR="$T/stage" PREFIX=/usr/local
P="$T/stage/usr/local"
for f in bin/folio share/man/man1/folio.1 share/folio/schemas/document.rng \
	share/bash-completion/completions/folio \
	share/folio/styles/gbt9704.xml share/folio/styles/epub.css \
	share/folio/fonts/fonts.xml; do
	if [ -f "$P/$f" ]; then ok "installed $f"; else
		not_ok "installed $f" "missing"; fi
done
cd "$T" || exit 1
check "installed folio checks a source" "$P/bin/folio" check \
	"$TOP/examples/notice.xml"
check "installed folio writes a PDF" "$P/bin/folio" pdf \
	"$TOP/examples/notice.xml" -o "$T/n.pdf"
check "installed folio writes an EPUB" "$P/bin/folio" epub \
	"$TOP/examples/notice.xml" -o "$T/n.epub"
check "man page renders" sh -c 'man -l "$1" >/dev/null 2>&1 ||
	groff -man -Tutf8 "$1" >/dev/null' sh "$P/share/man/man1/folio.1"
