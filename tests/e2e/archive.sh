#!/bin/sh
# folio keygen / archive / verify: a genuine archive is accepted by folio
# and by independent tools (unzip, sha256sum, xmllint, xmlsec1); every
# case of the tamper matrix, each built from the genuine archive, is
# rejected with exit 1 and the right entry named; archives are
# byte-identical across runs and time zones.
. "$TOP/tests/e2e/lib.sh"
export FOLIO_DATADIR="$TOP"

# --- keys -------------------------------------------------------------
check "keygen rsa" "$FOLIO" keygen -o "$T/k" --org 江临市人民政府办公室
check "keygen ec" "$FOLIO" keygen -o "$T/kec" --ec --org 江临市档案馆
check "keygen other" "$FOLIO" keygen -o "$T/k2" --org 另一单位
mode=$(stat -c %a "$T/k/signer.key" 2>/dev/null)
if [ "$mode" = 600 ]; then ok "key file mode 0600"; else
	not_ok "key file mode 0600" "mode is $mode"; fi
nb=$(openssl x509 -in "$T/k/signer.crt" -noout -startdate 2>/dev/null |
	sed 's/notBefore=//')
want=$(TZ=UTC date -d "@$SOURCE_DATE_EPOCH" '+%b %e %H:%M:%S %Y GMT')
if [ "$nb" = "$want" ]; then ok "certificate starts at SOURCE_DATE_EPOCH"
else not_ok "certificate starts at SOURCE_DATE_EPOCH" "$nb vs $want"; fi
if openssl pkey -in "$T/kec/signer.key" -noout -text 2>/dev/null |
	grep -q 'P-256'; then ok "keygen --ec makes P-256"; else
	not_ok "keygen --ec makes P-256" "no P-256 key"; fi
# An existing key is never overwritten by accident (exit 2, nothing
# changed); --force replaces it and keeps the old pair as *.old.
keep() {
	cp "$T/k2/signer.key" "$T/k2.before"
	"$FOLIO" keygen -o "$T/k2" --org 另一单位 >"$T/.kg" 2>&1
	[ $? -eq 2 ] && grep -q -- "--force" "$T/.kg" &&
		cmp -s "$T/k2.before" "$T/k2/signer.key"
}
check "keygen refuses to overwrite a key" keep
replace() {
	"$FOLIO" keygen -o "$T/k2" --org 另一单位 --force >/dev/null 2>&1 &&
		cmp -s "$T/k2.before" "$T/k2/signer.key.old" &&
		[ -f "$T/k2/signer.crt.old" ] &&
		! cmp -s "$T/k2.before" "$T/k2/signer.key" &&
		[ "$(stat -c %a "$T/k2/signer.key.old")" = 600 ]
}
check "keygen --force keeps the old pair as *.old" replace

# --- a batch: the examples, built once without an archive -------------
# `folio archive` archives what the build reported (report.json) with
# the outputs beside it; nothing is laid out again.
mkdir -p "$T/batch"
cp "$TOP"/examples/*.xml "$T/batch/"
sed -e "s|keys/signer|../k/signer|" -e "s|\.\./styles/|$TOP/styles/|" "$TOP/examples/batch.xml" \
	>"$T/batch/batch.xml"
code1=J012-2024-D30-0001
check "archive --sources-only" "$FOLIO" archive "$T/batch/batch.xml" \
	--sources-only -o "$T/src.zip"
check "build the examples (no archive)" "$FOLIO" build \
	"$T/batch/batch.xml" -o "$T/o" --no-archive -q
mv "$T/o/J012-2024-B001" "$T/out"

arch() { "$FOLIO" archive "$T/batch/batch.xml" --outputs "$T/out" "$@"; }
check "archive rsa" arch -o "$T/a.zip"
check "archive is valid" "$FOLIO" verify "$T/a.zip"
# A record without its EPUB stops the archive, naming it; nothing is
# written.
missing() {
	mv "$T/out/epub/$code1.epub" "$T/hidden.epub"
	"$FOLIO" archive "$T/batch/batch.xml" --outputs "$T/out" \
		-o "$T/miss.zip" 2>"$T/miss.err"
	rc=$?
	mv "$T/hidden.epub" "$T/out/epub/$code1.epub"
	[ $rc -eq 1 ] && [ ! -e "$T/miss.zip" ] &&
		grep -q "record $code1: expected its epub" "$T/miss.err"
}
check "a record missing its EPUB stops the archive" missing
# A signing time before the certificate's validity would give an archive
# that can never verify: refused before anything is written.
early() {
	SOURCE_DATE_EPOCH=1000000000 "$FOLIO" archive "$T/batch/batch.xml" \
		--outputs "$T/out" -o "$T/early.zip" 2>"$T/early.err"
	[ $? -eq 2 ] && [ ! -e "$T/early.zip" ] &&
		grep -q "inside the certificate's validity" "$T/early.err"
}
check "signing time outside the certificate's validity is refused" early
check "archive is valid with --trust" "$FOLIO" verify --trust \
	"$T/k/signer.crt" "$T/a.zip"
"$FOLIO" verify --trust "$T/k2/signer.crt" "$T/a.zip" >/dev/null 2>&1
rc=$?
if [ $rc -eq 1 ]; then ok "untrusted signer rejected with --trust"; else
	not_ok "untrusted signer rejected with --trust" "exit $rc"; fi
check "archive ec" arch -o "$T/ec.zip" --key "$T/kec/signer.key" \
	--cert "$T/kec/signer.crt"
check "ec archive is valid" "$FOLIO" verify "$T/ec.zip"

# --- independent judges -----------------------------------------------
for k in src a ec; do same_listing "$k.zip" "$T/$k.zip"; done
check "unzip -t" unzip -tq "$T/a.zip"
mkdir "$T/x"
(cd "$T/x" && unzip -q "$T/a.zip") || not_ok "extract" "unzip failed"
check "first entry is mimetype" sh -c \
	"unzip -Z1 '$T/a.zip' | head -1 | grep -qx mimetype"
check "sha256sum -c manifest-sha256.txt" sh -c \
	"cd '$T/x' && sha256sum -c --quiet manifest-sha256.txt"
check "sha256sum -c tagmanifest-sha256.txt" sh -c \
	"cd '$T/x' && sha256sum -c --quiet tagmanifest-sha256.txt"
check "xmllint record.xml" sh -c "xmllint --noout --relaxng \
	'$TOP/schemas/record.rng' '$T'/x/data/records/*/record.xml"
check "xmllint catalogue.xml" xmllint --noout --relaxng \
	"$TOP/schemas/catalogue.rng" "$T/x/data/catalogue.xml"
check "shipped schemas copied" cmp "$T/x/data/schemas/record.rng" \
	"$TOP/schemas/record.rng"
# xmlsec1 resolves the references (entry names) against its working
# directory: run it from the root of the extracted container.
for k in a ec; do
	rm -rf "$T/xs"; mkdir "$T/xs"
	(cd "$T/xs" && unzip -q "$T/$k.zip")
	if [ $k = a ]; then crt="$T/k/signer.crt"; else
		crt="$T/kec/signer.crt"; fi
	check "xmlsec1 --verify ($k)" sh -c "cd '$T/xs' && xmlsec1 --verify \
		--id-attr:Id SignedProperties \
		--enabled-reference-uris empty,same-doc,remote \
		--trusted-pem '$crt' META-INF/signatures0.xml"
done
check "record files inside" sh -c "unzip -Z1 '$T/a.zip' | grep -qx \
	'data/records/$code1/$code1.pdf' && unzip -Z1 '$T/a.zip' | \
	grep -qx 'data/records/$code1/$code1.epub'"

# --- the tamper matrix (tests/gen/tamper.py) ------------------------
# tamper NAME EXPECTED_ENTRY OP ARGS...: verify must exit 1 and name
# EXPECTED_ENTRY as the first failing entry.
tamper() {
	name=$1 expect=$2; shift 2
	rm -f "$T/t.zip"
	if ! python3 "$TOP/tests/gen/tamper.py" "$T/a.zip" "$T/t.zip" "$@" \
		>"$T/.tp" 2>&1; then
		not_ok "tamper: $name" "could not build: $(cat "$T/.tp")"
		return
	fi
	"$FOLIO" verify --json "$T/t.zip" >"$T/.v" 2>&1
	rc=$?
	got=$(sed -n 's/.*"entry":"\([^"]*\)".*/\1/p' "$T/.v")
	if [ $rc -eq 1 ] && [ "$got" = "$expect" ]; then
		ok "tamper: $name"
		echo "#   $(sed -n 's/.*"message":"\([^"]*\)".*/\1/p' "$T/.v")"
	else
		not_ok "tamper: $name" "exit $rc, named '$got', expected \
'$expect': $(head -c 400 "$T/.v")"
	fi
}
rec1="data/records/$code1"
tamper "byte flipped in a PDF" "$rec1/$code1.pdf" flip "$rec1/$code1.pdf"
tamper "byte flipped in an EPUB" "$rec1/$code1.epub" \
	flip "$rec1/$code1.epub"
tamper "byte flipped in a source" "$rec1/$code1.xml" flip "$rec1/$code1.xml"
tamper "byte flipped in record.xml" "$rec1/record.xml" \
	flip "$rec1/record.xml"
tamper "byte flipped in the catalogue" data/catalogue.xml \
	flip data/catalogue.xml
tamper "byte flipped in manifest-sha256.txt" manifest-sha256.txt \
	flip manifest-sha256.txt
tamper "byte flipped in bag-info.txt" bag-info.txt flip bag-info.txt
tamper "signature value altered" META-INF/signatures0.xml b64flip \
	META-INF/signatures0.xml '<ds:SignatureValue[^>]*>\s*'
tamper "entry added" data/extra.txt add data/extra.txt "not signed"
tamper "entry added in META-INF" META-INF/extra.xml add META-INF/extra.xml \
	"<x/>"
tamper "entry removed" "$rec1/record.xml" remove "$rec1/record.xml"
tamper "entry renamed" "$rec1/renamed.xml" rename "$rec1/$code1.xml" \
	"$rec1/renamed.xml"
# manifest.xml is signed: an edit is caught by its digest (before, when
# it was not signed, by the listing check naming the dropped entry; the
# re-signed case below still reaches that check).
tamper "manifest.xml drops an entry" META-INF/manifest.xml sub \
	META-INF/manifest.xml \
	"<manifest:file-entry manifest:full-path=\"$rec1/$code1.pdf\"[^>]*/>" ''
tamper "manifest.xml media type changed" META-INF/manifest.xml sub \
	META-INF/manifest.xml 'application/pdf' 'text/plain'
tamper "SigningCertificateV2 digest altered" META-INF/signatures0.xml \
	b64flip META-INF/signatures0.xml '<xades:CertDigest>.*?<ds:DigestValue>'
tamper "certificate in KeyInfo swapped" META-INF/signatures0.xml \
	cert META-INF/signatures0.xml "$T/k2/signer.crt"
tamper "certificate and its digest both swapped" META-INF/signatures0.xml \
	cert-and-digest META-INF/signatures0.xml "$T/k2/signer.crt"
tamper "wrapping: a second ds:Object" META-INF/signatures0.xml sub \
	META-INF/signatures0.xml '</ds:Object>' \
	'</ds:Object><ds:Object Id="S0-SignedProperties"/>'
tamper "wrapping: the SignedProperties Id twice" META-INF/signatures0.xml \
	sub META-INF/signatures0.xml '<ds:X509Data>' \
	'<ds:X509Data Id="S0-SignedProperties">'
tamper "mimetype moved" mimetype move-mimetype
tamper "mimetype compressed" mimetype compress-mimetype
tamper "mimetype with other content" mimetype mimetype-content
tamper "mimetype with an extra field" mimetype extra-mimetype
tamper "path ../x" ../x add ../x "escape"
tamper "absolute path" /etc/x add /etc/x "escape"
tamper "backslash path" 'data\\x' add 'data\x' "escape"
tamper "duplicate names" bagit.txt dup bagit.txt
# libzip showed a NUL in a name as a space, other readers stop at it:
# the container reading refuses the name, shown with the NUL as \x00
# (the JSON escapes the backslash).
tamper "NUL inside a name" 'data/nul\\x00name.txt' nul "data/nul@name.txt"
tamper "extra field (time stamp) on a PDF" "$rec1/$code1.pdf" \
	extra "$rec1/$code1.pdf" UT
tamper "extra field (Info-ZIP Unicode path) on a source" \
	"$rec1/$code1.xml" extra "$rec1/$code1.xml" up
# NFC duplicates: both spellings added; the decomposed one sorts second.
rm -f "$T/t2.zip"
python3 "$TOP/tests/gen/tamper.py" "$T/a.zip" "$T/t2.zip" add \
	"$(printf 'data/\303\251.txt')" x && \
python3 "$TOP/tests/gen/tamper.py" "$T/t2.zip" "$T/t3.zip" add \
	"$(printf 'data/e\314\201.txt')" y
"$FOLIO" verify --json "$T/t3.zip" >"$T/.v" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'NFC' "$T/.v" &&
	grep -q "\"entry\":\"$(printf 'data/e\314\201.txt')\"" "$T/.v"; then
	ok "tamper: NFC duplicate detected"
else not_ok "tamper: NFC duplicate detected" "exit $rc: $(cat "$T/.v")"; fi

# Signature file from another batch (same sources and key, another id).
# (Other manifests live in their own folders: the example's "*.xml"
# source glob would take them in as sources.)
mkdir "$T/batch2" "$T/batch3"
cp "$TOP"/examples/*.xml "$T/batch2/"
cp "$TOP"/examples/*.xml "$T/batch3/"
sed 's|<batch-id>[^<]*</batch-id>|<batch-id>J012-2024-B999</batch-id>|' \
	"$T/batch/batch.xml" >"$T/batch2/batch.xml"
"$FOLIO" build "$T/batch2/batch.xml" -o "$T/o2" --no-archive -q
"$FOLIO" archive "$T/batch2/batch.xml" --outputs "$T/o2/J012-2024-B999" \
	-o "$T/other.zip" >/dev/null 2>&1
unzip -p "$T/other.zip" META-INF/signatures0.xml >"$T/other-sig.xml"
tamper "signature from another batch" bag-info.txt \
	replace META-INF/signatures0.xml "$T/other-sig.xml"

# --- re-signed forgeries ----------------------------------------------
# An edit followed by fresh BagIt lines and a fresh, valid signature by
# the same key (made with the xmlsec1 command line): the digests and the
# signature value all verify, so only folio's own consistency checks can
# catch these. One of them (a wrong SigningCertificateV2) xmlsec1 itself
# accepts.
cat >"$T/resign.py" <<'EOF'
import hashlib, os, re, subprocess, sys, tempfile, zipfile
src, dst, key, crt, op = sys.argv[1:6]
zin = zipfile.ZipFile(src)
infos = zin.infolist()
data = {i.filename: zin.read(i.filename) for i in infos}
rec = sorted(n for n in data if n.endswith("/record.xml"))[0]
def sub(name, pat, rep):
    d2 = re.sub(pat.encode(), rep.encode(), data[name], count=1, flags=re.S)
    if d2 == data[name]:
        sys.exit("no match in " + name)
    data[name] = d2
if op == "record-size":
    sub(rec, r"(<计算机文件大小>)(\d+)", r"\g<1>9\g<2>")
elif op == "oxum":
    sub("bag-info.txt", r"(Payload-Oxum: )(\d+)", r"\g<1>1\g<2>")
elif op == "signing-time":
    sub("META-INF/signatures0.xml", r"(<xades:SigningTime>)\d{4}",
        r"\g<1>2019")
elif op == "scv2":
    sub("META-INF/signatures0.xml",
        r"(<xades:CertDigest>.*?<ds:DigestValue>)[^<]*",
        r"\g<1>" + "A" * 43 + "=")
elif op == "catalogue-title":
    sub("data/catalogue.xml", r"(<题名>)", r"\g<1>伪")
elif op == "bag-missing":
    sub("manifest-sha256.txt", r"^[^\n]*\n", "")
elif op == "manifest-drop":
    pdf = sorted(n for n in data if n.endswith(".pdf"))[0]
    sub("META-INF/manifest.xml",
        r'<manifest:file-entry manifest:full-path="' + re.escape(pdf) +
        r'"[^>]*/>', "")
else:
    sys.exit("unknown op")
def rebag(name):
    out = []
    for line in data[name].decode().splitlines():
        p = line.split("  ", 1)[1]
        out.append(hashlib.sha256(data[p]).hexdigest() + "  " + p)
    data[name] = ("\n".join(out) + "\n").encode()
if op != "oxum":
    payload = [n for n in data if n.startswith("data/")]
    oxum = "%d.%d" % (sum(len(data[n]) for n in payload), len(payload))
    data["bag-info.txt"] = re.sub(rb"Payload-Oxum: [0-9.]+",
        b"Payload-Oxum: " + oxum.encode(), data["bag-info.txt"])
rebag("manifest-sha256.txt")
rebag("tagmanifest-sha256.txt")
sig = "META-INF/signatures0.xml"
with tempfile.TemporaryDirectory() as d:
    for n, b in data.items():
        p = os.path.join(d, n)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, "wb").write(b)
    r = subprocess.run(["xmlsec1", "--sign", "--privkey-pem", key + "," + crt,
                        "--id-attr:Id", "SignedProperties",
                        "--enabled-reference-uris", "empty,same-doc,remote",
                        "--output", "signed.xml", sig], cwd=d,
                       capture_output=True)
    if r.returncode != 0:
        sys.exit(r.stderr.decode()[-300:])
    data[sig] = open(os.path.join(d, "signed.xml"), "rb").read()
with zipfile.ZipFile(dst, "w") as z:
    for i in infos:
        z.writestr(i, data[i.filename], compress_type=i.compress_type)
EOF
# resigned NAME EXPECTED_ENTRY OP: the forgery must verify with xmlsec1
# (or the case proves nothing) and fail folio verify naming the entry.
resigned() {
	name=$1 expect=$2 op=$3
	rm -f "$T/r.zip"; rm -rf "$T/rx"; mkdir "$T/rx"
	if ! python3 "$T/resign.py" "$T/a.zip" "$T/r.zip" "$T/k/signer.key" \
		"$T/k/signer.crt" "$op" >"$T/.tp" 2>&1; then
		not_ok "re-signed: $name" "could not build: $(cat "$T/.tp")"
		return
	fi
	(cd "$T/rx" && unzip -q "$T/r.zip" && xmlsec1 --verify \
		--id-attr:Id SignedProperties \
		--enabled-reference-uris empty,same-doc,remote \
		--trusted-pem "$T/k/signer.crt" META-INF/signatures0.xml) \
		>"$T/.x" 2>&1
	xrc=$?
	"$FOLIO" verify --json "$T/r.zip" >"$T/.v" 2>&1
	rc=$?
	got=$(sed -n 's/.*"entry":"\([^"]*\)".*/\1/p' "$T/.v")
	if [ $xrc -eq 0 ] && [ $rc -eq 1 ] && [ "$got" = "$expect" ]; then
		ok "re-signed: $name"
		echo "#   $(sed -n 's/.*"message":"\([^"]*\)".*/\1/p' "$T/.v")"
	else
		not_ok "re-signed: $name" "xmlsec1 $xrc, folio $rc, named \
'$got', expected '$expect': $(head -c 300 "$T/.v") $(tail -3 "$T/.x")"
	fi
}
first_rec=$(unzip -Z1 "$T/a.zip" | grep '/record.xml$' | sort | head -1)
first_dir=${first_rec%record.xml}
# record.xml lists the source first: the forged size is the source's.
first_src=$(unzip -Z1 "$T/a.zip" | grep "^$first_dir" | grep -v record.xml |
	grep -E '\.(xml|txt)$' | head -1)
resigned "record.xml size differs from the file" "$first_src" record-size
resigned "Payload-Oxum wrong" bag-info.txt oxum
resigned "file missing from manifest-sha256.txt" \
	"$(unzip -Z1 "$T/a.zip" | grep '^data/' | sort | head -1)" bag-missing
resigned "catalogue title differs from record.xml" data/catalogue.xml \
	catalogue-title
resigned "SigningTime before the certificate" META-INF/signatures0.xml \
	signing-time
resigned "wrong SigningCertificateV2 (xmlsec1 accepts it)" \
	META-INF/signatures0.xml scv2
resigned "manifest.xml drops an entry, re-signed" \
	"$(unzip -Z1 "$T/a.zip" | grep '\.pdf$' | sort | head -1)" manifest-drop

# Entries with no data: not an archive at all -> 2 (unreadable).
printf 'not a zip' >"$T/junk.zip"
"$FOLIO" verify "$T/junk.zip" >/dev/null 2>&1
rc=$?
if [ $rc -eq 2 ]; then ok "unreadable archive exits 2"; else
	not_ok "unreadable archive exits 2" "exit $rc"; fi

# --- reproducible -----------------------------------------------------
check "second run" arch -o "$T/b.zip"
check "byte-identical archives" cmp "$T/a.zip" "$T/b.zip"
check "TZ=Asia/Shanghai run" env TZ=Asia/Shanghai "$FOLIO" archive \
	"$T/batch/batch.xml" --outputs "$T/out" -o "$T/c.zip"
check "byte-identical across time zones" cmp "$T/a.zip" "$T/c.zip"
SOURCE_DATE_EPOCH=1700000000 arch -o "$T/d.zip" >/dev/null 2>&1
if ! cmp -s "$T/a.zip" "$T/d.zip"; then
	ok "another SOURCE_DATE_EPOCH changes the archive"
else not_ok "another SOURCE_DATE_EPOCH changes the archive" "identical"; fi

# --- bad manifests: precise messages ----------------------------------
sed 's|<source>notice.xml</source>|<source>nothing-*.xml</source>|' \
	"$T/batch/batch.xml" >"$T/batch3/batch.xml"
"$FOLIO" archive "$T/batch3/batch.xml" -o "$T/bad.zip" >"$T/.o" 2>&1
rc=$?
want='batch.xml:[0-9]*:[0-9]*: expected files matching nothing-\*.xml'
if [ $rc -eq 1 ] && grep -q "$want, found none" "$T/.o" &&
	[ ! -e "$T/bad.zip" ]; then ok "glob matching nothing: file:line:col"
else not_ok "glob matching nothing: file:line:col" "exit $rc: $(cat "$T/.o")"
fi
"$FOLIO" archive "$T/batch/batch.xml" --sources-only -o "$T/e.zip" --key \
	"$T/kec/signer.key" >"$T/.o" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q 'does not belong' "$T/.o" &&
	[ ! -e "$T/e.zip" ]; then ok "key not matching certificate refused"
else not_ok "key not matching certificate refused" "exit $rc: $(cat "$T/.o")"
fi
# A broken source fails the whole archive (it must be complete), with
# the source's file:line:col, and leaves no archive behind.
mkdir "$T/batch4"
cp "$TOP"/examples/*.xml "$T/batch4/"
sed 's|<title>|<title><b>|' "$TOP/examples/notice.xml" >"$T/batch4/notice.xml"
"$FOLIO" archive "$T/batch4/batch.xml" --sources-only --key \
	"$T/k/signer.key" --cert "$T/k/signer.crt" -o "$T/broken.zip" \
	>"$T/.o" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'notice.xml:[0-9]*:[0-9]*:' "$T/.o" &&
	[ ! -e "$T/broken.zip" ]; then ok "broken source named, no archive"
else not_ok "broken source named, no archive" "exit $rc: $(cat "$T/.o")"
fi

# A source that is a symbolic link leading out of the manifest's folder
# (the file itself, or a folder on its way) is refused with the
# manifest's file:line:col; a link that stays inside is a source like
# any other.
mkdir -p "$T/batch5/sub" "$T/outside"
cp "$TOP"/examples/*.xml "$T/batch5/"
cp "$TOP/examples/notice.xml" "$T/outside/secret.xml"
ln -s ../outside/secret.xml "$T/batch5/leak.xml"
sed -e "s|keys/signer|../k/signer|" -e "s|\.\./styles/|$TOP/styles/|" \
	-e 's|<source>notice.xml</source>|<source>leak.xml</source>|' \
	"$TOP/examples/batch.xml" >"$T/batch5/batch.xml"
"$FOLIO" archive "$T/batch5/batch.xml" --sources-only -o "$T/leak.zip" \
	>"$T/.o" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'batch.xml:[0-9]*:[0-9]*: expected a source inside the manifest.s folder, found leak.xml, a symbolic link to .*/outside/secret.xml' "$T/.o" &&
	[ ! -e "$T/leak.zip" ]; then ok "source symlink out of the folder refused"
else not_ok "source symlink out of the folder refused" "exit $rc: $(cat "$T/.o")"
fi
rm "$T/batch5/leak.xml"
ln -s ../../outside "$T/batch5/sub/far"
sed -i 's|<source>leak.xml</source>|<source>sub/far/*.xml</source>|' \
	"$T/batch5/batch.xml"
"$FOLIO" archive "$T/batch5/batch.xml" --sources-only -o "$T/leak.zip" \
	>"$T/.o" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'found sub/far/secret.xml, a symbolic link' "$T/.o"
then ok "source under a folder symlink out of the folder refused"
else not_ok "source under a folder symlink out of the folder refused" \
	"exit $rc: $(cat "$T/.o")"
fi
ln -s notice.xml "$T/batch5/alias.xml"
sed -i 's|<source>sub/far/\*.xml</source>|<source>alias.xml</source>|' \
	"$T/batch5/batch.xml"
check "a symlink inside the folder is a source" "$FOLIO" archive \
	"$T/batch5/batch.xml" --sources-only -o "$T/alias.zip"
