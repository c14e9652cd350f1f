#!/bin/sh
# folio build: a generated batch of 56 documents (12 under the sanitizer)
# builds; every PDF passes qpdf --check and pdffonts (embedded, subset,
# Unicode map) and keeps the source text in order, every EPUB unzips
# cleanly and passes epubcheck (release only; one JVM for all);
# folio verify accepts the archive. A second run builds nothing and
# leaves the archive byte-identical; changing one source rebuilds that
# document and the archive; a missing output is rebuilt. One broken
# source: the others build, the report names it with file:line:col, exit
# 1, no archive (and with --allow-partial an archive that verifies).
# -j1 and -j2 give byte-identical outputs with SOURCE_DATE_EPOCH.
. "$TOP/tests/e2e/lib.sh"
export FOLIO_DATADIR="$TOP"
GEN="$TOP/tests/gen/gen_batch.py"
ID=J099-2025-T001
if [ "${FOLIO_VARIANT:-release}" = sanitize ]; then N=12; else N=56; fi

# report FIELD FILE: print a value from a report.json (python3).
report() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
r = json.load(open(sys.argv[2], encoding="utf-8"))
v = r
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v)
EOF
}

# --- generate, sign, build ------------------------------------------
python3 "$GEN" "$T/b" "$N" --seed 11 || { not_ok "generator" "failed"; exit 1; }
check "keygen" "$FOLIO" keygen -o "$T/b/keys"
"$FOLIO" build "$T/b/batch.xml" -o "$T/o" -j 2 >"$T/build1.out" \
	2>"$T/build1.err"
rc=$?
R="$T/o/$ID/report.json"
if [ "$rc" -eq 0 ] && [ "$(report totals.built "$R")" = "$N" ]; then
	ok "build of $N generated documents, exit 0"
else
	not_ok "build of $N generated documents" "exit $rc $(cat \
		"$T/build1.err" | head -5)"
fi
if grep -q "docs/s" "$T/build1.err" || grep -q "$(printf '\r')" \
	"$T/build1.err"; then
	not_ok "no progress bar when stderr is not a terminal" \
		"$(head -c 200 "$T/build1.err")"
else ok "no progress bar when stderr is not a terminal"; fi
if grep -q "$N built" "$T/build1.out" && grep -q "report.json" \
	"$T/build1.out"; then ok "human summary"; else
	not_ok "human summary" "$(cat "$T/build1.out")"; fi
npdf=$(ls "$T/o/$ID/pdf" | grep -c '\.pdf$')
nepub=$(ls "$T/o/$ID/epub" | grep -c '\.epub$')
if [ "$npdf" -eq "$N" ] && [ "$nepub" -eq "$N" ]; then
	ok "$N PDFs and $N EPUBs named by 档号"
else not_ok "$N PDFs and $N EPUBs" "$npdf PDFs, $nepub EPUBs"; fi
pages=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
p = [d["pages"] for d in r["documents"]]
print(min(p), max(p))' "$R")
set -- $pages
if [ "${1:-0}" -ge 1 ] && [ "${2:-99}" -le 12 ] &&
   { [ "$N" -lt 50 ] || { [ "$1" -le 2 ] && [ "$2" -ge 9 ]; }; }; then
	ok "documents of $1 to $2 pages"
else not_ok "documents of 1 to 12 pages" "$pages"; fi

# --- every PDF: qpdf, pdffonts, text in order -------------------------
bad=""
for f in "$T/o/$ID"/pdf/*.pdf; do
	qpdf --check "$f" >"$T/q.out" 2>&1 && ! grep -qi warning "$T/q.out" ||
		bad="$bad $(basename "$f"):qpdf"
	pdffonts "$f" 2>&1 | awk 'NR > 2 { n++;
		if ($1 !~ /^[A-Z][A-Z][A-Z][A-Z][A-Z][A-Z]\+/ ||
		$(NF-4) != "yes" || $(NF-3) != "yes" || $(NF-2) != "yes")
		bad++ } /Warning|Error/ { bad++ }
		END { exit !(n > 0 && bad == 0) }' ||
		bad="$bad $(basename "$f"):pdffonts"
done
if [ -z "$bad" ]; then ok "every PDF: qpdf --check clean, fonts emb/sub/uni"
else not_ok "every PDF: qpdf and pdffonts" "$bad"; fi

cat >"$T/order.py" <<'EOF'
# order.py REPORT DIR SRCDIR K: for K documents spread over the batch
# (all of them when K is at least the batch size),
# every non-space character of the source text appears in the PDF text
# in order.
import json, subprocess, sys, unicodedata
import xml.etree.ElementTree as ET
NS = "{urn:folio:document:1}"
r = json.load(open(sys.argv[1], encoding="utf-8"))
docs = r["documents"]
k = int(sys.argv[4])
step = max(1, len(docs) // k)
bad = 0
for d in docs[::step][:k]:
    doc = ET.parse(sys.argv[3] + "/" + d["source"]).getroot()
    parts = [doc.find(NS + "meta").find(NS + "title").text]
    def blocks(e):
        for c in e:
            if c.tag in (NS + "p", NS + "heading", NS + "item"):
                parts.append("".join(c.itertext()))
            elif c.tag != NS + "title":
                blocks(c)
    blocks(doc.find(NS + "body"))
    for a in doc.findall(NS + "attachment"):
        parts.append(a.find(NS + "title").text)
        blocks(a)
    want = "".join(unicodedata.normalize("NFC", "".join(parts)).split())
    pdf = "%s/pdf/%s.pdf" % (sys.argv[2], d["code"])
    have = "".join(subprocess.run(["pdftotext", "-raw", pdf, "-"],
        stdout=subprocess.PIPE).stdout.decode().split())
    j = 0
    for i, c in enumerate(want):
        j = have.find(c, j)
        if j < 0:
            print("%s: source char %d %r not found in order"
                  % (d["source"], i, want[max(0, i - 10):i + 10]))
            bad += 1
            break
        j += 1
sys.exit(1 if bad else 0)
EOF
check "every PDF: source text in order (pdftotext)" python3 \
	"$T/order.py" "$R" "$T/o/$ID" "$T/b" 1000000
bad=""
for f in "$T/o/$ID"/pdf/*.pdf; do
	pdftotext -bbox-layout "$f" "$T/bbox.html" 2>/dev/null &&
	python3 "$TOP/tests/e2e/clreq_lines.py" "$T/bbox.html" >"$T/l.out" ||
		bad="$bad $(basename "$f"): $(head -2 "$T/l.out")"
done
if [ -z "$bad" ]; then
	ok "every PDF: no line starts with a closing mark or ends with an opening one"
else not_ok "every PDF: clreq line rules" "$bad"; fi

bad=""
for f in "$T/o/$ID"/epub/*.epub; do
	unzip -tq "$f" >/dev/null 2>&1 || bad="$bad $(basename "$f")"
	[ "$(unzip -Z1 "$f" 2>/dev/null | head -1)" = mimetype ] ||
		bad="$bad $(basename "$f"):mimetype"
done
if [ -z "$bad" ]; then ok "every EPUB unzips, mimetype first"
else not_ok "every EPUB unzips" "$bad"; fi

Z="$T/o/$ID/$ID.zip"
check "folio verify accepts the archive" "$FOLIO" verify "$Z"
same_listing "the batch's archive" "$Z"
# 页数 in every record.xml is the page count of the PDF beside it.
pages_match() {
	rm -rf "$T/pz" && mkdir -p "$T/pz" && (cd "$T/pz" && unzip -q "$Z") ||
		return 1
	n=0
	for rec in "$T"/pz/data/records/*/record.xml; do
		dir=$(dirname "$rec")
		code=$(basename "$dir")
		want=$(pdfinfo "$dir/$code.pdf" | sed -n 's/^Pages: *//p')
		got=$(sed -n 's:.*<页数>\([0-9]*\)</页数>.*:\1:p' "$rec")
		if [ -z "$want" ] || [ "$want" != "$got" ]; then
			echo "$code: 页数 '$got', PDF has '$want' pages"
			return 1
		fi
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}
check "record.xml 页数 equals the PDF's page count" pages_match
recs=$("$FOLIO" verify "$Z" 2>&1 | sed -n 's/.* \([0-9]*\) records.*/\1/p')
if [ "$recs" = "$N" ]; then ok "archive holds $N records"; else
	not_ok "archive holds $N records" "verify says '$recs'"; fi
ls -a "$T/o/$ID" "$T/o/$ID/pdf" "$T/o/$ID/epub" | grep -q '\.tmp\.' &&
	not_ok "no temporary files left" "$(ls -a "$T/o/$ID")" ||
	ok "no temporary files left"

# --- incremental ------------------------------------------------------
cp "$Z" "$T/zip.1"
cp "$R" "$T/report.1"
"$FOLIO" build "$T/b/batch.xml" -o "$T/o" -j 2 >"$T/build2.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ "$(report totals.built "$R")" = 0 ] &&
   [ "$(report totals.skipped "$R")" = "$N" ] &&
   [ "$(report archive.status "$R")" = skipped ]; then
	ok "second run builds nothing (0 built, $N skipped, archive skipped)"
else
	not_ok "second run builds nothing" "exit $rc, built $(report \
		totals.built "$R"), archive $(report archive.status "$R")"
fi
check "archive byte-identical after a no-op run" cmp "$Z" "$T/zip.1"

# A run that changed nothing keeps its cache file as it was (no fsync
# and rename of a file as big as the batch); one that only learnt a
# new stamp (a source touched, its bytes the same) writes it.
C="$T/o/$ID/.cache"
stamp_of() {  # the cache's source_stat of $1
	python3 -c 'import json, sys
for line in open(sys.argv[1], encoding="utf-8").readlines()[1:]:
    d = json.loads(line)
    if d["source"] == sys.argv[2]: print(d.get("source_stat"))' "$C" "$1"
}
before=$(ls -li --time-style=+%s.%N "$C")
"$FOLIO" build "$T/b/batch.xml" -o "$T/o" -j 2 --quiet >/dev/null 2>&1
src3=$(ls "$T/b" | grep '^doc-' | sed -n 3p)
old_stamp=$(stamp_of "$src3")
if [ "$before" = "$(ls -li --time-style=+%s.%N "$C")" ] &&
    [ ! -e "$C.journal" ] && [ "$(report totals.skipped "$R")" = "$N" ]; then
	ok "a no-op keeps the cache file as it was"
else not_ok "no-op cache kept" "$before / $(ls -li "$C"*)"; fi
# Touched, then left alone for longer than folio's 2 s settling time,
# so that the new stamp can be trusted.
touch "$T/b/$src3"
sleep 3
"$FOLIO" build "$T/b/batch.xml" -o "$T/o" -j 2 --quiet >/dev/null 2>&1
new_stamp=$(stamp_of "$src3")
after=$(ls -li --time-style=+%s.%N "$C")
"$FOLIO" build "$T/b/batch.xml" -o "$T/o" -j 2 --quiet >/dev/null 2>&1
if [ "$(report totals.built "$R")" = 0 ] && [ -n "$new_stamp" ] &&
    [ "$new_stamp" != "$old_stamp" ] &&
    [ "$after" = "$(ls -li --time-style=+%s.%N "$C")" ]; then
	ok "a touched source: nothing built, its new stamp cached, then kept"
else not_ok "touched source stamp" "$old_stamp -> $new_stamp"; fi

# Change the text of one source (the 5th): exactly it and the archive.
src5=$(ls "$T/b" | grep '^doc-' | sed -n 5p)
sed -i '0,/<p>/s/<p>/<p>修改后的段落。/' "$T/b/$src5"
"$FOLIO" build "$T/b/batch.xml" -o "$T/o" -j 2 >"$T/build3.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ "$(report totals.built "$R")" = 1 ] &&
   [ "$(report documents.4.status "$R")" = built ] &&
   [ "$(report documents.4.source "$R")" = "$src5" ] &&
   [ "$(report archive.status "$R")" = built ]; then
	ok "changing one source rebuilds exactly it and the archive"
else
	not_ok "changing one source rebuilds it" "exit $rc, built $(report \
		totals.built "$R"), archive $(report archive.status "$R")"
fi
if ! cmp -s "$Z" "$T/zip.1" && "$FOLIO" verify "$Z" >/dev/null 2>&1; then
	ok "the rebuilt archive differs and verifies"
else not_ok "the rebuilt archive differs and verifies" "same or invalid"; fi

# A deleted output is rebuilt; a truncated one too.
code7=$(report documents.6.code "$R")
code9=$(report documents.8.code "$R")
rm -f "$T/o/$ID/pdf/$code7.pdf"
head -c 1000 "$T/o/$ID/epub/$code9.epub" >"$T/x" &&
	cat "$T/x" >"$T/o/$ID/epub/$code9.epub"
"$FOLIO" build "$T/b/batch.xml" -o "$T/o" -j 2 >"$T/build4.out" 2>&1
if [ "$(report totals.built "$R")" = 2 ] &&
   [ -f "$T/o/$ID/pdf/$code7.pdf" ] &&
   unzip -tq "$T/o/$ID/epub/$code9.epub" >/dev/null 2>&1; then
	ok "a missing PDF and a truncated EPUB are rebuilt (2 built)"
else
	not_ok "missing and truncated outputs rebuilt" "built $(report \
		totals.built "$R")"
fi
"$FOLIO" build "$T/b/batch.xml" -o "$T/o" --force --no-archive \
	>/dev/null 2>&1
if [ "$(report totals.built "$R")" = "$N" ] &&
   [ "$(report archive.status "$R")" = "not written" ]; then
	ok "--force rebuilds every document; --no-archive"
else not_ok "--force" "built $(report totals.built "$R")"; fi

# --- -j1 and -j2 give the same bytes ---------------------------------
"$FOLIO" build "$T/b/batch.xml" -o "$T/j1" -j 1 --quiet >/dev/null 2>&1
"$FOLIO" build "$T/b/batch.xml" -o "$T/j2" -j 2 --quiet >/dev/null 2>&1
diffs=$(cd "$T/j1/$ID" && for f in pdf/* epub/* "$ID.zip"; do
	cmp -s "$f" "$T/j2/$ID/$f" || echo "$f"; done)
n1=$(ls "$T/j1/$ID/pdf" | wc -l)
if [ -z "$diffs" ] && [ "$n1" -eq "$N" ]; then
	ok "-j1 and -j2: every PDF, EPUB and the archive byte-identical"
else not_ok "-j1 and -j2 byte-identical" "differ: $diffs"; fi

# --- one broken source ------------------------------------------------
python3 "$GEN" "$T/c" 8 --seed 5 --key ../b/keys/signer.key \
	--cert ../b/keys/signer.crt
# doc-0003: an unclosed <title> (line 5 of the file).
sed -i '5s|</title>||' "$T/c/doc-0003.xml"
RC="$T/oc/$ID/report.json"
"$FOLIO" build "$T/c/batch.xml" -o "$T/oc" >"$T/c.out" 2>"$T/c.err"
rc=$?
err=$(report documents.2.error "$RC" 2>/dev/null)
if [ "$rc" -eq 1 ] && [ "$(report totals.built "$RC")" = 7 ] &&
   [ "$(report documents.2.status "$RC")" = failed ]; then
	ok "one broken source: the other 7 build, exit 1"
else not_ok "one broken source" "exit $rc $(head -3 "$T/c.err")"; fi
case "$err" in
*doc-0003.xml:[0-9]*:[0-9]*:*) ok "report names it with file:line:col" ;;
*) not_ok "report names it with file:line:col" "$err" ;;
esac
if grep -q "doc-0003.xml:[0-9]*:[0-9]*:" "$T/c.err"; then
	ok "stderr names it too"; else
	not_ok "stderr names it" "$(head -3 "$T/c.err")"; fi
if [ ! -e "$T/oc/$ID/$ID.zip" ] &&
   [ "$(report archive.status "$RC")" = "not written" ]; then
	ok "no archive when a document failed"
else not_ok "no archive when a document failed" "zip exists"; fi
"$FOLIO" build "$T/c/batch.xml" -o "$T/oc" --allow-partial \
	--json "$T/partial.json" >"$T/c2.out" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && [ "$(report archive.partial "$RC")" = True ] &&
   "$FOLIO" verify "$T/oc/$ID/$ID.zip" >"$T/v.out" 2>&1 &&
   grep -q " 7 records" "$T/v.out" && cmp -s "$RC" "$T/partial.json"; then
	ok "--allow-partial: an archive of the 7 that verifies; --json copy"
else
	not_ok "--allow-partial archive" "exit $rc $(cat "$T/v.out" \
		"$T/c2.out" | head -5)"
fi
# The bag itself says it is incomplete, naming the failed source.
bag_says() {
	unzip -p "$T/oc/$ID/$ID.zip" bag-info.txt >"$T/bag-info.txt" &&
	grep -q '^Folio-Partial: 1 of 8 documents failed' "$T/bag-info.txt" &&
	grep -q '^Folio-Failed: doc-0003.xml: .*doc-0003.xml:[0-9]*:[0-9]*' \
		"$T/bag-info.txt"
}
check "--allow-partial: bag-info.txt records the failed document" bag_says
# The partial archive holds the 7 under their own 档号 (件号 0003 is a
# gap: nothing is renumbered); run again, it is up to date.
built_codes() {
	python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))
print(" ".join(sorted(d["code"] for d in r["documents"]
    if d["status"] in ("built", "skipped"))))' "$1"
}
zip_codes() {
	unzip -Z1 "$T/oc/$ID/$ID.zip" |
		sed -n 's|^data/records/\([^/]*\)/record.xml$|\1|p' | sort |
		tr '\n' ' ' | sed 's/ $//'
}
want=$(built_codes "$RC")
"$FOLIO" build "$T/c/batch.xml" -o "$T/oc" --allow-partial >/dev/null 2>&1
if [ "$(report archive.status "$RC")" = skipped ] &&
   [ "$(zip_codes)" = "$want" ] && ! echo "$want" | grep -q -- '-0003' &&
   echo "$want" | grep -q -- '-0008'; then
	ok "--allow-partial: records keep their 档号 (no renumbering); rerun skips the archive"
else
	not_ok "--allow-partial records keep their 档号" "$(report \
		archive.status "$RC"): zip '$(zip_codes)', built '$want'"
fi
# Repaired, the batch builds whole: only the repaired one is rebuilt.
python3 "$GEN" "$T/c" 8 --seed 5 --key ../b/keys/signer.key \
	--cert ../b/keys/signer.crt
"$FOLIO" build "$T/c/batch.xml" -o "$T/oc" >/dev/null 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ "$(report totals.built "$RC")" = 1 ] &&
   "$FOLIO" verify "$T/oc/$ID/$ID.zip" 2>&1 | grep -q " 8 records"; then
	ok "repaired: one document built, whole archive verifies"
else not_ok "repaired batch" "exit $rc"; fi

# --- usage and signer errors ------------------------------------------
"$FOLIO" build >/dev/null 2>&1
[ $? -eq 2 ] && ok "no manifest: exit 2" || not_ok "no manifest" "exit $?"
"$FOLIO" build "$T/c/batch.xml" -j many >/dev/null 2>&1
[ $? -eq 2 ] && ok "bad -j: exit 2" || not_ok "bad -j" "exit $?"
"$FOLIO" build "$T/c/batch.xml" -o "$T/od" --key "$T/none.key" \
	--cert "$T/none.crt" >/dev/null 2>"$T/d.err"
rc=$?
# Checked before any document is built (issue 13): nothing in OUT.
if [ "$rc" -eq 2 ] && grep -q none "$T/d.err" &&
   grep -q "folio keygen" "$T/d.err" && [ ! -e "$T/od" ]; then
	ok "missing signer key: exit 2 before any document, nothing written"
else not_ok "missing signer key" "exit $rc $(cat "$T/d.err")"; fi

# --- a progress bar on a terminal (util-linux script) ---------------
if ! command -v script >/dev/null 2>&1 ||
   ! script -qec true /dev/null >/dev/null 2>&1; then
	skip "progress bar on a terminal" "no pseudo-terminal here (script \
cannot open one)"
else
	script -qec "'$FOLIO' build '$T/c/batch.xml' -o '$T/tty' -j 2" \
		/dev/null >"$T/tty.out" 2>&1
	script -qec "'$FOLIO' build '$T/c/batch.xml' -o '$T/tty2' --quiet" \
		/dev/null >"$T/tty2.out" 2>&1
	if grep -q "8/8 .*docs/s" "$T/tty.out" &&
	   ! grep -q "docs/s  ETA" "$T/tty2.out"; then
		ok "progress bar on a terminal, none with --quiet"
	else not_ok "progress bar on a terminal" "$(head -c 300 \
		"$T/tty.out")"; fi
fi

# --- epubcheck on every EPUB, one JVM ----------------------------------
if [ "${FOLIO_VARIANT:-release}" = sanitize ]; then
	echo "# epubcheck skipped for the sanitizer build"
	exit 0
fi
epubcheck_all "$T/j1/$ID"/epub/*.epub
