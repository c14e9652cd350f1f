#!/bin/sh
# Hostile containers, crafted byte by byte (tests/gen/zipcraft.py, not
# Python's zipfile, whose output is always self-consistent) from one
# genuine archive: each must exit 1 with the entry and the rule named.
# Where an attack makes other extractors see something else, that is
# shown first (the case is real), with unzip, Python's zipfile or
# bsdtar reading the archive as a stream.
. "$TOP/tests/e2e/lib.sh"
export FOLIO_DATADIR="$TOP"
CRAFT="python3 $TOP/tests/gen/zipcraft.py"

mkdir -p "$T/b"
cp "$TOP"/examples/*.xml "$T/b/"
sed -e "s|keys/signer|../k/signer|" -e "s|\.\./styles/|$TOP/styles/|" \
	"$TOP/examples/batch.xml" >"$T/b/batch.xml"
"$FOLIO" keygen -o "$T/k" --org 江临市档案馆 >/dev/null 2>&1
check "genuine archive" "$FOLIO" archive "$T/b/batch.xml" --sources-only \
	-o "$T/g.zip"
check "genuine archive verifies" "$FOLIO" verify "$T/g.zip"
same_listing "the genuine archive" "$T/g.zip"
# The generator reads and writes faithfully: unchanged, the same bytes.
check "zipcraft identity gives the same bytes" sh -c \
	"$CRAFT '$T/g.zip' '$T/id.zip' identity && cmp '$T/g.zip' '$T/id.zip'"

src1=data/records/J012-2024-D30-0001/J012-2024-D30-0001.xml
rec1=data/records/J012-2024-D30-0001/record.xml
next1=data/records/J012-2024-D30-0003/J012-2024-D30-0003.xml

# attack NAME ENTRY PHRASE OP ARGS...: verify exits 1, the JSON names
# ENTRY ("" for the archive as a whole) and the message holds PHRASE.
attack() {
	name=$1 expect=$2 phrase=$3; shift 3
	rm -f "$T/t.zip"
	if ! $CRAFT "$T/g.zip" "$T/t.zip" "$@" >"$T/.c" 2>&1; then
		not_ok "attack: $name" "could not craft: $(cat "$T/.c")"
		return
	fi
	"$FOLIO" verify --json "$T/t.zip" >"$T/.v" 2>&1
	rc=$?
	got=$(sed -n 's/.*"entry":"\([^"]*\)".*/\1/p' "$T/.v")
	if [ $rc -eq 1 ] && [ "$got" = "$expect" ] &&
	    grep -qF -- "$phrase" "$T/.v"; then
		ok "attack: $name"
		echo "#   $(sed -n 's/.*"message":"\([^"]*\)".*/\1/p' "$T/.v")"
	else
		not_ok "attack: $name" "exit $rc, named '$got', expected \
'$expect' and '$phrase': $(head -c 500 "$T/.v")"
	fi
}

# --- the one from the issue: a second directory in the comment ------
$CRAFT "$T/g.zip" "$T/t.zip" second-end-record "$src1" 2>"$T/.c"
if [ "$(unzip -p "$T/t.zip" "$src1" 2>/dev/null)" = "<!-- forged -->" ] &&
	python3 -c 'import sys, zipfile
sys.exit(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]) != b"<!-- forged -->\n")' \
	"$T/t.zip" "$src1"; then
	ok "second end record: unzip and zipfile extract the forged source"
else not_ok "second end record: unzip and zipfile extract the forged source" \
	"$(cat "$T/.c")"; fi
attack "second end record in the comment" "" \
	"two end of central directory records" second-end-record "$src1"

# --- bytes no entry covers ------------------------------------------
$CRAFT "$T/g.zip" "$T/t.zip" hidden-between "$rec1"
if cat "$T/t.zip" | bsdtar -tf - 2>/dev/null | grep -qx data/hidden.sh; then
	ok "hidden entry: a streaming reader lists data/hidden.sh"
else not_ok "hidden entry: a streaming reader lists data/hidden.sh" \
	"bsdtar did not list it"; fi
attack "an entry hidden between two others" "$next1" \
	"between the previous entry and this one belong to no entry" \
	hidden-between "$rec1"
attack "prepended data (offsets adjusted, as a self-extractor)" mimetype \
	"64 bytes before its local header belong to no entry" prepend
attack "bytes after the end record" "" "found 8 bytes after it" trailer
attack "an archive comment" "" "expected no archive comment" comment
attack "deflate stream ending before the entry does" bagit.txt \
	"the deflate stream ends before its compressed size" \
	deflate-tail bagit.txt

# --- local headers that disagree with the central directory ---------
$CRAFT "$T/g.zip" "$T/t.zip" local-name "$src1" ../../x
if cat "$T/t.zip" | bsdtar -tf - 2>/dev/null | grep -qx '\.\./\.\./x'; then
	ok "local name: a streaming reader sees ../../x"
else not_ok "local name: a streaming reader sees ../../x" "not listed"; fi
attack "local name ../../x" "$src1" "its local header names it '../../x'" \
	local-name "$src1" ../../x
attack "local CRC differs" "$src1" "its local header says CRC" \
	local-field "$src1" lcrc 1
attack "local size differs" "$src1" "its local header says CRC" \
	local-field "$src1" lusize 5
attack "local method differs" "$src1" "its local header says flags" \
	local-field "$src1" lmethod 0
attack "local flags differ" "$src1" "its local header says flags" \
	local-field "$src1" lflags 0x0800
attack "data descriptor disagrees" bagit.txt "its data descriptor" \
	descriptor bagit.txt

# --- the central directory itself -----------------------------------
attack "truncated central directory" "" \
	"to end where the end records start" truncate-directory
attack "entry count says one fewer" "" \
	"more bytes of central directory follow the last one" count-lie -1
attack "entry count says one more" "" \
	"found the end of the directory" count-lie 1
# ZIP64 end records: consistent ones are read like any other archive
# (folio writes them past 65,534 entries); a count that disagrees with
# the central directory is refused.
check "consistent ZIP64 end records verify" sh -c \
	"$CRAFT '$T/g.zip' '$T/z64.zip' zip64-end 0 && '$FOLIO' verify '$T/z64.zip'"
attack "ZIP64 end record with another entry count" "" \
	"expected central directory record 21 of 21" zip64-end 1
attack "two names for one entry (overlap)" data/alias.xml \
	"overlapping entries" overlap "$src1" data/alias.xml

# --- attributes, flags, extra fields --------------------------------
attack "symlink attributes" "$src1" "found a symbolic link" \
	mode "$src1" 120777
attack "setuid attributes" "$src1" "setuid" mode "$src1" 104755
attack "directory attributes" "$src1" "found a directory" \
	mode "$src1" 040755
attack "device attributes" "$src1" "found a device" mode "$src1" 020644
attack "MS-DOS directory bit" "$src1" "MS-DOS directory" \
	dos-attr "$src1" 0x10
attack "encrypted flag" bagit.txt "(encrypted)" flag bagit.txt 0x1
attack "ZIP64 field of arbitrary bytes (central)" "$src1" \
	"expected a ZIP64 field of 0 bytes" zip64-extra "$src1" central
attack "ZIP64 field of arbitrary bytes (local)" "$src1" \
	"local ZIP64 field to hold both sizes" zip64-extra "$src1" local
attack "Info-ZIP Unicode path field" "$src1" "Info-ZIP Unicode path" \
	unicode-path "$src1"

# --- names ----------------------------------------------------------
attack "case twins" BAGIT.TXT "ignoring case" case-twin bagit.txt
attack "NFC twins" "$(printf 'data/e\314\201.txt')" \
	"after NFC normalisation" nfc-pair "$(printf 'data/\303\251.txt')"
attack "non-ASCII name without the UTF-8 flag" \
	"$(printf 'data/\345\205\254\346\226\207.txt')" \
	"without the UTF-8 flag" no-utf8-flag \
	"$(printf 'data/\345\205\254\346\226\207.txt')"

# --- signed content -------------------------------------------------
attack "manifest.xml edited" META-INF/manifest.xml \
	"does not match its signed SHA-256 digest" \
	edit META-INF/manifest.xml 'text/plain' 'text/html'

# --- resources: caps before any parser sees a byte -------------------
# signatures0.xml is the one part not signed: 500 MiB of blanks in it
# (a 1 MB archive) are refused from the stated size, before parsing;
# 40,000 attributes on its root element by the byte guard, in one pass.
attack "500 MiB of padding in the signature" META-INF/signatures0.xml \
	"refused before parsing" pad META-INF/signatures0.xml 500
attack "40,000 attributes in the signature" META-INF/signatures0.xml \
	"attribute limit exceeded" attributes META-INF/signatures0.xml 40000

# --- not a regular file: refused at once, never waited on -------------
mkfifo "$T/pipe.zip"
timeout 20 "$FOLIO" verify "$T/pipe.zip" >"$T/.v" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "expected a regular file, found a FIFO" "$T/.v"
then ok "a FIFO given as archive: exit 2, at once"
else not_ok "a FIFO given as archive: exit 2, at once" "exit $rc: $(cat "$T/.v")"
fi
