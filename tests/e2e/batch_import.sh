#!/bin/sh
# folio build on pages of text: a batch must not drop a line silently.
# A manifest lists two pasted web pages (site chrome, a repeated title,
# page numbers around the text), a plain 公文 page and an XML source.
# Every text source's object in report.json carries its import report
# ("import": the counts, the summary and every dropped line, the same
# lines `folio import --report` lists as dropped); the XML source's is
# null; totals count the text sources and the dropped lines; stderr has
# one line per document with drops and the human summary one line for
# the batch. A second run (everything up to date) keeps it all in the
# report, and prints no drop line again.
. "$TOP/tests/e2e/lib.sh"
export FOLIO_DATADIR="$TOP"
CASES="$TOP/tests/cases/import"
B="$T/b"
mkdir -p "$B"
for n in interpretation-web web-gongwen-repeat gongwen-joint; do
	cp "$CASES/$n.txt" "$B/"
done
cp "$TOP/examples/notice.xml" "$B/"
cat >"$B/batch.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<batch xmlns="urn:folio:batch:1">
  <fonds><code>J099</code><name>江临市档案馆</name></fonds>
  <year>2024</year>
  <batch-id>J099-2024-I001</batch-id>
  <defaults><retention>定期30年</retention><security>公开</security></defaults>
  <style>
    <pdf>$TOP/styles/gbt9704.xml</pdf>
    <epub-css>$TOP/styles/epub.css</epub-css>
  </style>
  <signer><key>keys/signer.key</key><certificate>keys/signer.crt</certificate></signer>
  <sources><source>*.txt</source><source>notice.xml</source></sources>
</batch>
EOF
check "keygen" "$FOLIO" keygen -o "$B/keys"
# What `folio import` says each page drops, for comparison.
for n in interpretation-web web-gongwen-repeat gongwen-joint; do
	"$FOLIO" import "$B/$n.txt" -o "$T/$n.xml" --report "$T/$n.json" \
		>/dev/null 2>&1 || not_ok "$n: imports" "exit $?"
done

"$FOLIO" build "$B/batch.xml" -o "$T/o" --no-site >"$T/b1.out" \
	2>"$T/b1.err"
rc=$?
R="$T/o/J099-2024-I001/report.json"
if [ "$rc" -eq 0 ] && [ -f "$R" ]; then ok "batch of pages builds, exit 0"
else not_ok "batch of pages builds" "exit $rc $(head -c 400 "$T/b1.err")"; fi

# judge REPORT [rerun]: the report against folio import's own reports.
judge() {
	python3 - "$1" "$T" "${2:-}" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1], encoding="utf-8"))
t, rerun = sys.argv[2], sys.argv[3]
bad, total, texts = [], 0, 0
for d in rep["documents"]:
    name = d["source"].rsplit(".", 1)[0]
    im = d.get("import", "missing")
    if d["source"].endswith(".xml"):
        if im is not None:
            bad.append("%s: import %r, expected null" % (d["source"], im))
        continue
    texts += 1
    if not isinstance(im, dict):
        bad.append("%s: no import object" % d["source"]); continue
    own = json.load(open("%s/%s.json" % (t, name), encoding="utf-8"))
    want = [(e["line"], e["col"], e["text"], e["reason"])
            for e in own["entries"] if e["action"] == "dropped"]
    got = [(e["line"], e["col"], e["text"], e["reason"]) for e in im["drops"]]
    if got != want:
        bad.append("%s: drops %r, expected %r" % (d["source"], got, want))
    for k in ("lines", "dropped", "moved", "renumbered"):
        if im[k] != own[k]:
            bad.append("%s: %s %r, expected %r" % (d["source"], k, im[k],
                                                   own[k]))
    if im["dropped"] != len(want):
        bad.append("%s: dropped %d, %d lines listed" % (d["source"],
                   im["dropped"], len(want)))
    if want and not (im["summary"] or "").startswith("dropped"):
        bad.append("%s: summary %r" % (d["source"], im["summary"]))
    total += im["dropped"]
    st = d["status"]
    if st != ("skipped" if rerun else "built"):
        bad.append("%s: status %s" % (d["source"], st))
tot = rep["totals"]
if tot["imported"] != texts or tot["dropped_lines"] != total:
    bad.append("totals %r/%r, expected %d/%d" % (tot["imported"],
               tot["dropped_lines"], texts, total))
if texts != 3 or total == 0:
    bad.append("%d text sources, %d lines dropped: the test needs drops"
               % (texts, total))
print("\n".join(bad) if bad else "%d text sources, %d lines dropped"
      % (texts, total))
sys.exit(1 if bad else 0)
PY
}
check "report.json: every dropped line per document, totals" judge "$R"

# stderr: one line per document that dropped lines, naming it.
drops_said() {
	for n in interpretation-web web-gongwen-repeat gongwen-joint; do
		d=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["dropped"])' "$T/$n.json")
		c=$(grep -c "^folio build: $n.txt: dropped $d line" "$T/b1.err")
		if [ "$d" -gt 0 ] && [ "$c" -ne 1 ]; then
			echo "$n: $d dropped, $c lines on stderr"; return 1
		fi
		if [ "$d" -eq 0 ] && grep -q "$n.txt" "$T/b1.err"; then
			echo "$n: nothing dropped, named on stderr"; return 1
		fi
	done
	grep -q "import: 3 text sources, [1-9][0-9]* lines dropped" "$T/b1.out"
}
check "stderr names each document with drops; summary line" drops_said

"$FOLIO" build "$B/batch.xml" -o "$T/o" --no-site >"$T/b2.out" \
	2>"$T/b2.err"
rc=$?
check "second run: drops kept in the report of skipped documents" \
	judge "$R" rerun
if [ "$rc" -eq 0 ] && ! grep -q "dropped" "$T/b2.err" &&
    grep -q "lines dropped" "$T/b2.out"; then
	ok "second run: no drop line again on stderr, summary still counts"
else not_ok "second run stderr" "exit $rc $(head -c 300 "$T/b2.err")"; fi
