#!/bin/sh
# The command line's conventions (issue 13): -h/--help/-V/--version at
# the top and on every command; --opt=value and --opt value; short and
# bundled options; '--'; "did you mean" for unknown options and
# commands (exit 2); '-' as standard input for sources and '-o -' as
# standard output, with the size limit still enforced; --meta on pdf and
# epub; NO_COLOR; the option tables against --help, the generated man
# page and the bash completion; folio build --dry-run, the signer
# checked before any document, no leftovers after an early error,
# <style> optional and style paths found in the data folder.
. "$TOP/tests/e2e/lib.sh"
export FOLIO_DATADIR="$TOP"
EX="$TOP/examples"
BUILD_DIR=$(dirname "$FOLIO")

# exit_is NAME STATUS COMMAND...: the command exits with STATUS.
exit_is() {
	name=$1 want=$2; shift 2
	"$@" >"$T/.ei.out" 2>"$T/.ei.err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$name"; else
		not_ok "$name" "exit $got, expected $want: $(head -c 300 \
			"$T/.ei.err")"; fi
}

# --- help and version everywhere -------------------------------------
exit_is "folio -h exits 0" 0 "$FOLIO" -h
exit_is "folio --help exits 0" 0 "$FOLIO" --help
exit_is "folio -V exits 0" 0 "$FOLIO" -V
exit_is "folio with nothing exits 2" 2 "$FOLIO"
cmds=$("$FOLIO" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
n=0 bad=""
for c in $cmds; do
	n=$((n + 1))
	for o in -h --help -V --version; do
		"$FOLIO" "$c" "$o" >"$T/hv.out" 2>&1 || bad="$bad $c$o"
	done
	"$FOLIO" "$c" --version | grep -qx "folio [0-9.]*" ||
		bad="$bad $c--version-text"
	"$FOLIO" "$c" --help | grep -q "^usage: folio $c " ||
		bad="$bad $c--help-text"
done
if [ "$n" -ge 8 ] && [ -z "$bad" ]; then
	ok "-h, --help, -V, --version exit 0 on all $n commands"
else not_ok "help and version on every command" "$n commands;$bad"; fi
exit_is "folio help pdf exits 0" 0 "$FOLIO" help pdf

# --- did you mean ----------------------------------------------------
"$FOLIO" pdf "$EX/notice.xml" -o "$T/x.pdf" --styel=a.xml 2>"$T/dym.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "did you mean --style?" "$T/dym.err" &&
   [ ! -e "$T/x.pdf" ]; then ok "unknown option: did you mean --style?"
else not_ok "did you mean an option" "exit $rc $(cat "$T/dym.err")"; fi
"$FOLIO" biuld "$EX/batch.xml" 2>"$T/dym.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "did you mean 'build'?" "$T/dym.err"; then
	ok "unknown command: did you mean 'build'?"
else not_ok "did you mean a command" "exit $rc $(cat "$T/dym.err")"; fi
"$FOLIO" verify --jsn x.zip 2>"$T/dym.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "did you mean --json?" "$T/dym.err"; then
	ok "unknown option on verify: did you mean --json?"
else not_ok "did you mean on verify" "exit $rc $(cat "$T/dym.err")"; fi
"$FOLIO" check --zzzzzz "$EX/notice.xml" 2>"$T/dym.err"
rc=$?
if [ "$rc" -eq 2 ] && ! grep -q "did you mean" "$T/dym.err"; then
	ok "nothing close: no hint, exit 2"
else not_ok "no hint when nothing is close" "exit $rc $(cat "$T/dym.err")"
fi
exit_is "an option given twice is refused" 2 "$FOLIO" pdf \
	"$EX/notice.xml" -o "$T/a.pdf" -o "$T/b.pdf"
exit_is "a flag given a value is refused" 2 "$FOLIO" pdf \
	"$EX/notice.xml" -o "$T/a.pdf" --stats=yes
exit_is "a value missing is refused" 2 "$FOLIO" pdf "$EX/notice.xml" -o

# --- --opt=value, --opt value, short forms, -- -----------------------
"$FOLIO" pdf "$EX/notice.xml" --output="$T/eq.pdf" \
	--style="$TOP/styles/gbt9704.xml" >/dev/null 2>&1
"$FOLIO" pdf --style "$TOP/styles/gbt9704.xml" -o "$T/sp.pdf" \
	"$EX/notice.xml" >/dev/null 2>&1
"$FOLIO" pdf "$EX/notice.xml" -o"$T/at.pdf" >/dev/null 2>&1
if [ -s "$T/eq.pdf" ] && cmp -s "$T/eq.pdf" "$T/sp.pdf" &&
   cmp -s "$T/eq.pdf" "$T/at.pdf"; then
	ok "--opt=value, --opt value and -oVALUE give the same PDF"
else not_ok "--opt=value and --opt value" "outputs differ or missing"; fi
cp "$EX/notice.xml" "$T/-dash.xml"
(cd "$T" && "$FOLIO" check -- -dash.xml) >"$T/dd.out" 2>&1
if grep -q "^-dash.xml: ok" "$T/dd.out"; then
	ok "-- ends the options: a source named -dash.xml"
else not_ok "-- ends the options" "$(head -c 300 "$T/dd.out")"; fi

# --- standard input and output --------------------------------------
"$FOLIO" pdf - -o "$T/in.pdf" <"$EX/notice.xml" 2>"$T/in.err"
if [ $? -eq 0 ] && cmp -s "$T/in.pdf" "$T/sp.pdf"; then
	ok "pdf: '-' reads the source from standard input"
else not_ok "pdf from stdin" "$(cat "$T/in.err")"; fi
"$FOLIO" pdf "$EX/notice.xml" -o - >"$T/out.pdf" 2>"$T/out.err"
if [ $? -eq 0 ] && cmp -s "$T/out.pdf" "$T/sp.pdf"; then
	ok "pdf: -o - writes the same PDF to standard output"
else not_ok "pdf to stdout" "$(cat "$T/out.err")"; fi
"$FOLIO" epub "$EX/notice.xml" -o "$T/f.epub" 2>/dev/null
# The book names its PDF after the source file (notice.pdf); from
# standard input there is no file name, so it is given.
"$FOLIO" epub - -o - --page-source notice.pdf <"$EX/notice.xml" \
	>"$T/s.epub" 2>"$T/s.err"
if [ $? -eq 0 ] && [ -s "$T/f.epub" ] && cmp -s "$T/s.epub" "$T/f.epub"; then
	ok "epub: stdin to stdout gives the same book as files"
else not_ok "epub stdin/stdout" "$(cat "$T/s.err")"; fi
"$FOLIO" check - <"$EX/notice.xml" >"$T/c.out" 2>&1
if [ $? -eq 0 ] && grep -q "^-: ok" "$T/c.out"; then
	ok "check: '-' reads standard input"
else not_ok "check from stdin" "$(head -c 300 "$T/c.out")"; fi
exit_is "check: '-' twice is refused" 2 "$FOLIO" check - -
# An import from standard input to standard output.
printf '关于做好春季防火工作的通知\n\n各区人民政府：\n\n一、加强巡查\n\n请各单位落实责任。\n\n江临市人民政府办公室\n2024年3月1日\n' \
	>"$T/page.txt"
"$FOLIO" import - -o - <"$T/page.txt" >"$T/page.xml" 2>"$T/imp.err"
rc=$?
"$FOLIO" import "$T/page.txt" -o "$T/page2.xml" 2>/dev/null
if [ $rc -eq 0 ] && grep -q "关于做好春季防火工作的通知" "$T/page.xml" &&
   "$FOLIO" check "$T/page.xml" >/dev/null 2>&1; then
	ok "import: stdin to stdout gives a valid source"
else not_ok "import stdin/stdout" "exit $rc $(cat "$T/imp.err")"; fi
# The size limit holds on a stream (no size to stat): 16 MiB + 1 byte.
head -c 16777217 /dev/zero | tr '\0' 'a' |
	"$FOLIO" pdf - -o "$T/big.pdf" 2>"$T/big.err"
rc=$?
if [ $rc -eq 1 ] && grep -q "stdin:1:1: size limit" "$T/big.err" &&
   [ ! -e "$T/big.pdf" ]; then
	ok "stdin: the 16 MiB source limit still applies"
else not_ok "stdin size limit" "exit $rc $(cat "$T/big.err")"; fi
# A failed write to standard output writes nothing there.
"$FOLIO" pdf "$T/nonexistent.xml" -o - >"$T/none.pdf" 2>/dev/null
if [ $? -eq 2 ] && [ ! -s "$T/none.pdf" ]; then
	ok "-o -: nothing on standard output after an error"
else not_ok "-o - after an error" "$(wc -c <"$T/none.pdf") bytes"; fi

# --- --meta on pdf and epub ----------------------------------------
printf '关于做好春季防火工作的通知\n\n各区人民政府：\n\n请各单位落实责任。\n' \
	>"$T/nodate.txt"
"$FOLIO" pdf "$T/nodate.txt" -o "$T/nd.pdf" 2>"$T/nd.err"
rc=$?
if [ $rc -eq 1 ] && grep -q -- "--meta date=" "$T/nd.err"; then
	hint=yes; else hint=no; fi
"$FOLIO" pdf "$T/nodate.txt" -o "$T/nd.pdf" --meta date=2024-03-01 \
	--meta issuer=江临市人民政府办公室 2>"$T/nd2.err"
rc2=$?
if [ $hint = yes ] && [ $rc2 -eq 0 ] && [ -s "$T/nd.pdf" ]; then
	ok "pdf: the --meta the error recommends works"
else not_ok "pdf --meta" "hint=$hint exit $rc2 $(cat "$T/nd2.err")"; fi
"$FOLIO" pdf "$EX/notice.xml" -o "$T/m.pdf" --meta title=替换后的标题 \
	2>/dev/null
if pdfinfo "$T/m.pdf" 2>/dev/null | grep -q "^Title: *替换后的标题"; then
	ok "pdf: --meta title= on an XML source reaches the PDF"
else not_ok "pdf --meta on XML" "$(pdfinfo "$T/m.pdf" 2>&1 | head -3)"; fi
"$FOLIO" epub "$EX/notice.xml" -o "$T/m.epub" --meta title=替换后的标题 \
	2>/dev/null
if unzip -p "$T/m.epub" '*.opf' 2>/dev/null | grep -q "替换后的标题"; then
	ok "epub: --meta title= reaches the package"
else not_ok "epub --meta" "title not in the OPF"; fi
"$FOLIO" epub "$EX/notice.xml" -o "$T/m2.epub" --meta colour=red \
	2>"$T/m2.err"
if [ $? -eq 2 ] && grep -q "unknown key 'colour'" "$T/m2.err" &&
   [ ! -e "$T/m2.epub" ]; then ok "epub: an unknown --meta key, exit 2"
else not_ok "epub unknown --meta" "$(cat "$T/m2.err")"; fi

# --- the tables against --help, the man page and the completion -----
MAN="$BUILD_DIR/folio.1"
groff -man -Tascii -P-cbou -rLL=200n "$MAN" >"$T/man.txt" 2>/dev/null
python3 "$TOP/tests/e2e/cli_options.py" "$TOP" "$FOLIO" "$T/man.txt" ||
	not_ok "option tables" "see above"
# The check itself must be able to fail: a page without --stats.
grep -v -- "--stats" "$T/man.txt" >"$T/man-cut.txt"
if python3 "$TOP/tests/e2e/cli_options.py" "$TOP" "$FOLIO" \
	"$T/man-cut.txt" 2>&1 | grep -q "^not ok - pdf: man page differs.*stats"
then ok "the consistency check catches an option missing from the page"
else not_ok "consistency check self-test" "a cut page passed"; fi
if man -l "$MAN" >/dev/null 2>&1; then ok "man -l renders the page"
else not_ok "man -l" "$(man -l "$MAN" 2>&1 | head -3)"; fi
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
		_folio; printf "%s\n" "${COMPREPLY[@]}"' sh \
		"$BUILD_DIR/folio.bash" "$@"
}
if command -v bash >/dev/null 2>&1; then
	c1=$(complete_words folio bu | tr '\n' ' ')
	c2=$(complete_words folio pdf --st | tr '\n' ' ')
	c3=$(complete_words folio pdf --missing-glyph "" | tr '\n' ' ')
	c4=$(complete_words folio build --dr | tr '\n' ' ')
	if [ "$c1" = "build " ] && echo "$c2" | grep -q -- "--style" &&
	   echo "$c2" | grep -q -- "--stats" && [ "$c3" = "error box " ] &&
	   [ "$c4" = "--dry-run " ]; then
		ok "bash completion: commands, options, choice values"
	else not_ok "bash completion" "'$c1' '$c2' '$c3' '$c4'"; fi
else skip "bash completion" "no bash"; fi

# --- batches: a small one of our own -------------------------------
B="$T/batch"
mkdir -p "$B"
cp "$EX/notice.xml" "$EX/opinion.xml" "$B/"
"$FOLIO" keygen -o "$B/keys" >/dev/null 2>&1
manifest() {  # manifest FILE STYLE-ELEMENT
	cat >"$1" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<batch xmlns="urn:folio:batch:1">
  <fonds><code>J012</code><name>江临市人民政府办公室</name></fonds>
  <year>2024</year>
  <batch-id>CLI-1</batch-id>
  <defaults><retention>定期30年</retention><security>公开</security></defaults>
  $2
  <signer><key>keys/signer.key</key><certificate>keys/signer.crt</certificate></signer>
  <sources><source>notice.xml</source><source>opinion.xml</source></sources>
</batch>
EOF
}
manifest "$B/batch.xml" ""
manifest "$B/named.xml" "<style><pdf>gbt9704.xml</pdf><epub-css>styles/epub.css</epub-css></style>"
cp "$TOP/styles/gbt9704.xml" "$B/mine.xml"
manifest "$B/mine-batch.xml" "<style><pdf>mine.xml</pdf></style>"

# --dry-run on a fresh folder: every document new, nothing created.
"$FOLIO" build "$B/batch.xml" -o "$T/out" --dry-run >"$T/dr1.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "^build  notice.xml: new" "$T/dr1.out" &&
   grep -q "^build  opinion.xml: new" "$T/dr1.out" &&
   grep -q "2 would be built, 0 up to date; nothing written" "$T/dr1.out" &&
   [ ! -e "$T/out" ]; then
	ok "--dry-run: new documents listed, no folder, no lock"
else not_ok "--dry-run fresh" "exit $rc $(cat "$T/dr1.out") $(ls -a "$T/out" 2>&1)"; fi

# <style> left out: the installed styles.
"$FOLIO" build "$B/batch.xml" -o "$T/out" -q >/dev/null 2>"$T/b1.err"
rc=$?
want=$(sha256sum "$TOP/styles/gbt9704.xml" | cut -d' ' -f1)
got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["inputs"]["style"])' \
	"$T/out/CLI-1/report.json" 2>/dev/null)
if [ $rc -eq 0 ] && [ "$got" = "$want" ] &&
   [ -s "$T/out/CLI-1/pdf/J012-2024-D30-0001.pdf" ]; then
	ok "no <style>: built with the installed gbt9704.xml"
else not_ok "optional <style>" "exit $rc style $got $(cat "$T/b1.err")"; fi
"$FOLIO" build "$B/named.xml" -o "$T/out-named" -q >/dev/null 2>"$T/b2.err"
got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["inputs"]["style"])' \
	"$T/out-named/CLI-1/report.json" 2>/dev/null)
if [ $? -eq 0 ] && [ "$got" = "$want" ]; then
	ok "<pdf>gbt9704.xml</pdf>: found in the data folder's styles/"
else not_ok "style in the data folder" "$(cat "$T/b2.err")"; fi

# After a build: up to date; then each reason.
"$FOLIO" build "$B/batch.xml" -o "$T/out" -n >"$T/dr2.out" 2>&1
before=$(find "$T/out" -newer "$T/dr2.out" | wc -l)
if grep -q "^skip   notice.xml (J012-2024-D30-0001): up to date" \
	"$T/dr2.out" && grep -q "0 would be built, 2 up to date" "$T/dr2.out"
then ok "--dry-run after a build: up to date"
else not_ok "--dry-run up to date" "$(cat "$T/dr2.out")"; fi
sed -i 's|</document>|</document>\n|' "$B/notice.xml"
rm "$T/out/CLI-1/epub/J012-2024-Y-0002.epub"
ls -la --time-style=full-iso "$T/out/CLI-1" >"$T/ls1"
"$FOLIO" build "$B/batch.xml" -o "$T/out" --dry-run >"$T/dr3.out" 2>&1
ls -la --time-style=full-iso "$T/out/CLI-1" >"$T/ls2"
if grep -q "^build  notice.xml (J012-2024-D30-0001): source changed" \
	"$T/dr3.out" &&
   grep -q "^build  opinion.xml (J012-2024-Y-0002): output missing" \
	"$T/dr3.out" && cmp -s "$T/ls1" "$T/ls2" && [ "$before" -eq 0 ]; then
	ok "--dry-run: source changed, output missing; nothing touched"
else not_ok "--dry-run reasons" "$(cat "$T/dr3.out") $(diff "$T/ls1" "$T/ls2")"; fi
"$FOLIO" build "$B/mine-batch.xml" -o "$T/out-mine" -q >/dev/null 2>&1
echo '<!-- changed -->' >>"$B/mine.xml"
"$FOLIO" build "$B/mine-batch.xml" -o "$T/out-mine" -n >"$T/dr4.out" 2>&1
if grep -q "^build  notice.xml.*: style changed" "$T/dr4.out"; then
	ok "--dry-run: style changed"
else not_ok "--dry-run style changed" "$(cat "$T/dr4.out")"; fi

# The signer is checked before any document: no PDF, no folder.
mv "$B/keys" "$B/keys.away"
"$FOLIO" build "$B/batch.xml" -o "$T/nokey" >"$T/nk.out" 2>"$T/nk.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "folio keygen -o DIR" "$T/nk.err" &&
   grep -q "signer.crt" "$T/nk.err" && [ ! -e "$T/nokey" ]; then
	ok "missing key: refused before any document, OUT untouched"
else not_ok "key checked first" "exit $rc $(cat "$T/nk.err") $(find "$T/nokey" 2>&1 | head -5)"; fi
"$FOLIO" build "$B/batch.xml" -o "$T/nokey" --dry-run >/dev/null 2>"$T/nk2.err"
if [ $? -eq 2 ] && grep -q "folio keygen" "$T/nk2.err"; then
	ok "--dry-run checks the signer too"
else not_ok "--dry-run signer" "$(cat "$T/nk2.err")"; fi
mv "$B/keys.away" "$B/keys"
# A key of another pair: still before any document.
"$FOLIO" keygen -o "$B/other" >/dev/null 2>&1
"$FOLIO" build "$B/batch.xml" -o "$T/mism" --key "$B/other/signer.key" \
	--cert "$B/keys/signer.crt" >/dev/null 2>"$T/mm.err"
if [ $? -eq 2 ] && grep -q "does not belong" "$T/mm.err" &&
   [ ! -e "$T/mism" ]; then
	ok "key of another certificate: refused first, nothing written"
else not_ok "mismatched key" "$(cat "$T/mm.err")"; fi
# A certificate not yet valid at the signing time.
SOURCE_DATE_EPOCH=100 "$FOLIO" build "$B/batch.xml" -o "$T/early" \
	>/dev/null 2>"$T/ea.err"
if [ $? -eq 2 ] && grep -q "valid at the signing time 1970" "$T/ea.err" &&
   [ ! -e "$T/early" ]; then
	ok "certificate not valid at the signing time: refused first"
else not_ok "certificate validity" "$(cat "$T/ea.err")"; fi
# A bad manifest, and a missing style, in an existing OUT: no leftovers.
mkdir -p "$T/keep"
echo '<batch' >"$B/broken.xml"
"$FOLIO" build "$B/broken.xml" -o "$T/keep" >/dev/null 2>&1
rc1=$?
manifest "$B/nostyle.xml" "<style><pdf>nonesuch.xml</pdf></style>"
"$FOLIO" build "$B/nostyle.xml" -o "$T/keep" >/dev/null 2>"$T/ns.err"
rc2=$?
if [ $rc1 -ne 0 ] && [ $rc2 -eq 2 ] &&
   grep -q "nostyle.xml:[0-9]*:[0-9]*: <pdf>: expected a file" "$T/ns.err" &&
   [ -z "$(ls -A "$T/keep")" ]; then
	ok "bad manifest, missing style: no folder, lock or file left"
else not_ok "no leftovers" "$rc1 $rc2 $(cat "$T/ns.err") $(ls -A "$T/keep")"; fi
# The summary names report.json only when it was written.
"$FOLIO" build "$B/batch.xml" -o "$T/out" >"$T/sum.out" 2>&1
if grep -q "report: $T/out/CLI-1/report.json" "$T/sum.out" &&
   [ -f "$T/out/CLI-1/report.json" ]; then
	ok "summary names report.json, which exists"
else not_ok "summary report line" "$(cat "$T/sum.out")"; fi

# --- NO_COLOR: the progress bar's red "failed" ---------------------
if ! command -v script >/dev/null 2>&1 ||
   ! script -qec true /dev/null >/dev/null 2>&1; then
	skip "NO_COLOR" "no pseudo-terminal here (script cannot open one)"
else
	echo '<document' >"$B/opinion.xml"
	script -qec "'$FOLIO' build '$B/batch.xml' -o '$T/col1' --no-archive" \
		/dev/null >"$T/col1.out" 2>&1
	script -qec "NO_COLOR=1 '$FOLIO' build '$B/batch.xml' -o '$T/col2' \
		--no-archive" /dev/null >"$T/col2.out" 2>&1
	esc=$(printf '\033')
	if grep -q "${esc}\[31m" "$T/col1.out" &&
	   ! grep -q "${esc}\[3[0-9]m" "$T/col2.out" &&
	   grep -q "1 failed" "$T/col2.out"; then
		ok "colour on a terminal, none with NO_COLOR=1"
	else not_ok "NO_COLOR" "$(od -c "$T/col2.out" | head -5)"; fi
fi
