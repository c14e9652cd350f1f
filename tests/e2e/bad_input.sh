#!/bin/sh
# Bad input: every case in tests/cases/bad/ (plus a few generated here,
# too big to commit) must be refused with the right exit status, one
# message on stderr that starts with the exact "file:line:col" and says
# what was expected (a stable phrase per class), and no output file:
#   - XML sources go through `folio check FILE`, which writes nothing: the
#     work folder must be unchanged afterwards;
#   - text sources go through `folio import FILE -o out.xml`: neither
#     out.xml nor a temporary sibling (out.xml.tmp.*) may exist.
# libxml2 must never print on its own, so stderr is exactly one line.
. "$TOP/tests/e2e/lib.sh"

CASES="$TOP/tests/cases/bad"
W="$T/work"
mkdir -p "$W"
cp "$CASES"/* "$W"/

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# bad NAME CMD FILE STATUS LOCATION PHRASE [MAX_MS]
bad() {
	name=$1 cmd=$2 file=$3 want_status=$4 loc=$5 phrase=$6
	max_ms=${7:-}
	ls -A "$W" >"$T/before"
	t0=$(now_ms)
	if [ "$cmd" = import ]; then
		(cd "$W" && "$FOLIO" import "$file" -o "$W/out.xml" \
			</dev/null >"$T/stdout" 2>"$T/stderr")
	else
		(cd "$W" && "$FOLIO" check "$file" </dev/null \
			>"$T/stdout" 2>"$T/stderr")
	fi
	status=$?
	ms=$(($(now_ms) - t0))
	ls -A "$W" >"$T/after"
	msg=$(head -c 400 "$T/stderr")
	if [ "$status" -ne "$want_status" ]; then
		not_ok "$name" \
			"exit status $status, expected $want_status: $msg"
	elif [ "$(wc -l <"$T/stderr")" -ne 1 ]; then
		not_ok "$name" "expected one line on stderr, found: $msg"
	elif ! grep -qF "folio: $loc: " "$T/stderr"; then
		not_ok "$name" "expected location '$loc', found: $msg"
	elif ! grep -qF -- "$phrase" "$T/stderr"; then
		not_ok "$name" "expected '$phrase' in: $msg"
	elif ls "$W" | grep -q '^out\.xml'; then
		not_ok "$name" "an output was written: $(ls "$W" | grep out)"
	elif ! cmp -s "$T/before" "$T/after"; then
		not_ok "$name" "the work folder changed"
	elif [ -n "$max_ms" ] && [ "$ms" -gt "$max_ms" ]; then
		not_ok "$name" "took $ms ms, expected under $max_ms ms"
	else
		ok "$name"
	fi
}

# Control: the same harness accepts a valid source (so a refusal below is
# the input's doing, not a broken binary).
sed 's|<chart>图表</chart>||' "$W/unknown-element.xml" >"$W/good.xml"
if (cd "$W" && "$FOLIO" check good.xml >/dev/null 2>"$T/stderr"); then
	ok "control: a valid source passes check"
else
	not_ok "control: a valid source passes check" "$(cat "$T/stderr")"
fi
rm -f "$W/good.xml"

# --- well-formedness --------------------------------------------------
bad "unclosed tag" check unclosed-tag.xml 1 unclosed-tag.xml:10:10 \
	"expected </p> (closing <p> from line 9), found </body>"
bad "mismatched tag" check mismatched-tag.xml 1 mismatched-tag.xml:9:26 \
	"expected </p> (closing <p> from line 9), found </item>"
bad "bad attribute quoting" check bad-attribute-quoting.xml 1 \
	bad-attribute-quoting.xml:2:43 "expected a quoted attribute value"
bad "undefined entity (&nbsp;)" check undefined-entity.xml 1 \
	undefined-entity.xml:9:20 "found &nbsp;"
bad "NUL byte inside XML" check nul-byte.xml 1 nul-byte.xml:9:16 \
	"expected an XML character, found a NUL byte (byte 274)"
bad "empty file" check empty.xml 1 empty.xml:1:1 "found an empty file"
bad "only white space" check whitespace-only.xml 1 \
	whitespace-only.xml:1:1 \
	"expected an XML document, found only white space"

# --- encodings --------------------------------------------------------
bad "invalid UTF-8 (XML)" check invalid-utf8.xml 1 invalid-utf8.xml:9:17 \
	"invalid UTF-8 at byte 277 (expected UTF-8 text, found byte 0xFF)"
bad "invalid UTF-8 (text)" import invalid-utf8.txt 1 invalid-utf8.txt:3:7 \
	"invalid UTF-8 at byte 72"
bad "UTF-16 with byte order mark" check utf16-bom.xml 1 utf16-bom.xml:1:1 \
	"expected UTF-8, found UTF-16"
bad "UTF-8 byte order mark before UTF-16" check utf8-bom-utf16.xml 1 \
	utf8-bom-utf16.xml:1:1 "expected UTF-8, found UTF-16"
bad "UTF-16 big-endian, no byte order mark" check utf16be-no-bom.xml 1 \
	utf16be-no-bom.xml:1:1 "expected UTF-8, found UTF-16"
bad "encoding declared GB2312" check encoding-gb2312.xml 1 \
	encoding-gb2312.xml:1:21 \
	'expected encoding="UTF-8", found encoding="GB2312"'
cp /bin/true "$W/binary.txt"
bad "binary file" import binary.txt 1 binary.txt:1:25 \
	"invalid UTF-8 at byte 24"

# --- DTDs and entities: refused before libxml2 reads them -------------
dtd="expected no DTD (DOCTYPE is not allowed in folio sources)"
bad "DOCTYPE with internal subset" check doctype-internal-subset.xml 1 \
	doctype-internal-subset.xml:2:1 \
	"$dtd, found <!DOCTYPE document [...]>"
bad "external entity file:///etc/passwd" check external-entity-file.xml 1 \
	external-entity-file.xml:2:1 "$dtd, found <!DOCTYPE document [...]>"
bad "billion laughs" check billion-laughs.xml 1 billion-laughs.xml:2:1 \
	"$dtd, found <!DOCTYPE lolz [...]>" 3000

# The http case points at a listener of our own when python3 is there:
# the proof of no network use is that nothing ever connects to it.
port=9
if command -v python3 >/dev/null 2>&1; then
	python3 - "$T/port" "$T/connected" <<'EOF' &
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(5)
s.settimeout(20)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
try:
    s.accept()
    open(sys.argv[2], "w").write("connected\n")
except socket.timeout:
    pass
EOF
	listener=$!
	i=0
	while [ ! -f "$T/port" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -f "$T/port" ] && port=$(cat "$T/port")
fi
sed "s|127.0.0.1:9/|127.0.0.1:$port/|g" "$CASES/external-entity-http.xml" \
	>"$W/external-entity-http.xml"
bad "external entity over http (no fetch)" check external-entity-http.xml 1 \
	external-entity-http.xml:2:1 \
	"$dtd, found <!DOCTYPE document SYSTEM \"http://127.0.0.1:$port/" 2000
if [ -n "${listener:-}" ]; then
	sleep 0.3
	kill "$listener" 2>/dev/null
	wait "$listener" 2>/dev/null
	if [ -f "$T/connected" ]; then
		not_ok "http entity: no connection made" \
			"port $port was contacted"
	elif [ "$port" = 9 ]; then
		not_ok "http entity: no connection made" \
			"listener did not start"
	else
		ok "http entity: no connection made to 127.0.0.1:$port"
	fi
fi

# --- schema -----------------------------------------------------------
bad "wrong namespace" check wrong-namespace.xml 1 wrong-namespace.xml:2:1 \
	"expected namespace urn:folio:document:1, found urn:example:other"
bad "no namespace" check no-namespace.xml 1 no-namespace.xml:2:1 \
	"expected namespace urn:folio:document:1, found no namespace"
bad "unknown element" check unknown-element.xml 1 unknown-element.xml:10:5 \
	"expected an element the schema allows here, found <chart>"
bad "unknown attribute" check unknown-attribute.xml 1 \
	unknown-attribute.xml:2:1 "found attribute 'colour'"
bad "missing title" check missing-title.xml 1 missing-title.xml:3:3 \
	"expected element <title>, found none"
bad "missing issuer" check missing-issuer.xml 1 missing-issuer.xml:3:3 \
	"expected element <issuer>, found none"
bad "missing date" check missing-date.xml 1 missing-date.xml:3:3 \
	"expected element <date>, found none"
bad "date 2020-02-30" check date-feb-30.xml 1 date-feb-30.xml:6:5 \
	"expected a calendar date YYYY-MM-DD, found '2020-02-30'"
bad "date 2021-13-01" check date-month-13.xml 1 date-month-13.xml:6:5 \
	"expected a calendar date YYYY-MM-DD, found '2021-13-01'"
bad "date not ISO (2020/04/27)" check date-not-iso.xml 1 \
	date-not-iso.xml:6:5 "expected a date YYYY-MM-DD, found '2020/04/27'"
bad "retention not allowed" check retention-not-allowed.xml 1 \
	retention-not-allowed.xml:7:5 \
	"expected retention (保管期限) 永久, 定期30年 or 定期10年, found '长期'"
bad "heading nested 5 levels deep" check heading-5-deep.xml 1 \
	heading-5-deep.xml:13:13 "expected sections nested at most 4 deep"
bad "text with no body (title only)" import title-only.txt 1 \
	title-only.txt:2:1 "expected body text after the title"

# --- limits (generated: too big to commit) ----------------------------
yes '现将有关事项通知如下，请认真贯彻执行。' | head -c 104857600 >"$W/huge.txt"
bad "100 MB text file (import)" import huge.txt 1 huge.txt:1:1 "size limit" 2000
bad "100 MB text file (check)" check huge.txt 1 huge.txt:1:1 \
	"expected at most 16777216 bytes, found 104857600 bytes" 2000
rm -f "$W/huge.txt"

head -n 9 "$CASES/unknown-element.xml" >"$W/big.xml"
yes '    <p>现将有关事项通知如下，请认真贯彻执行。</p>' | head -c 17825792 \
	>>"$W/big.xml"
printf '\n  </body>\n</document>\n' >>"$W/big.xml"
bad "17 MB XML" check big.xml 1 big.xml:1:1 "size limit exceeded" 2000
rm -f "$W/big.xml"

awk 'BEGIN {
	print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	print "<document xmlns=\"urn:folio:document:1\">"
	for (i = 0; i < 10000; i++) print "  <section>"
	for (i = 0; i < 10000; i++) print "  </section>"
	print "</document>"
}' >"$W/deep.xml"
# <document> is depth 1; the 64th <section> (line 66) is depth 65.
bad "depth 10,000 nesting" check deep.xml 1 deep.xml:66:3 \
	"nesting limit exceeded: expected elements nested at most 64 deep" 2000
rm -f "$W/deep.xml"

{
	head -n 9 "$CASES/unknown-element.xml"
	printf '    <p>'
	# Whole lines (33 bytes of text each): never cut a character.
	yes '现将有关事项通知如下。' | head -n 36000 | tr -d '\n'
	printf '</p>\n  </body>\n</document>\n'
} >"$W/long-text.xml"
bad "text node over 1 MiB" check long-text.xml 1 long-text.xml:10:5 \
	"text limit exceeded: expected at most 1048576 bytes in one text"
rm -f "$W/long-text.xml"

# --- not a source at all ----------------------------------------------
mkdir "$W/folder.xml"
bad "a directory given as source" check folder.xml 2 folder.xml \
	"expected a regular file, found a directory"
rmdir "$W/folder.xml"
bad "a missing file" check missing.xml 2 missing.xml \
	"cannot open: No such file or directory"
# A FIFO would block a plain open until someone writes to it: refused as
# not a regular file, at once (timeout only guards the harness).
mkfifo "$W/pipe.xml"
(cd "$W" && timeout 20 "$FOLIO" check pipe.xml </dev/null \
	>"$T/stdout" 2>"$T/stderr")
status=$?
if [ $status -eq 2 ] && grep -qF "pipe.xml: expected a regular file, found a FIFO" \
	"$T/stderr"; then ok "a FIFO given as source"
else not_ok "a FIFO given as source" "exit $status: $(head -c 300 "$T/stderr")"
fi
rm -f "$W/pipe.xml"

# --- attributes: libxml2's cost is quadratic in them -------------------
# 100,000 attributes on one element (1.1 MB) are refused by the byte
# guard in linear time, before libxml2 parses the tag.
awk 'BEGIN {
	print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	print "<document xmlns=\"urn:folio:document:1\">"
	printf "  <meta"
	for (i = 0; i < 100000; i++) printf " a%d=\"x\"", i
	print "/>"
	print "</document>"
}' >"$W/attrs.xml"
bad "100,000 attributes on one element" check attrs.xml 1 attrs.xml:3:3 \
	"<meta>: attribute limit exceeded: expected at most 64 attributes"
rm -f "$W/attrs.xml"
