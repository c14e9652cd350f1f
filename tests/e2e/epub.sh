#!/bin/sh
# EPUB stage, end to end: every example (but the batch manifest), the seed
# page, the stress source, the form case, an embedded-font book and a book
# naming an outside accessibility certifier are built; then
#   - container rules: mimetype first, stored, no extra field; everything
#     else deflated; fixed times (SOURCE_DATE_EPOCH in UTC) and modes;
#   - text completeness: the spine text, minus what the style generates
#     (class="gen"), equals the source text character for character;
#   - reproducibility: twice, and once under TZ=Asia/Shanghai, same bytes;
#   - accessibility metadata: conformsTo and the certifier fields;
#   - bad input fails cleanly;
#   - epubcheck: 0 fatals, 0 errors, 0 warnings for every book, all books
#     in one JVM (skipped under the sanitizer build: too slow there).
. "$TOP/tests/e2e/lib.sh"

STRESS="$TOP/tests/cases/stress/stress.xml"
books=""

# build NAME SOURCE [OPTIONS]: one book into $T/NAME.epub.
build() {
	bname=$1 src=$2; shift 2
	if "$FOLIO" epub "$src" -o "$T/$bname.epub" "$@" >"$T/$bname.log" 2>&1 \
	    && [ -s "$T/$bname.epub" ]; then
		ok "epub builds $bname"
		books="$books $bname"
		echo "$src" >"$T/$bname.src"
	else
		not_ok "epub builds $bname" "$(head -c 400 "$T/$bname.log")"
	fi
}

for x in "$TOP"/examples/*.xml; do
	[ -f "$x" ] || continue
	n=$(basename "$x" .xml)
	[ "$n" = batch ] && continue
	build "$n" "$x"
done
if ! have_seed; then
	skip "epub of the seed page" "$CORPUS/seed-policy-interpretation.txt \
is missing"
elif "$FOLIO" import "$CORPUS/seed-policy-interpretation.txt" \
    --meta issuer=营口市商务局 -o "$T/seed.xml" >"$T/import.log" 2>&1; then
	build seed "$T/seed.xml"
else
	not_ok "epub builds seed" "import: $(head -c 400 "$T/import.log")"
fi
build stress "$STRESS"
build stress-font "$STRESS" --embed-font
build form "$TOP/tests/cases/epub/form.xml"
build joint-plan "$TOP/tests/cases/print/joint-plan.xml"
build certified "$TOP/examples/notice.xml" \
	--a11y-certifier 江临市残疾人联合会 \
	--a11y-credential "无障碍评估 A-01" \
	--a11y-report https://www.example.gov.cn/a11y/jlzbf-2024-12.html

# --- container rules and text completeness (python3: zipfile + XML) ---
cat >"$T/inspect.py" <<'PY'
import sys, time, unicodedata, zipfile
import xml.etree.ElementTree as ET

SRC = "{urn:folio:document:1}"
OPF = "{http://www.idpf.org/2007/opf}"
XH = "{http://www.w3.org/1999/xhtml}"

def fail(msg):
    print(msg)
    sys.exit(1)

def squeeze(s):
    s = unicodedata.normalize("NFC", s)
    return "".join(c for c in s if not c.isspace())

def container(path, epoch):
    z = zipfile.ZipFile(path)
    infos = z.infolist()
    first = infos[0]
    if first.filename != "mimetype":
        fail("first entry is %s" % first.filename)
    if first.compress_type != zipfile.ZIP_STORED:
        fail("mimetype is compressed")
    if z.read("mimetype") != b"application/epub+zip":
        fail("mimetype content %r" % z.read("mimetype"))
    want = time.gmtime(max(epoch, 315532800))[:6]
    want = want[:5] + (want[5] // 2 * 2,)
    for i in infos:
        if i.extra != b"":
            fail("%s has an extra field %r" % (i.filename, i.extra))
        if i is not first and i.compress_type != zipfile.ZIP_DEFLATED:
            fail("%s is not deflated" % i.filename)
        if i.date_time != want:
            fail("%s time %r, want %r" % (i.filename, i.date_time, want))
        if i.external_attr >> 16 != 0o100644 or i.create_system != 3:
            fail("%s mode %o" % (i.filename, i.external_attr >> 16))
    # The local header of mimetype: no extra field there either (EPUB
    # readers sniff "mimetypeapplication/epub+zip" at offset 30).
    raw = open(path, "rb").read(64)
    if raw[26:30] != b"\x08\x00\x00\x00" or \
            raw[30:58] != b"mimetypeapplication/epub+zip":
        fail("mimetype local header is not the bare 30+8 bytes")
    return z

def spine_text(z):
    c = ET.fromstring(z.read("META-INF/container.xml"))
    opf_path = c.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}"
                      "rootfile").get("full-path")
    base = opf_path.rsplit("/", 1)[0] + "/"
    opf = ET.fromstring(z.read(opf_path))
    items = {i.get("id"): i.get("href") for i in opf.iter(OPF + "item")}
    out = []
    def walk(e):
        if "gen" not in (e.get("class") or "").split():
            if e.text:
                out.append(e.text)
            for ch in e:
                walk(ch)
        if e.tail:
            out.append(e.tail)
    spine = [r.get("idref") for r in opf.iter(OPF + "itemref")]
    if not spine or spine[0] != "titlepage":
        fail("spine does not start with the title page: %r" % spine)
    for idref in spine[1:]:
        doc = ET.fromstring(z.read(base + items[idref]))
        for b in doc.iter(XH + "body"):
            walk(b)
    return squeeze("".join(out)), opf

def source_text(path):
    d = ET.parse(path).getroot()
    meta = d.find(SRC + "meta")
    t = lambda e: "".join(e.itertext()) if e is not None else ""
    parts = []
    r = meta.find(SRC + "recipients")
    if r is not None:
        parts += [t(x) for x in r]
    parts.append(t(d.find(SRC + "body")))
    # an attachment without a body: its title in the 附件说明 only
    atts = d.findall(SRC + "attachment")
    body = lambda a: any(c.tag != SRC + "title" for c in a)
    parts += [t(a) for a in atts if not body(a)]
    cl = d.find(SRC + "closing")
    if cl is not None:
        iss = cl.find(SRC + "issuer")
        parts.append(t(iss if iss is not None else meta.find(SRC + "issuer")))
    parts.append(t(d.find(SRC + "note")))
    for a in atts:
        if body(a):
            parts.append(t(a))
    # The 版记 ends the book, after the attachments, as in print.
    cc = meta.find(SRC + "cc")
    if cc is not None:
        parts += [t(x) for x in cc]
    parts.append(t(meta.find(SRC + "printed-by")))
    return squeeze("".join(parts)), meta

epub, src, epoch = sys.argv[1], sys.argv[2], int(sys.argv[3])
z = container(epub, epoch)
got, opf = spine_text(z)
want, meta = source_text(src)
if got != want:
    i = next((k for k in range(min(len(got), len(want)))
              if got[k] != want[k]), min(len(got), len(want)))
    fail("spine text differs at character %d: epub %r, source %r" %
         (i, got[max(0, i - 10):i + 20], want[max(0, i - 10):i + 20]))
title = opf.find(".//{http://purl.org/dc/elements/1.1/}title").text
if squeeze(title) != squeeze(meta.find(SRC + "title").text):
    fail("dc:title %r" % title)
print("%d characters" % len(got))
PY

for b in $books; do
	if python3 "$T/inspect.py" "$T/$b.epub" "$(cat "$T/$b.src")" \
	    "$SOURCE_DATE_EPOCH" >"$T/inspect.out" 2>&1; then
		ok "epub container and complete text $b \
($(cat "$T/inspect.out"))"
	else
		not_ok "epub container and complete text $b" \
			"$(head -c 600 "$T/inspect.out")"
	fi
done

# What the importer puts in the model besides body text: the joint
# 落款's organs one a line, the 附注 right after the 落款, parts numbered
# 第一部分 (前言 and 结语 without a number), and no document for an
# attachment that is only listed (附件2 keeps its number).
check "epub joint-plan: organs, 附注, 第N部分, listed-only attachment" sh -c '
	unzip -p "$1" EPUB/s4.xhtml | grep -q "<p class=\"signer\">江临市档案局</p><p class=\"signer\">江临市数据资源管理局</p><p class=\"date gen\">2024年4月12日</p></div><p class=\"note\"><span class=\"gen\">（</span>联系人" &&
	unzip -p "$1" EPUB/s2.xhtml | grep -q "第一部分　</span>总体要求" &&
	unzip -p "$1" EPUB/s3.xhtml | grep -q "第二部分　</span>重点任务" &&
	! unzip -p "$1" EPUB/s1.xhtml | grep -q "class=\"num gen\"" &&
	! unzip -l "$1" | grep -q "EPUB/a1.xhtml" &&
	unzip -p "$1" EPUB/a2.xhtml | grep -q ">附件2<"' sh "$T/joint-plan.epub"

# Font: the subset is declared and much smaller than the font file; a
# TrueType face gives body.ttf, a CFF one body.otf, each with its type.
check "epub embedded font is declared and linked" sh -c '
	opf=$(unzip -p "$1" EPUB/package.opf)
	case "$opf" in
	*"href=\"body.ttf\" media-type=\"font/ttf\""*) f=body.ttf m=00010000 ;;
	*"href=\"body.otf\" media-type=\"font/otf\""*) f=body.otf m=4f54544f ;;
	*) exit 1 ;;
	esac
	unzip -p "$1" EPUB/font.css | grep -q "@font-face" &&
	unzip -p "$1" EPUB/font.css | grep -q "url(\"$f\")" &&
	unzip -p "$1" EPUB/style.css | grep -q "font-family: \"folio-body\"" &&
	unzip -p "$1" EPUB/s1.xhtml | grep -q "href=\"font.css\"" &&
	[ "$(unzip -p "$1" EPUB/$f | head -c 4 | od -An -tx1 |
		tr -d " ")" = $m ] &&
	[ "$(unzip -p "$1" EPUB/$f | wc -c)" -lt 400000 ]' \
	sh "$T/stress-font.epub"
check "epub without --embed-font has no font" sh -c \
	'! unzip -l "$1" | grep -q "body\.[ot]tf"' sh "$T/stress.epub"

# Accessibility metadata: the claim in every book, the issuer as the
# certifier by default, an outside certifier with credential and report.
check "epub claims EPUB Accessibility 1.1 - WCAG 2.1 Level AA" sh -c '
	for b in $2; do
		unzip -p "$1/$b.epub" EPUB/package.opf | grep -q \
		">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>" || exit 1
	done' sh "$T" "$books"
check "epub certifier: the issuer by default, or the one named" sh -c '
	unzip -p "$1/notice.epub" EPUB/package.opf | grep -q \
		"a11y:certifiedBy\" id=\"certifier\">江临市人民政府办公室<" &&
	! unzip -p "$1/notice.epub" EPUB/package.opf | grep -q \
		"certifierCredential\|certifierReport" &&
	opf=$(unzip -p "$1/certified.epub" EPUB/package.opf) &&
	echo "$opf" | grep -q ">江临市残疾人联合会</meta>" &&
	echo "$opf" | grep -q \
		"refines=\"#certifier\">无障碍评估 A-01</meta>" &&
	echo "$opf" | grep -q "rel=\"a11y:certifierReport\" refines=\"#certifier\" href=\"https://www.example.gov.cn/a11y/jlzbf-2024-12.html\""' \
	sh "$T"

# --- reproducibility ---
repro() {
	src=$2; shift 2
	"$FOLIO" epub "$src" -o "$T/r1.epub" "$@" &&
	"$FOLIO" epub "$src" -o "$T/r2.epub" "$@" &&
	TZ=Asia/Shanghai "$FOLIO" epub "$src" -o "$T/r3.epub" "$@" &&
	cmp "$T/r1.epub" "$T/r2.epub" && cmp "$T/r1.epub" "$T/r3.epub"
}
if [ -f "$T/seed.xml" ]; then
	check "epub reproducible seed (twice, TZ=Asia/Shanghai)" \
		repro seed "$T/seed.xml"
fi
check "epub reproducible embedded font" repro stress "$STRESS" --embed-font
# Without SOURCE_DATE_EPOCH the document date is used, still in UTC.
check "epub reproducible from the source date" sh -c '
	unset SOURCE_DATE_EPOCH
	"$1" epub "$2" -o "$3/d1.epub" &&
	TZ=Pacific/Kiritimati "$1" epub "$2" -o "$3/d2.epub" &&
	cmp "$3/d1.epub" "$3/d2.epub" &&
	unzip -p "$3/d1.epub" EPUB/package.opf |
		grep -q "dcterms:modified\">2024-02-29T00:00:00Z<"' \
	sh "$FOLIO" "$STRESS" "$T"

# --- bad input ---
check "epub refuses a missing source" sh -c '
	"$1" epub "$2/none.xml" -o "$2/none.epub" 2>"$2/e.txt"
	[ $? -ne 0 ] && [ ! -e "$2/none.epub" ] &&
	grep -q "none.xml" "$2/e.txt"' \
	sh "$FOLIO" "$T"
check "epub refuses a bad SOURCE_DATE_EPOCH" sh -c '
	SOURCE_DATE_EPOCH=yesterday "$1" epub "$2" -o "$3/bad.epub" \
		2>"$3/e.txt"
	[ $? -eq 2 ] && grep -q SOURCE_DATE_EPOCH "$3/e.txt" &&
	[ ! -e "$3/bad.epub" ]' sh "$FOLIO" "$STRESS" "$T"
check "epub refuses a report that is not a web address" sh -c '
	"$1" epub "$2" -o "$3/rep.epub" --a11y-report report.html \
		2>"$3/e.txt"
	[ $? -eq 2 ] && grep -q "expected an http(s) URL" "$3/e.txt" &&
	[ ! -e "$3/rep.epub" ]' sh "$FOLIO" "$STRESS" "$T"
check "epub refuses a missing stylesheet, leaves no file" sh -c '
	"$1" epub "$2" -o "$3/nocss.epub" --style "$3/none.css" 2>"$3/e.txt"
	[ $? -ne 0 ] && grep -q none.css "$3/e.txt" &&
	[ -z "$(ls "$3" | grep nocss)" ]' sh "$FOLIO" "$STRESS" "$T"

# --- epubcheck, once for all books ---
if [ "${FOLIO_VARIANT:-release}" = sanitize ]; then
	echo "# epubcheck skipped for the sanitizer build"
	exit 0
fi
set --
for b in $books; do set -- "$@" "$T/$b.epub"; done
epubcheck_all "$@"
