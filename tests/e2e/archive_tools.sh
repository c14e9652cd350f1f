#!/bin/sh
# folio ls / extract / retention on a genuine archive (the examples plus
# a 定期10年 record of 2014) and on tampered ones (tests/gen/tamper.py
# through Python's zipfile, tests/gen/zipcraft.py byte by byte): ls says
# whether it verified; extract verifies first, refuses a tampered
# archive and writes nothing, never follows a symlink, never replaces a
# file without --force; retention's boundaries on 2024-12-31 and
# 2025-01-01.
. "$TOP/tests/e2e/lib.sh"
export FOLIO_DATADIR="$TOP"
TAMPER="python3 $TOP/tests/gen/tamper.py"
CRAFT="python3 $TOP/tests/gen/zipcraft.py"

# --- a genuine archive ------------------------------------------------
mkdir -p "$T/b"
cp "$TOP"/examples/*.xml "$T/b/"
sed -e "s|keys/signer|../k/signer|" -e "s|\.\./styles/|$TOP/styles/|" \
	"$TOP/examples/batch.xml" >"$T/b/batch.xml"
# A record made in 2014, kept 定期10年: its term ends with 2024.
sed -e '0,/<date>2024-11-20</s//<date>2014-06-01</' \
	-e 's/id="jlsjj-2024-33"/id="jlsjj-2014-07"/' \
	"$TOP/examples/mixed.xml" >"$T/b/zz-old.xml"
"$FOLIO" keygen -o "$T/k" --org 江临市档案馆 >/dev/null 2>&1
check "build the batch" "$FOLIO" build "$T/b/batch.xml" -o "$T/o" -q \
	--no-site
A="$T/o/J012-2024-B001/J012-2024-B001.zip"
check "the archive verifies" "$FOLIO" verify "$A"
old=$(unzip -Z1 "$A" | sed -n 's|^data/records/\([^/]*\)/record.xml$|\1|p' |
	while read -r c; do
		unzip -p "$A" "data/records/$c/record.xml" |
			grep -q '<日期>20140601</日期>' && echo "$c"
	done)
if [ -n "$old" ]; then ok "the 2014 record is $old"; else
	not_ok "the 2014 record" "not found in the archive"; fi

# --- ls ---------------------------------------------------------------
"$FOLIO" ls "$A" >"$T/ls.txt" 2>&1
rc=$?
if [ $rc -eq 0 ] && head -1 "$T/ls.txt" | grep -q "6 records, NOT VERIFIED" &&
    grep -q "^$old  2014-06-01  定期10年  公开  江临市大数据管理局" "$T/ls.txt"
then ok "ls lists 6 records and says it did not verify"
else not_ok "ls" "exit $rc: $(head -c 400 "$T/ls.txt")"; fi
# The JSON against Python's zipfile: every record, every file, each
# size as the container holds it, the record's metadata as record.xml
# has it.
ls_json() {
	python3 - "$1" "$2" "$3" <<'EOF'
import json, re, sys, zipfile
listing, zpath, verified = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
z = zipfile.ZipFile(zpath)
sizes = {i.filename: i.file_size for i in z.infolist()}
codes = sorted(n.split("/")[2] for n in sizes
               if re.fullmatch(r"data/records/[^/]+/record\.xml", n))
assert listing["verified"] is (verified == "yes"), listing["verified"]
assert [r["code"] for r in listing["records"]] == codes, codes
for r in listing["records"]:
    x = z.read("data/records/%s/record.xml" % r["code"]).decode()
    get = lambda t: re.search("<%s>([^<]*)</%s>" % (t, t), x).group(1)
    assert r["title"] == get("题名") and r["issuer"] == get("责任者")
    assert r["retention"] == get("保管期限") and r["security"] == get("密级")
    assert r["date"].replace("-", "") == get("日期")
    names = re.findall("<计算机文件名>([^<]*)<", x)
    assert [f["name"] for f in r["files"]] == names, names
    for f in r["files"]:
        assert f["size"] == sizes["data/records/%s/%s" % (r["code"], f["name"])]
    assert r["bytes"] == sum(f["size"] for f in r["files"])
print(len(codes), "records")
EOF
}
"$FOLIO" ls --json "$A" >"$T/ls.json" 2>"$T/ls.err"
check "ls --json agrees with zipfile and record.xml" ls_json "$T/ls.json" "$A" no
"$FOLIO" ls --verify --json "$A" >"$T/lsv.json" 2>"$T/ls.err"
check "ls --verify --json says verified" ls_json "$T/lsv.json" "$A" yes
check "ls --verify names the signer" sh -c "'$FOLIO' ls --verify '$A' |
	head -1 | grep -q '6 records, verified (signed by '"

# A byte flipped in a PDF: ls without --verify still lists (and says it
# did not verify); with --verify it refuses, naming the entry.
rec=data/records/$old
$TAMPER "$A" "$T/flip.zip" flip "$rec/$old.pdf"
check "ls lists a tampered archive, saying NOT VERIFIED" sh -c \
	"'$FOLIO' ls '$T/flip.zip' | head -1 | grep -q 'NOT VERIFIED'"
"$FOLIO" ls --verify "$T/flip.zip" >"$T/.o" 2>"$T/.e"
rc=$?
if [ $rc -eq 1 ] && grep -q "first failing entry: $rec/$old.pdf" "$T/.e" &&
	[ ! -s "$T/.o" ]; then ok "ls --verify refuses a tampered archive"
else not_ok "ls --verify refuses a tampered archive" "exit $rc: $(cat "$T/.e")"; fi
# Unverified, the listing still checks each record against the
# container: a size record.xml misstates, a record.xml that is not
# valid, a hostile container.
size=$(unzip -Zl "$A" "$rec/$old.pdf" | awk '{ print $4 }')
ls_refuses() {
	name=$1 phrase=$2; shift 2
	"$FOLIO" ls "$@" >"$T/.o" 2>"$T/.e"
	rc=$?
	if [ $rc -eq 1 ] && grep -qF -- "$phrase" "$T/.e"; then ok "ls refuses: $name"
	else not_ok "ls refuses: $name" "exit $rc: $(head -c 300 "$T/.e")"; fi
}
$TAMPER "$A" "$T/size.zip" sub "$rec/record.xml" \
	"<计算机文件大小>$size<" "<计算机文件大小>$((size + 1))<"
ls_refuses "a file size record.xml misstates" "the archive holds $size" \
	"$T/size.zip"
$TAMPER "$A" "$T/inv.zip" sub "$rec/record.xml" "<密级>公开</密级>" \
	"<密级>随便</密级>"
ls_refuses "a record.xml not valid against record.rng" "$rec/record.xml:" \
	"$T/inv.zip"
$TAMPER "$A" "$T/code.zip" sub "$rec/record.xml" "<档号>$old<" \
	"<档号>J012-2024-D10-9999<"
ls_refuses "a 档号 that is not its folder's" "does not match its folder" \
	"$T/code.zip"
$CRAFT "$A" "$T/second.zip" second-end-record "$rec/$old.xml" 2>/dev/null
ls_refuses "a second end record (zipcraft)" "end-record" "$T/second.zip"
"$FOLIO" ls "$T/none.zip" >/dev/null 2>&1
rc=$?
if [ $rc -eq 2 ]; then ok "ls: a missing archive exits 2"; else
	not_ok "ls: a missing archive exits 2" "exit $rc"; fi

# --- extract ----------------------------------------------------------
mkdir "$T/ref"
(cd "$T/ref" && unzip -q "$A")
same_as_unzip() {   # DIR: every record of DIR equals unzip's bytes
	python3 - "$1" "$T/ref/data/records" <<'EOF'
import os, stat, sys
out, ref = sys.argv[1], sys.argv[2]
n = 0
for code in sorted(os.listdir(out)):
    got, want = sorted(os.listdir(os.path.join(out, code))), \
        sorted(os.listdir(os.path.join(ref, code)))
    assert got == want, (code, got, want)
    for f in got:
        p = os.path.join(out, code, f)
        st = os.lstat(p)
        assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o644, p
        assert open(p, "rb").read() == open(os.path.join(ref, code, f), "rb").read(), p
        n += 1
print(n, "files")
sys.exit(n == 0)
EOF
}
check "extract all" "$FOLIO" extract "$A" -o "$T/all"
check "extract all: the same bytes as unzip, mode 0644, no leftovers" \
	same_as_unzip "$T/all"
check "extract all: one folder per record" sh -c \
	"[ \$(ls '$T/all' | wc -l) -eq 6 ]"
check "extract one record" "$FOLIO" extract "$A" "$old" -o "$T/one"
check "extract one: only that record" sh -c "[ \"\$(ls '$T/one')\" = '$old' ] &&
	[ -f '$T/one/$old/record.xml' ] && [ -f '$T/one/$old/$old.pdf' ]"
"$FOLIO" extract "$A" "$old" J012-2024-D10-0404 -o "$T/unknown" 2>"$T/.e"
rc=$?
if [ $rc -eq 2 ] && grep -q "no record J012-2024-D10-0404" "$T/.e" &&
	[ ! -e "$T/unknown" ]; then
	ok "extract: an unknown 档号 is named, nothing written"
else not_ok "extract: an unknown 档号" "exit $rc: $(cat "$T/.e")"; fi

# Existing files: refused (nothing changes) unless --force.
cp "$T/one/$old/$old.pdf" "$T/pdf.before"
echo "mine" >"$T/one/$old/$old.xml"
"$FOLIO" extract "$A" -o "$T/one" 2>"$T/.e"
rc=$?
if [ $rc -eq 2 ] && grep -q "already exists (--force" "$T/.e" &&
	[ "$(cat "$T/one/$old/$old.xml")" = mine ] &&
	[ "$(ls "$T/one")" = "$old" ] && [ -z "$(ls -A "$T/one/$old" | grep tmp)" ]
then ok "extract: an existing file stops the run, nothing written"
else not_ok "extract: an existing file" "exit $rc: $(cat "$T/.e"; ls -R "$T/one")"; fi
check "extract --force replaces it" sh -c "'$FOLIO' extract '$A' '$old' \
	-o '$T/one' --force && cmp -s '$T/one/$old/$old.xml' \
	'$T/ref/$rec/$old.xml'"

# Symlinks planted in DIR are never followed.
mkdir "$T/sl" "$T/elsewhere"
ln -s "$T/elsewhere" "$T/sl/$old"
"$FOLIO" extract "$A" "$old" -o "$T/sl" 2>"$T/.e"
rc=$?
if [ $rc -eq 2 ] && grep -q "exists and is not a folder" "$T/.e" &&
	[ -z "$(ls -A "$T/elsewhere")" ]; then
	ok "extract: a symlinked record folder is refused"
else not_ok "extract: a symlinked record folder" "exit $rc: $(cat "$T/.e")"; fi
rm "$T/sl/$old"; mkdir "$T/sl/$old"
echo "outside" >"$T/elsewhere/target"
ln -s "$T/elsewhere/target" "$T/sl/$old/$old.pdf"
"$FOLIO" extract "$A" "$old" -o "$T/sl" 2>"$T/.e"
rc=$?
if [ $rc -eq 2 ] && [ "$(cat "$T/elsewhere/target")" = outside ] &&
	[ -L "$T/sl/$old/$old.pdf" ] && [ "$(ls -A "$T/sl/$old")" = "$old.pdf" ]
then ok "extract: a symlinked file is not followed, nothing written"
else not_ok "extract: a symlinked file" "exit $rc: $(cat "$T/.e")"; fi
"$FOLIO" extract "$A" "$old" -o "$T/sl" --force >/dev/null 2>&1
if [ "$(cat "$T/elsewhere/target")" = outside ] && [ ! -L "$T/sl/$old/$old.pdf" ] &&
	cmp -s "$T/sl/$old/$old.pdf" "$T/ref/$rec/$old.pdf"; then
	ok "extract --force replaces the link itself, not its target"
else not_ok "extract --force and a symlink" "target: $(cat "$T/elsewhere/target")"; fi

# Tampered archives: exit 1, the failing entry named, nothing written
# (a fresh DIR is not even made; an existing one stays empty).
mkdir "$T/empty"
refuse() {
	name=$1 zip=$2 phrase=$3
	rm -rf "$T/fresh"
	"$FOLIO" extract "$zip" -o "$T/fresh" >"$T/.o" 2>"$T/.e"
	rc=$?
	"$FOLIO" extract "$zip" -o "$T/empty" >/dev/null 2>&1
	rc2=$?
	if [ $rc -eq 1 ] && [ $rc2 -eq 1 ] && [ ! -e "$T/fresh" ] &&
	    [ -z "$(ls -A "$T/empty")" ] && [ ! -s "$T/.o" ] &&
	    grep -qF -- "$phrase" "$T/.e"; then
		ok "extract refuses: $name"
	else
		not_ok "extract refuses: $name" "exit $rc/$rc2: $(cat "$T/.e")"
	fi
}
refuse "a byte flipped in a PDF" "$T/flip.zip" "first failing entry: $rec/$old.pdf"
refuse "a misstated size in record.xml" "$T/size.zip" "first failing entry: $rec/record.xml"
refuse "a changed 档号" "$T/code.zip" "first failing entry: $rec/record.xml"
refuse "a second end record" "$T/second.zip" "(rule: end-record"
$TAMPER "$A" "$T/added.zip" add "data/records/$old/extra.txt" "not signed"
refuse "an entry added to a record" "$T/added.zip" "first failing entry: data/records/$old/extra.txt"
$TAMPER "$A" "$T/dotdot.zip" add "../../escape.txt" "escape"
refuse "a ../ path" "$T/dotdot.zip" "first failing entry: ../../escape.txt"
$TAMPER "$A" "$T/removed.zip" remove "$rec/$old.epub"
refuse "an entry removed" "$T/removed.zip" "first failing entry: $rec/$old.epub"
$CRAFT "$A" "$T/local.zip" local-name "$rec/$old.xml" ../../x 2>/dev/null
refuse "a local header naming ../../x (zipcraft)" "$T/local.zip" "first failing entry: $rec/$old.xml"
if [ ! -e "$T/escape.txt" ] && [ ! -e "$T/../escape.txt" ] && [ ! -e "$T/x" ]
then ok "extract: nothing escaped DIR"
else not_ok "extract: nothing escaped DIR" "found a file outside"; fi

# --- retention ---------------------------------------------------------
ret_json() {   # AS_OF STATUS: the 2014 record's status and kept_until
	"$FOLIO" retention "$A" --as-of "$1" --json >"$T/r.json" 2>"$T/.e" &&
	python3 - "$T/r.json" "$old" "$1" "$2" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["as_of"] == sys.argv[3] and r["verified"] is True
rec = {x["code"]: x for x in r["records"]}
o = rec[sys.argv[2]]
assert o["status"] == sys.argv[4], o
assert o["kept_until"] == "2024-12-31" and o["retention"] == "定期10年"
for x in r["records"]:
    if x["retention"] == "永久":
        assert x["status"] == "kept" and x["kept_until"] is None, x
n = {s: sum(1 for x in r["records"] if x["status"] == s)
     for s in ("ended", "ending", "kept")}
assert n == {s: r[s] for s in n}, (n, r)
assert len(r["records"]) == 6
EOF
}
check "retention 2024-12-31: the 定期10年 record of 2014 ends within a year" \
	ret_json 2024-12-31 ending
check "retention 2025-01-01: its term has ended" ret_json 2025-01-01 ended
check "retention 2023-12-31: it is kept" ret_json 2023-12-31 kept
"$FOLIO" retention "$A" --as-of 2025-01-01 >"$T/r.txt" 2>&1
if sed -n '/^ended (1):/,/^ending/p' "$T/r.txt" |
	grep -q "^  $old  2014-06-01  定期10年  kept until 2024-12-31" &&
	head -1 "$T/r.txt" | grep -q "as of 2025-01-01: 6 records, archives verified"
then ok "retention: the text lists it under ended"
else not_ok "retention text" "$(head -c 600 "$T/r.txt")"; fi
# Default as-of: the day of SOURCE_DATE_EPOCH (UTC).
want=$(TZ=UTC date -d "@$SOURCE_DATE_EPOCH" +%F)
check "retention: as of today (SOURCE_DATE_EPOCH)" sh -c \
	"'$FOLIO' retention '$A' --json | grep -q '\"as_of\":\"$want\"'"
check "retention: two archives, every record once" sh -c \
	"'$FOLIO' retention '$A' '$A' --as-of 2025-01-01 --json |
	python3 -c 'import json,sys; r=json.load(sys.stdin);
sys.exit(not (len(r[\"records\"]) == 12 and r[\"ended\"] == 2))'"
for bad in 2025-02-29 2025-13-01 25-01-01 yesterday; do
	"$FOLIO" retention "$A" --as-of "$bad" >/dev/null 2>"$T/.e"
	rc=$?
	if [ $rc -eq 2 ] && grep -q "expected a date YYYY-MM-DD" "$T/.e"; then
		ok "retention: --as-of $bad refused"
	else not_ok "retention: --as-of $bad" "exit $rc: $(cat "$T/.e")"; fi
done
"$FOLIO" retention "$A" "$T/flip.zip" --as-of 2025-01-01 >"$T/.o" 2>"$T/.e"
rc=$?
if [ $rc -eq 1 ] && grep -q "first failing entry: $rec/$old.pdf" "$T/.e" &&
	[ ! -s "$T/.o" ]; then ok "retention refuses a tampered archive"
else not_ok "retention refuses a tampered archive" "exit $rc: $(cat "$T/.e")"; fi
check "retention --no-verify reviews it, saying NOT VERIFIED" sh -c \
	"'$FOLIO' retention '$T/flip.zip' --no-verify --as-of 2025-01-01 |
	head -1 | grep -q 'NOT VERIFIED'"
