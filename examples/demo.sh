#!/bin/sh
# `make demo`: run the bundled examples through folio into out/.
# Checks the sources, imports the seed page, then builds the example batch
# (PDFs, EPUBs, signed archive, site with OPDS feed) with `folio build`
# and verifies the archive. The demo signing key is generated into out/keys/ when the
# manifest's own key (examples/keys/signer.key) is absent: keys are
# never committed.
set -eu
folio=$1
out=$2
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out/demo"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1704067200}

echo "== checking the example sources"
sources=$(ls "$top"/examples/*.xml | grep -v '/batch\.xml$')
# shellcheck disable=SC2086 # one word per file name, no spaces in them
"$folio" check $sources

if [ -r "$top/../shared/corpus/seed-policy-interpretation.txt" ]; then
	echo "== importing the seed page (text copied from a web page)"
	"$folio" import "$top/../shared/corpus/seed-policy-interpretation.txt" \
		--meta issuer=营口市商务局 -o "$out/demo/seed.xml"
	"$folio" check "$out/demo/seed.xml"
else
	echo "== skipping the seed page: ../shared/corpus/" \
		"seed-policy-interpretation.txt is not beside this tree"
fi

if [ -f "$out/demo/seed.xml" ]; then
	echo "== the seed page as PDF and EPUB"
	"$folio" pdf "$out/demo/seed.xml" -o "$out/demo/seed.pdf"
	"$folio" epub "$out/demo/seed.xml" -o "$out/demo/seed.epub"
fi

manifest="$top/examples/batch.xml"
set --
if [ ! -f "$top/examples/keys/signer.key" ]; then
	if [ ! -f "$out/keys/signer.key" ]; then
		echo "== generating a demo signing key in $out/keys"
		"$folio" keygen -o "$out/keys" --org 江临市人民政府办公室 \
			>/dev/null
	fi
	set -- --key "$out/keys/signer.key" --cert "$out/keys/signer.crt"
fi

echo "== building the example batch"
"$folio" build "$manifest" -o "$out" "$@"
batch=$(sed -n 's:.*<batch-id>\(.*\)</batch-id>.*:\1:p' "$manifest")

echo "== verifying the signed archive"
"$folio" verify "$out/$batch/$batch.zip"

echo "== outputs"
echo "  PDFs (print):      $out/$batch/pdf/"
echo "  EPUBs (phones):    $out/$batch/epub/"
echo "  signed archive:    $out/$batch/$batch.zip"
echo "  site (readers):    $out/$batch/site/index.html, OPDS $out/$batch/site/opds.xml"
echo "  report:            $out/$batch/report.json"
if [ -f "$out/demo/seed.pdf" ]; then
	echo "  seed page:         $out/demo/seed.xml, seed.pdf, seed.epub"
fi
