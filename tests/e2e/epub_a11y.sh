#!/bin/sh
# Accessibility of the EPUBs, judged outside folio:
#   - Ace by DAISY 1.4.6 (build/ace, installed by make deps) on every
#     example, the seed page, the form case, the tables case (tables,
#     merged cells, figures) and 16 documents of the generator
#     tests/e2e/batch.sh uses (same seed; 16, not its 56: every kind of
#     part the generator writes occurs in them, and Ace's time, the
#     largest share of CI's minutes, grows with the books), in one run
#     (one Node process, one Chromium): outcome pass, 0 violations of any impact, and the
#     accessibility metadata present, dcterms:conformsTo included;
#   - ace-cli, the command itself, on one book agrees with that run;
#   - Chromium (tests/ace/render_check.js) on the examples, the seed and
#     the form: at 320 and 360 px nothing is wider than the screen, Han
#     and Latin/digit runs are drawn in faces their font chains name
#     (Latin in the face of the Han around it), blanks keep their width
#     and never hang past the line end.
# Release build only: the sanitizer build writes the same bytes, and Ace
# takes minutes.
. "$TOP/tests/e2e/lib.sh"

if [ "${FOLIO_VARIANT:-release}" = sanitize ]; then
	echo "# Ace and Chromium checks skipped for the sanitizer build"
	exit 0
fi
ACE="$TOP/build/ace"
if [ ! -f "$ACE/.installed" ] || ! command -v node >/dev/null 2>&1 ||
    ! command -v chromium >/dev/null 2>&1; then
	not_ok "Ace by DAISY is installed" "no $ACE or no node/chromium: run make deps"
	exit 1
fi
export PUPPETEER_EXECUTABLE_PATH="$(command -v chromium)"
# Ace and Chromium keep logs, settings and caches under these.
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/config" \
	XDG_STATE_HOME="$T/home/state" XDG_DATA_HOME="$T/home/data" \
	XDG_CACHE_HOME="$T/home/cache"
mkdir -p "$T/books" "$T/unpacked" "$XDG_CONFIG_HOME"

# book NAME SOURCE: one EPUB into $T/books.
book() {
	if "$FOLIO" epub "$2" -o "$T/books/$1.epub" >"$T/$1.log" 2>&1; then
		:
	else
		not_ok "epub builds $1" "$(head -c 400 "$T/$1.log")"
	fi
}
for x in "$TOP"/examples/*.xml; do
	n=$(basename "$x" .xml)
	[ "$n" = batch ] || book "$n" "$x"
done
book form "$TOP/tests/cases/epub/form.xml"
book tables "$TOP/tests/cases/tables/tables.xml"
if ! have_seed; then
	skip "epub builds seed" "no $CORPUS beside the tree"
elif "$FOLIO" import "$CORPUS/seed-policy-interpretation.txt" \
    --meta issuer=营口市商务局 -o "$T/seed.xml" >"$T/import.log" 2>&1; then
	book seed "$T/seed.xml"
else
	not_ok "epub builds seed" "import: $(head -c 400 "$T/import.log")"
fi
# Documents of tests/e2e/batch.sh's generator, with its seed.
mkdir -p "$T/genbooks"
NGEN=16
if python3 "$TOP/tests/gen/gen_batch.py" "$T/gen" $NGEN --seed 11 \
    >/dev/null 2>"$T/gen.log"; then
	for x in "$T"/gen/*.xml; do
		n=$(basename "$x" .xml)
		[ "$n" = batch ] ||
		"$FOLIO" epub "$x" -o "$T/genbooks/$n.epub" >>"$T/gen.log" 2>&1
	done
fi
if [ "$(ls "$T/genbooks" | grep -c '\.epub$')" -eq $NGEN ]; then
	ok "$NGEN generated documents build"
else
	not_ok "$NGEN generated documents build" "$(tail -c 400 "$T/gen.log")"
fi
set --
for f in "$T"/books/*.epub "$T"/genbooks/*.epub; do
	[ -f "$f" ] && set -- "$@" "$f"
done

# --- Ace: every book in one run -----------------------------------------
start=$(date +%s)
node "$TOP/tests/ace/ace_all.js" "$ACE" "$T/ace" "$@" >"$T/ace.out" \
	2>"$T/ace.err"
rc=$?
cat "$T/ace.out"
n=$(grep -c '^ok - ace ' "$T/ace.out")
echo "# Ace: $n of $# books pass in $(($(date +%s) - start)) s"
if [ "$rc" -ne 0 ] || [ "$(grep -c ' - ace ' "$T/ace.out")" -ne $# ]; then
	not_ok "Ace ran on all $# books" "exit $rc $(tail -c 400 "$T/ace.err")"
fi

# --- ace-cli itself agrees on one book ----------------------------------
check "ace-cli passes notice with 0 violations, as the one-run driver" \
	sh -c '
	"$1/node_modules/.bin/ace-cli" --silent --force --exiterror2 \
		-o "$2/cli" "$3" || exit 1
	python3 - "$2/cli/report.json" <<EOF
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
n = sum(len(a.get("assertions", [])) for a in r["assertions"])
ok = r["earl:result"]["earl:outcome"] == "pass" and n == 0 and \
    "dcterms:conformsTo" in r["a11y-metadata"]["present"]
sys.exit(0 if ok else 1)
EOF' sh "$ACE" "$T" "$T/books/notice.epub"

# --- what a phone shows -------------------------------------------------
set --
for f in "$T"/books/*.epub; do
	n=$(basename "$f" .epub)
	mkdir -p "$T/unpacked/$n"
	(cd "$T/unpacked/$n" && unzip -q "$f") && set -- "$@" "$T/unpacked/$n"
done
node "$TOP/tests/ace/render_check.js" "$ACE" "$@" 2>"$T/render.err" ||
	not_ok "render check ran" "$(tail -c 400 "$T/render.err")"
