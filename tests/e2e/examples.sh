#!/bin/sh
# The example batch in examples/: every document source is valid against
# schemas/document.rng and accepted by `folio check`, the batch manifest
# is valid against schemas/batch.rng (and the schema really rejects bad
# manifests), and the examples still exercise what examples/README.md
# says they do (length of the long regulation, the mixed-script notice).
. "$TOP/tests/e2e/lib.sh"

EX="$TOP/examples"
DOC_RNG="$TOP/schemas/document.rng"
BATCH_RNG="$TOP/schemas/batch.rng"

# Han characters (U+4E00..U+9FFF) in the <body> text of a source.
han_in_body() {
	python3 - "$1" <<'EOF'
import re, sys, xml.etree.ElementTree as ET
ns = '{urn:folio:document:1}'
body = ET.parse(sys.argv[1]).getroot().find(ns + 'body')
text = '' if body is None else ''.join(body.itertext())
print(len(re.findall('[\u4e00-\u9fff]', text)))
EOF
}

# A <heading> must not carry a typed number: the style generates them.
no_typed_numbers() {
	python3 - "$1" <<'EOF'
import re, sys, xml.etree.ElementTree as ET
ns = '{urn:folio:document:1}'
num = '[一二三四五六七八九十百0-9]+'
typed = re.compile(r'^\s*(' + num + '、|[（(]' + num + '[）)]'
	r'|[0-9]+[.．、]|第' + num + '[章节条])')
bad = [h.text for h in ET.parse(sys.argv[1]).iter(ns + 'heading')
	if h.text and typed.match(h.text)]
if bad:
	print('typed heading number:', bad[0])
	sys.exit(1)
EOF
}

# Every date in a source (meta, closing) lies in 2024.
dates_in_2024() {
	python3 - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
ns = '{urn:folio:document:1}'
root = ET.parse(sys.argv[1]).getroot()
dates = [e.text for e in root.iter() if e.tag in (ns + 'date',
	ns + 'printed-date')]
bad = [d for d in dates if not (d or '').startswith('2024-')]
if not dates or bad:
	print('dates:', dates)
	sys.exit(1)
EOF
}

n=0
for f in "$EX"/*.xml; do
	[ -f "$f" ] || continue
	b=$(basename "$f")
	[ "$b" = batch.xml ] && continue
	n=$((n + 1))
	check "$b is valid against document.rng" \
		xmllint --noout --relaxng "$DOC_RNG" "$f"
	check "$b has no typed heading numbers" no_typed_numbers "$f"
	check "$b is dated in 2024" dates_in_2024 "$f"
	if "$FOLIO" check --json "$f" >"$T/check.out" 2>"$T/check.err"; then
		if grep -q '"valid":true' "$T/check.out"; then
			ok "folio check --json $b"
		else
			not_ok "folio check --json $b" \
				"no \"valid\":true in $(head -c 300 "$T/check.out")"
		fi
		if grep -q '"uncovered":\[\]' "$T/check.out"; then
			ok "$b: every character is covered by a font"
		else
			not_ok "$b: every character is covered by a font" \
				"$(grep -o '"uncovered":[^]]*]' "$T/check.out")"
		fi
	else
		not_ok "folio check --json $b" \
			"exit $?: $(head -c 300 "$T/check.err")"
	fi
	if grep -q "$b" "$EX/README.md" 2>/dev/null; then
		ok "$b is described in examples/README.md"
	else
		not_ok "$b is described in examples/README.md" "not mentioned"
	fi
done
if [ "$n" -ge 5 ]; then ok "examples: $n document sources"
else not_ok "examples: document sources" "found $n, expected >= 5"; fi

# The manifest, and the schema's refusals (each must fail to validate).
check "batch.xml is valid against batch.rng" \
	xmllint --noout --relaxng "$BATCH_RNG" "$EX/batch.xml"
bad_manifest() {
	# $1: case name, $2: sed expression that breaks the manifest.
	if ! sed "$2" "$EX/batch.xml" >"$T/bad.xml" 2>/dev/null; then
		not_ok "batch.rng rejects $1" "cannot read batch.xml"
	elif cmp -s "$EX/batch.xml" "$T/bad.xml"; then
		not_ok "batch.rng rejects $1" "sed changed nothing"
	elif xmllint --noout --relaxng "$BATCH_RNG" "$T/bad.xml" \
		>/dev/null 2>&1; then
		not_ok "batch.rng rejects $1" "manifest was accepted"
	else
		ok "batch.rng rejects $1"
	fi
}
bad_manifest "a source outside the folder" \
	's|<source>notice.xml<|<source>../notice.xml<|'
bad_manifest "an absolute source" \
	's|<source>notice.xml<|<source>/etc/notice.xml<|'
bad_manifest "a non-ASCII fonds code" 's|<code>J012<|<code>J01二<|'
bad_manifest "a non-ASCII batch id" 's|<batch-id>[^<]*<|<batch-id>批次一<|'
bad_manifest "an unknown retention" 's|<retention>[^<]*<|<retention>三十年<|'
bad_manifest "a missing signer" '/<signer>/,/<\/signer>/d'
bad_manifest "a two-digit year" 's|<year>2024<|<year>24<|'

# Every source the manifest names literally exists next to it.
sed -n 's|.*<source>\([^<*?[]*\)</source>.*|\1|p' "$EX/batch.xml" \
	>"$T/named"
missing=""
while IFS= read -r s; do
	[ -f "$EX/$s" ] || missing="$missing $s"
done <"$T/named"
if [ ! -s "$T/named" ]; then missing=" (no literal source names)"; fi
if [ -z "$missing" ]; then ok "batch.xml names only existing files"
else not_ok "batch.xml names only existing files" "missing:$missing"; fi

# The long regulation fills 8+ A4 pages (616 characters a page).
han=$(han_in_body "$EX/long-plan.xml")
if [ "${han:-0}" -ge 7000 ]; then
	ok "long-plan.xml has $han Han characters (>= 7000)"
else
	not_ok "long-plan.xml has >= 7000 Han characters" "found ${han:-none}"
fi

# The mixed-script notice carries every hard case for line breaking
# (searched in its text, not in its markup or comments).
mixed="$T/mixed.txt"
python3 -c '
import sys, xml.etree.ElementTree as ET
print("\n".join(t for t in ET.parse(sys.argv[1]).getroot().itertext()))
' "$EX/mixed.xml" >"$mixed"
# shellcheck disable=SC1112 # the curly quotes are the characters sought
for s in '——' '……' '《' '〔' '“' '‘' '（'; do
	if grep -qF "$s" "$mixed"; then ok "mixed.xml contains $s"
	else not_ok "mixed.xml contains $s" "absent"; fi
done
check "mixed.xml contains a URL" grep -qE 'https?://[A-Za-z0-9.-]+/' "$mixed"
check "mixed.xml contains an e-mail address" \
	grep -qE '[A-Za-z0-9._-]+@[A-Za-z0-9.-]+\.[a-z]+' "$mixed"
check "mixed.xml contains an ASCII word of 8+ letters" \
	grep -qE '(^|[^A-Za-z])[A-Za-z]{8,}([^A-Za-z]|$)' "$mixed"
check "mixed.xml contains a percentage" grep -qE '[0-9.]+%' "$mixed"
