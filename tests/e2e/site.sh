#!/bin/sh
# The batch's site (out/<batch>/site/) and its OPDS catalogue.
#
# The examples plus a document of another year without a 文种 whose
# title is hostile markup, and one with a 200-character title and a long
# 文种, are built with a base URL from the manifest. Then: tests/e2e/site_check.py (every page and file, links,
# download names, the index, QR codes present, OPDS read by feedparser:
# identifiers equal the EPUBs', acquisition links resolve to the
# outputs, navigation by year and 文种); every feed validates against
# schemas/opds.rng with xmllint, and broken variants of a feed do not;
# user text is escaped; a rebuild elsewhere gives the same bytes; a
# run with nothing changed reads no source and writes nothing; a changed
# source rewrites its page only; a site that cannot be written fails
# with exit 2 and is mended by the next run; a document taken out loses
# its page and files; --base-url, no base URL (relative links, no QR code),
# --no-site, bad base URLs (exit 2, with file:line:col from the
# manifest); 120 documents page the feeds, and with 5 of them failed
# the site has the other 115. On the release build,
# headless Chromium at 320x568, 360x740 and 1280x800: no horizontal
# scrolling, nothing loaded from outside the site, every link as the
# browser resolves it is a file of the site, axe-core finds no serious
# or critical violation; and zbarimg reads each page's QR code from a
# screenshot as exactly that page's URL.
. "$TOP/tests/e2e/lib.sh"
export FOLIO_DATADIR="$TOP"
PY=python3
$PY -c 'import feedparser' 2>/dev/null || PY=/usr/bin/python3
CHECK="$TOP/tests/e2e/site_check.py"
BROWSER="$TOP/tests/browser.py"
AXE="$TOP/build/tools/node_modules/axe-core/axe.min.js"
BASE=https://docs.example.org/j012/2024/
ID=J012-2024-B001

# relay OUTPUT: pass a checker's ok/not ok lines on to this run.
relay() {
	cat "$1"
	grep -q '^not ok' "$1" && return 1
	return 0
}

# json FIELD FILE: a value of report.json.
json() {
	$PY - "$1" "$2" <<'EOF'
import json, sys
v = json.load(open(sys.argv[2], encoding="utf-8"))
for k in sys.argv[1].split("."):
    v = v[k]
print(v)
EOF
}

# --- sources: the examples, a hostile title, another year --------------
mkdir -p "$T/src"
for f in notice opinion interpretation long-plan mixed; do
	cp "$TOP/examples/$f.xml" "$T/src/"
done
cat >"$T/src/hostile.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<document xmlns="urn:folio:document:1" id="hostile-1">
  <meta>
    <title>关于&lt;script&gt;alert("x")&lt;/script&gt;&amp;amp;/\:*?|“标题”的通知</title>
    <issuer>江临市&lt;测试&gt;局 &amp; "办公室"</issuer>
    <date>2023-12-29</date>
  </meta>
  <body>
    <p>正文里有&lt;b&gt;标记&lt;/b&gt;、&amp;符号和"引号"，都要原样显示。</p>
    <section>
      <heading>一个&lt;i&gt;标题&lt;/i&gt;</heading>
      <p>第二段。</p>
    </section>
  </body>
</document>
EOF
# A title of 200 characters (600 bytes) and a long 文种: nothing may be
# cut to fit a buffer, the download name is cut between characters.
long=$(printf '关于进一步做好档案工作的通知%.0s' 1 2 3 4 5 6 7 8 9 10 11 12 13 14)
kind=$(printf '很长的文种名称%.0s' 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20)
cat >"$T/src/long.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<document xmlns="urn:folio:document:1" id="long-1">
  <meta>
    <title>${long}之二</title>
    <issuer>江临市档案局</issuer>
    <date>2022-01-05</date>
    <category>${kind}</category>
  </meta>
  <body><p>正文。</p></body>
</document>
EOF
manifest() { # manifest FILE [PUBLISH-XML]
	cat >"$1" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<batch xmlns="urn:folio:batch:1">
  <fonds><code>J012</code><name>江临市人民政府办公室</name></fonds>
  <year>2024</year>
  <batch-id>$ID</batch-id>
  <description>网站测试批次</description>
  <defaults><retention>定期30年</retention><security>公开</security></defaults>
  <style><pdf>$TOP/styles/gbt9704.xml</pdf><epub-css>$TOP/styles/epub.css</epub-css></style>
  <signer><key>$T/keys/signer.key</key><certificate>$T/keys/signer.crt</certificate></signer>
  <sources><source>*.xml</source><exclude>batch*.xml</exclude></sources>
  ${2:-}
</batch>
EOF
}
manifest "$T/src/batch.xml" "<publish><base-url>$BASE</base-url></publish>"
"$FOLIO" keygen -o "$T/keys" --org 江临市人民政府办公室 >/dev/null 2>&1

# --- build with the manifest's base URL --------------------------------
O="$T/a"
S="$O/$ID/site"
if "$FOLIO" build "$T/src/batch.xml" -o "$O" -j 2 >"$T/build.out" \
	2>"$T/build.err" && [ -f "$S/index.html" ] &&
    grep -q "site: $S/index.html (7 documents, updated; QR codes" \
	"$T/build.out"; then
	ok "build writes the site of 7 documents, summary names it"
else
	not_ok "build writes the site" "$(cat "$T/build.out" "$T/build.err" |
		head -c 600)"
fi
$PY "$CHECK" "$O/$ID" "$BASE" >"$T/check.out" 2>&1
relay "$T/check.out" || true
[ "$(json site.status "$O/$ID/report.json")" = built ] &&
    [ "$(json site.qr "$O/$ID/report.json")" = True ] &&
	ok "report.json: site built, with QR codes" ||
	not_ok "report.json site" "$(json site "$O/$ID/report.json")"

# --- feeds against schemas/opds.rng --------------------------------------
bad=""
n=0
for f in "$S/opds.xml" "$S"/opds/*.xml; do
	n=$((n + 1))
	xmllint --noout --relaxng "$TOP/schemas/opds.rng" "$f" \
		>"$T/xl.out" 2>&1 || bad="$bad $(basename "$f"): $(tail -2 \
		"$T/xl.out")"
done
[ -z "$bad" ] && ok "xmllint: all $n feeds valid against schemas/opds.rng" ||
	not_ok "feeds valid against schemas/opds.rng" "$bad"
# The schema can fail: each variant breaks one rule it states.
$PY - "$S/opds.xml" "$S/opds/types.xml" "$T/bad" <<'EOF'
import os, re, sys
acq, nav, out = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
a, n = open(acq, encoding="utf-8").read(), open(nav, encoding="utf-8").read()
cases = {
 "acquisition-link-without-type": (a, r' type="application/epub\+zip"', ""),
 "entry-without-id": (a, r"<entry>(\s*<title>[^<]*</title>)\s*<id>[^<]*</id>", r"<entry>\1"),
 "dc-title": (a, r"<dc:language>", "<dc:title>x</dc:title><dc:language>"),
 "html-summary": (a, r'<summary type="text">', '<summary type="html">'),
 "updated-without-zone": (a, r"(<entry>.*?<updated>[^<Z]*)Z<", r"\1<"),
 "buy-without-price": (a, r'rel="http://opds-spec.org/acquisition" type="application/pdf"',
                       'rel="http://opds-spec.org/acquisition/buy" type="application/pdf"'),
 "entry-without-acquisition": (a, r'<link rel="http://opds-spec.org/acquisition"[^>]*/>\s*<link rel="http://opds-spec.org/acquisition"[^>]*/>', ""),
 "facet-in-navigation-feed": (n, r'<link rel="alternate"', '<link rel="http://opds-spec.org/facet" href="x.xml"/><link rel="alternate"'),
 "issued-not-a-date": (a, r"<dc:issued>[^<]*</dc:issued>", "<dc:issued>next week</dc:issued>"),
 "two-titles": (a, r"(<entry>\s*<title>[^<]*</title>)", r"\1<title>again</title>"),
}
for name, (text, pat, rep) in cases.items():
    new, k = re.subn(pat, rep, text, count=1, flags=re.S)
    if k != 1:
        sys.exit("variant %s: pattern not found" % name)
    open(os.path.join(out, name + ".xml"), "w", encoding="utf-8").write(new)
EOF
passed=""
for f in "$T"/bad/*.xml; do
	xmllint --noout --relaxng "$TOP/schemas/opds.rng" "$f" >/dev/null 2>&1 &&
		passed="$passed $(basename "$f" .xml)"
done
[ -z "$passed" ] && ok "schemas/opds.rng refuses $(ls "$T"/bad | wc -l) \
broken feeds" || not_ok "schemas/opds.rng refuses broken feeds" \
	"accepted:$passed"

# --- user text escaped -------------------------------------------------
if ! grep -rq '<script>alert\|<b>标记\|<i>标题\|局 & "' "$S" &&
    grep -q '&lt;script&gt;alert("x")&lt;/script&gt;&amp;amp;' \
	"$S/index.html" &&
    grep -rq '&lt;b&gt;标记&lt;/b&gt;、&amp;符号' "$S/docs" &&
    grep -q '&lt;script&gt;alert("x")&lt;/script&gt;&amp;amp;' \
	"$S/opds/year-2023.xml"; then
	ok "markup in titles, issuers and text is shown as text, never run"
else
	not_ok "user text escaped" "$(grep -rn 'alert' "$S" | head -3)"
fi

# --- reproducible, incremental ------------------------------------------
"$FOLIO" build "$T/src/batch.xml" -o "$T/b" --force --quiet >/dev/null 2>&1
if diff -r "$S" "$T/b/$ID/site" >"$T/diff.out" 2>&1; then
	ok "a second build elsewhere gives a byte-identical site"
else not_ok "reproducible site" "$(head -c 400 "$T/diff.out")"; fi
before=$(ls -l --time-style=+%s.%N "$S/index.html" "$S/opds.xml")
"$FOLIO" build "$T/src/batch.xml" -o "$O" >/dev/null 2>&1
R="$O/$ID/report.json"
if [ "$(json site.status "$R")" = skipped ] &&
    [ "$(json site.sources_read "$R")" = 0 ] &&
    [ "$(json site.files_written "$R")" = 0 ] &&
    [ "$before" = "$(ls -l --time-style=+%s.%N "$S/index.html" \
	"$S/opds.xml")" ]; then
	ok "nothing changed: no source read, no file written"
else not_ok "no-op site" "$(json site "$R")"; fi
# The files/ entries are checked against the outputs as recorded: one
# replaced by other bytes, one removed, one a symbolic link are all
# made the batch's outputs again by the next run.
P=$(ls "$S/files" | grep '\.pdf$' | head -1)
E=$(ls "$S/files" | grep '\.epub$' | sed -n 2p)
L=$(ls "$S/files" | grep '\.pdf$' | sed -n 3p)
printf 'not the PDF\n' >"$S/files/$P.new" && mv "$S/files/$P.new" "$S/files/$P"
rm -f "$S/files/$E"
rm -f "$S/files/$L" && ln -s "../../pdf/$L" "$S/files/$L"
"$FOLIO" build "$T/src/batch.xml" -o "$O" >/dev/null 2>&1
if cmp -s "$S/files/$P" "$O/$ID/pdf/$P" && cmp -s "$S/files/$E" "$O/$ID/epub/$E" &&
    [ ! -L "$S/files/$L" ] && cmp -s "$S/files/$L" "$O/$ID/pdf/$L" &&
    [ "$(json site.sources_read "$R")" = 0 ]; then
	ok "files/ entries altered, removed or made links are restored"
else not_ok "files/ restored" "$(ls -l "$S/files" | head -5)"; fi
# Once files/ has been left alone for a while, a run records the
# folder's stamp and, per chunk of documents, what its entries are; the
# next runs trust that without a look at each entry. A rebuilt output
# (the records change) and any change to the folder still get their
# entries made again.
sleep 3
"$FOLIO" build "$T/src/batch.xml" -o "$O" >/dev/null 2>&1
C="$O/$ID/.site-cache"
if grep -q "^files	" "$C" && grep -q "^links	0	" "$C"; then
	ok "a settled files/ is recorded with its chunks' link digests"
else not_ok "files/ recorded" "$(grep -v '^doc' "$C")"; fi
Q=$(ls "$S/files" | grep '\.pdf$' | sed -n 2p)
touch "$O/$ID/pdf/$Q"
"$FOLIO" build "$T/src/batch.xml" -o "$O" >/dev/null 2>&1
if [ "$(json totals.built "$R")" = 1 ] &&
    [ "$(stat -c %i "$S/files/$Q")" = "$(stat -c %i "$O/$ID/pdf/$Q")" ]; then
	ok "a rebuilt output is linked into files/ again"
else not_ok "rebuilt output relinked" "$(ls -li "$S/files/$Q" "$O/$ID/pdf/$Q")"; fi
sleep 3
"$FOLIO" build "$T/src/batch.xml" -o "$O" >/dev/null 2>&1
printf 'not the PDF\n' >"$S/files/$P.new" && mv "$S/files/$P.new" "$S/files/$P"
"$FOLIO" build "$T/src/batch.xml" -o "$O" >/dev/null 2>&1
if cmp -s "$S/files/$P" "$O/$ID/pdf/$P"; then
	ok "an entry replaced after files/ was recorded is restored"
else not_ok "recorded files/ replaced" "$(ls -l "$S/files/$P")"; fi
# A site that cannot be written: exit 2, named, the rest of the batch
# kept; the next run mends it.
rm -f "$S/index.html" && mkdir "$S/index.html"
"$FOLIO" build "$T/src/batch.xml" -o "$O" >"$T/h.out" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && grep -q "folio build: site: .*index.html" "$T/h.out" &&
    [ "$(json site.status "$R")" = failed ] &&
    [ "$(json archive.status "$R")" = skipped ] &&
    [ -f "$S/opds.xml" ]; then
	ok "a site step that fails: exit 2, the file named, report says so"
else not_ok "failing site step" "exit $rc $(cat "$T/h.out")"; fi
rmdir "$S/index.html"
"$FOLIO" build "$T/src/batch.xml" -o "$O" >/dev/null 2>&1 &&
    [ -f "$S/index.html" ] && [ "$(json site.status "$R")" = built ] &&
	ok "the next run writes the site again" ||
	not_ok "site after a failure" "$(json site "$R")"
sed -i 's/江临市人民政府关于加快推进居家社区养老服务体系建设的实施意见/江临市人民政府关于加快推进居家社区养老服务体系建设的实施意见（修订）/' \
	"$T/src/opinion.xml"
"$FOLIO" build "$T/src/batch.xml" -o "$O" >/dev/null 2>&1
if [ "$(json site.sources_read "$R")" = 1 ] &&
    [ "$(json site.pages_written "$R")" = 1 ] &&
    grep -q '体系建设的实施意见（修订）' "$S/index.html" &&
    grep -q '体系建设的实施意见（修订）' "$S/opds.xml"; then
	ok "a changed source rewrites its page, the index and the feeds"
else not_ok "one changed source" "$(json site "$R")"; fi
$PY "$CHECK" "$O/$ID" "$BASE" >"$T/check2.out" 2>&1
grep -q '^not ok' "$T/check2.out" && not_ok "site after the change" \
	"$(grep '^not ok' "$T/check2.out")" || ok "site checks after the change"
touch "$S/docs/stale.tmp.abc" "$S/index.html.tmp.xyz"
manifest "$T/src/batch.xml" "<publish><base-url>$BASE</base-url></publish>"
sed -i 's|<exclude>batch\*.xml</exclude>|<exclude>batch*.xml</exclude><exclude>mixed.xml</exclude>|' \
	"$T/src/batch.xml"
"$FOLIO" build "$T/src/batch.xml" -o "$O" >/dev/null 2>&1
gone=$(grep -c mixed "$R" || true)
if [ "$(ls "$S/docs" | wc -l)" -eq 6 ] && [ "$(ls "$S/files" | wc -l)" -eq 12 ] &&
    [ ! -e "$S/docs/stale.tmp.abc" ] && [ ! -e "$S/index.html.tmp.xyz" ] &&
    [ "$gone" -eq 0 ]; then
	ok "a document taken out of the batch leaves no page or file; \
temporaries of a killed run are swept"
else not_ok "orphans" "$(ls "$S/docs" "$S/files")"; fi
$PY "$CHECK" "$O/$ID" "$BASE" >"$T/check3.out" 2>&1
grep -q '^not ok' "$T/check3.out" && not_ok "site after removal" \
	"$(grep '^not ok' "$T/check3.out")" || ok "site checks after removal"

# --- base URLs: option, none, bad ---------------------------------------
OTHER=https://mirror.example.net/gk/
"$FOLIO" build "$T/src/batch.xml" -o "$T/c" --base-url "${OTHER%/}" \
	--no-archive --quiet >/dev/null 2>&1
$PY "$CHECK" "$T/c/$ID" "$OTHER" >"$T/check4.out" 2>&1
if ! grep -q '^not ok' "$T/check4.out" &&
    grep -q "href=\"$OTHER""opds.xml\"" "$T/c/$ID/site/opds.xml"; then
	ok "--base-url wins over the manifest's"
else not_ok "--base-url" "$(grep '^not ok' "$T/check4.out")"; fi
manifest "$T/src/batch.xml"
"$FOLIO" build "$T/src/batch.xml" -o "$T/d" --no-archive >"$T/d.out" 2>&1
$PY "$CHECK" "$T/d/$ID" - >"$T/check5.out" 2>&1
if ! grep -q '^not ok' "$T/check5.out" &&
    ! grep -rq 'https://\|<svg' "$T/d/$ID/site/opds.xml" "$T/d/$ID/site/docs" &&
    grep -q 'no base URL, so no QR codes' "$T/d.out"; then
	ok "no base URL: relative links everywhere, no QR code, said so"
else not_ok "no base URL" "$(grep '^not ok' "$T/check5.out"; cat "$T/d.out")"; fi
"$FOLIO" build "$T/src/batch.xml" -o "$T/e" --no-archive --no-site \
	--quiet >/dev/null 2>&1
[ -d "$T/e/$ID/pdf" ] && [ ! -e "$T/e/$ID/site" ] &&
	ok "--no-site writes no site" || not_ok "--no-site" "$(ls "$T/e/$ID")"
"$FOLIO" build "$T/src/batch.xml" -o "$T/f" --base-url 'https://x.org/a b' \
	>"$T/f.out" 2>&1
rc=$?
[ "$rc" -eq 2 ] && grep -q "base URL 'https://x.org/a b': expected a path \
character" "$T/f.out" && [ ! -e "$T/f" ] &&
	ok "--base-url with a space: exit 2, nothing written" ||
	not_ok "bad --base-url" "exit $rc $(cat "$T/f.out")"
manifest "$T/src/batch.xml" "<publish><base-url>https://x.org/a/../b/</base-url></publish>"
"$FOLIO" build "$T/src/batch.xml" -o "$T/g" >"$T/g.out" 2>&1
rc=$?
[ "$rc" -eq 2 ] && grep -q "batch.xml:[0-9]*:[0-9]*: <base-url>: base URL \
'https://x.org/a/../b/': expected a path without" "$T/g.out" &&
	ok "manifest base URL with '..': exit 2 with file:line:col" ||
	not_ok "bad manifest base URL" "exit $rc $(cat "$T/g.out")"
manifest "$T/src/batch.xml" "<publish><base-url>ftp://x.org/</base-url></publish>"
"$FOLIO" build "$T/src/batch.xml" -o "$T/g" >"$T/g.out" 2>&1
rc=$?
[ "$rc" -eq 2 ] && grep -q "batch.xml:[0-9]*:[0-9]*:.*base-url" "$T/g.out" &&
	ok "manifest base URL of another scheme: refused by the schema" ||
	not_ok "ftp base URL" "exit $rc $(cat "$T/g.out")"

# --- 120 documents: paged feeds ------------------------------------------
$PY "$TOP/tests/gen/gen_batch.py" "$T/p" 120 --seed 5 --small \
	--key "$T/keys/signer.key" --cert "$T/keys/signer.crt" >/dev/null
sed -i "s|</batch>|<publish><base-url>$BASE</base-url></publish></batch>|" \
	"$T/p/batch.xml"
"$FOLIO" build "$T/p/batch.xml" -o "$T/q" --no-archive -j 2 --quiet \
	>/dev/null 2>&1
PID=$(sed -n 's:.*<batch-id>\(.*\)</batch-id>.*:\1:p' "$T/p/batch.xml")
$PY "$CHECK" "$T/q/$PID" "$BASE" >"$T/check6.out" 2>&1
if ! grep -q '^not ok' "$T/check6.out" &&
    grep -q 'opds.xml and its 2 page' "$T/check6.out" &&
    [ -f "$T/q/$PID/site/opds/all-2.xml" ] &&
    xmllint --noout --relaxng "$TOP/schemas/opds.rng" \
	"$T/q/$PID/site/opds/all-2.xml" 2>/dev/null; then
	ok "120 documents: the root feed pages (rel=next), every entry once"
else not_ok "paged feeds" "$(grep '^not ok' "$T/check6.out")"; fi
# Documents that fail leave gaps: the site's records are the others,
# each with its own page and files (record i is found past the gaps).
for k in 1 8 9 61 120; do
	printf '<document' >"$T/p/$(ls "$T/p" | grep "^doc-" | sort |
		sed -n "${k}p")"
done
"$FOLIO" build "$T/p/batch.xml" -o "$T/q2" --no-archive -j 2 --quiet \
	>/dev/null 2>&1
$PY "$CHECK" "$T/q2/$PID" "$BASE" >"$T/check7.out" 2>&1
if ! grep -q '^not ok' "$T/check7.out" &&
    [ "$(ls "$T/q2/$PID/site/docs" | wc -l)" -eq 115 ] &&
    [ "$(grep -c '"status": "failed"' "$T/q2/$PID/report.json")" -eq 5 ]; then
	ok "5 of 120 documents failed: the site has the other 115, each right"
else not_ok "site with failed documents" \
	"$(grep '^not ok' "$T/check7.out"; ls "$T/q2/$PID/site/docs" | wc -l)"; fi

# --- in a browser (release build) -----------------------------------------
if [ "${FOLIO_VARIANT:-release}" != release ]; then
	exit 0
fi
if [ ! -f "$AXE" ]; then
	not_ok "axe-core" "missing $AXE: run make deps"
	exit 1
fi
manifest "$T/src/batch.xml" "<publish><base-url>$BASE</base-url></publish>"
"$FOLIO" build "$T/src/batch.xml" -o "$O" --quiet >/dev/null 2>&1
pages="index.html $(cd "$S" && ls docs/*.html | tr '\n' ' ')"
for size in 320x568 360x740 1280x800; do
	w=${size%x*} h=${size#*x}
	# shellcheck disable=SC2086 # one word per page name
	python3 "$BROWSER" probe "$S" "$w" "$h" "$AXE" $pages \
		>"$T/probe.out" 2>"$T/probe.err"
	$PY - "$T/probe.out" "$size" "$(echo $pages | wc -w)" "$S" "$BASE" <<'EOF'
import json, os, sys, urllib.parse
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
size, want, site, base = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
scroll, loads, axe, errors, links = [], [], [], [], []
for r in rows:
    for u in r.get("links", []):
        u = u.split("#")[0]
        if u.startswith(base):
            path = os.path.join(site, u[len(base):])
        elif u.startswith("file://"):
            path = urllib.parse.unquote(u[len("file://"):])
        else:
            links.append("%s: %s" % (r.get("page"), u))
            continue
        path = os.path.normpath(path)
        if not path.startswith(site + "/") or not os.path.isfile(path):
            links.append("%s: %s" % (r.get("page"), u))
for r in rows:
    if "error" in r or "violations" not in r:
        errors.append("%s: %s" % (r.get("page"), r.get("error")))
        continue
    if r["scrollWidth"] > r["innerWidth"]:
        scroll.append("%s: %d > %d" % (r["page"], r["scrollWidth"],
                                       r["innerWidth"]))
    loads += ["%s: %s" % (r["page"], u) for u in r["resources"]
              if not u.startswith("file://") or "/site/" not in u]
    axe += ["%s: %s (%s) %s" % (r["page"], v["id"], v["impact"],
                               v["nodes"]) for v in r["violations"]
            if v["impact"] in ("serious", "critical")]
def line(name, bad):
    print(("ok - %s" % name) if not bad else
          ("not ok - %s: %s" % (name, bad[:5])))
line("chromium %s: %d pages report" % (size, want),
     errors or ([] if len(rows) == want else ["%d rows" % len(rows)]))
line("chromium %s: no horizontal scrolling (scrollWidth <= innerWidth)"
     % size, scroll)
line("chromium %s: nothing loaded from outside the site" % size, loads)
line("chromium %s: every link, as the browser resolves it, is a file of "
     "the site" % size, links)
line("axe-core %s: 0 serious or critical violations on %d pages"
     % (size, len(rows)), axe)
EOF
done
# One screenshot of every page, side by side: each URL read exactly once.
docs=$(cd "$S" && ls docs/*.html)
# shellcheck disable=SC2086 # one word per page name
python3 "$BROWSER" qr "$S" $docs | sort >"$T/qr.got"
for p in $docs; do echo "$BASE$p"; done | sort >"$T/qr.want"
if [ -s "$T/qr.want" ] && cmp -s "$T/qr.got" "$T/qr.want"; then
	ok "zbarimg reads the QR code of each of $(wc -l <"$T/qr.want") \
pages (Chromium, 360 px wide) as exactly that page's URL"
else
	not_ok "QR codes" "$(diff "$T/qr.want" "$T/qr.got" | head -10)"
fi
