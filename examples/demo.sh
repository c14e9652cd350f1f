#!/bin/sh
# `make demo`: run the bundled examples through folio into out/.
# Each stage that exists is run; the summary says where outputs went.
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
fi

has() { "$folio" --help | grep -q "^  $1 "; }
for src in "$top"/examples/*.xml "$out/demo/seed.xml"; do
	[ -f "$src" ] || continue
	case "$src" in */batch.xml) continue ;; esac
	name=$(basename "$src" .xml)
	if has pdf; then
		"$folio" pdf "$src" -o "$out/demo/$name.pdf"
	fi
	if has epub; then
		"$folio" epub "$src" -o "$out/demo/$name.epub"
	fi
done
echo "== outputs in $out/demo:"
ls -l "$out/demo"
