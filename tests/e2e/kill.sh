#!/bin/sh
# folio build survives being killed: SIGKILL at several points of the
# document phase and during the archive step; after every kill nothing
# under a final name is incomplete (every PDF passes qpdf --check, every
# EPUB unzips, the ZIP verifies or is absent, report.json and .cache are
# whole; the cache journal may end in a cut line, which is its job); a
# rerun finishes the job, leaves no temporary files, and its
# outputs equal a clean build byte for byte (SOURCE_DATE_EPOCH). SIGINT
# stops cleanly (exit 130, report says stopped) and a rerun resumes.
. "$TOP/tests/e2e/lib.sh"
export FOLIO_DATADIR="$TOP"
GEN="$TOP/tests/gen/gen_batch.py"
ID=J099-2025-T001
if [ "${FOLIO_VARIANT:-release}" = sanitize ]; then
	N=16; SCALE=2
else
	N=40; SCALE=1
fi
python3 "$GEN" "$T/b" "$N" --seed 23 || { not_ok generator failed; exit 1; }
"$FOLIO" keygen -o "$T/b/keys" >/dev/null 2>&1
B="$T/b/batch.xml"

check "clean reference build" "$FOLIO" build "$B" -o "$T/ref" -q

# intact DIR: every file under a final name is complete.
intact() {
	d="$1/$ID"
	[ -d "$d" ] || return 0
	for f in "$d"/pdf/*.pdf; do
		[ -e "$f" ] || continue
		qpdf --check "$f" >/dev/null 2>&1 ||
			{ echo "broken PDF $f"; return 1; }
	done
	for f in "$d"/epub/*.epub; do
		[ -e "$f" ] || continue
		unzip -tq "$f" >/dev/null 2>&1 ||
			{ echo "broken EPUB $f"; return 1; }
	done
	if [ -e "$d/$ID.zip" ]; then
		"$FOLIO" verify "$d/$ID.zip" >/dev/null 2>&1 ||
			{ echo "archive does not verify"; return 1; }
	fi
	if [ -e "$d/report.json" ]; then
		python3 -c 'import json, sys; json.load(open(sys.argv[1]))' \
			"$d/report.json" 2>/dev/null ||
			{ echo "report.json cut short"; return 1; }
	fi
	if [ -e "$d/.cache" ]; then
		head -1 "$d/.cache" | grep -q '^{"folio_cache": 2, "env": ' &&
		[ "$(tail -c 1 "$d/.cache" | od -An -c | tr -d ' ')" = '\n' ] ||
			{ echo ".cache cut short"; return 1; }
	fi
	return 0
}

# journaled DIR: every whole line of the cache and its journal names a
# PDF and an EPUB on disk with the size recorded. Outputs are committed
# in groups (one syncfs, the renames, then the journal lines): a line
# must never get ahead of its files.
journaled() {
	python3 - "$1/$ID" <<'PY'
import json, os, sys
d = sys.argv[1]
bad = 0
for name in (".cache", ".cache.journal"):
    p = os.path.join(d, name)
    if not os.path.exists(p):
        continue
    for line in open(p, "rb").read().split(b"\n")[1:-1]:
        e = json.loads(line)
        if e.get("status") not in ("built", "skipped"):
            continue
        for kind, ext in (("pdf", ".pdf"), ("epub", ".epub")):
            f = os.path.join(d, kind, e["code"] + ext)
            if not os.path.exists(f) or \
                    os.path.getsize(f) != e[kind + "_bytes"]:
                print("journal line without its file:", f)
                bad = 1
sys.exit(bad)
PY
}

# killed_at SECONDS: start a build, SIGKILL it after SECONDS.
killed_at() {
	"$FOLIO" build "$B" -o "$T/k" -q >/dev/null 2>&1 &
	pid=$!
	sleep "$1"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

for s in 0.2 0.5 1.0; do
	t=$(awk -v s="$s" -v k="$SCALE" 'BEGIN { print s * k }')
	killed_at "$t"
	n=$(ls "$T/k/$ID/pdf" 2>/dev/null | grep -c '\.pdf$')
	check "SIGKILL after ${t}s ($n PDFs on disk): nothing incomplete" \
		intact "$T/k"
	check "SIGKILL after ${t}s: every journal line's files on disk" \
		journaled "$T/k"
done

# During the archive step: documents are current, the ZIP is missing,
# so the run goes straight to the archive; kill it as soon as the
# archive's temporary file appears.
"$FOLIO" build "$B" -o "$T/k" -q --no-archive >/dev/null 2>&1
caught=0
for attempt in 1 2 3; do
	rm -f "$T/k/$ID/$ID.zip"
	"$FOLIO" build "$B" -o "$T/k" -q >/dev/null 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 20000 ] && kill -0 "$pid" 2>/dev/null; do
		if ls -a "$T/k/$ID" | grep -q "^$ID\.zip\.tmp\."; then
			kill -9 "$pid"; caught=1; break
		fi
		i=$((i + 1))
	done
	wait "$pid" 2>/dev/null
	[ "$caught" = 1 ] && break
done
if [ "$caught" = 1 ] && [ ! -e "$T/k/$ID/$ID.zip" ]; then
	ok "SIGKILL while the archive is written: no ZIP under its name"
elif [ "$caught" = 1 ]; then
	not_ok "SIGKILL during the archive" "a ZIP exists after the kill"
else
	not_ok "SIGKILL during the archive" "never saw the temporary ZIP"
fi
check "after the archive kill: nothing incomplete" intact "$T/k"

# SIGINT: finish the documents in progress, save, exit 130.
rm -rf "$T/k"
"$FOLIO" build "$B" -o "$T/k" -q -j 1 >/dev/null 2>&1 &
pid=$!
# As soon as the first document is out, so most are still to do.
i=0
while [ $i -lt 20000 ] && kill -0 "$pid" 2>/dev/null &&
	! ls "$T/k/$ID/pdf" 2>/dev/null | grep -q '\.pdf$'; do
	i=$((i + 1))
done
kill -INT "$pid"
wait "$pid"
rc=$?
stopped=$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(r["stopped"], r["totals"]["built"], r["archive"]["status"])' \
	"$T/k/$ID/report.json" 2>/dev/null)
case "$rc $stopped" in
"130 True "*" not written")
	ok "SIGINT: exit 130, report says stopped, no archive ($stopped)" ;;
*) not_ok "SIGINT stops cleanly" "exit $rc, report: $stopped" ;;
esac
done1=$(echo "$stopped" | cut -d' ' -f2)
check "after SIGINT: nothing incomplete" intact "$T/k"

# The rerun finishes the job.
"$FOLIO" build "$B" -o "$T/k" -q >/dev/null 2>&1
rc=$?
built=$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1])); t = r["totals"]
print(t["built"], t["skipped"])' "$T/k/$ID/report.json")
if [ "$rc" -eq 0 ] && [ "$built" = "$((N - done1)) $done1" ]; then
	ok "rerun after SIGINT builds only the rest ($built built/skipped)"
else
	not_ok "rerun after SIGINT" "exit $rc, built/skipped $built, \
interrupted run built $done1"
fi

# After SIGKILLs and a final run: the same bytes as the clean build.
rm -rf "$T/k"
killed_at "$(awk -v k="$SCALE" 'BEGIN { print 0.3 * k }')"
killed_at "$(awk -v k="$SCALE" 'BEGIN { print 0.4 * k }')"
check "final rerun succeeds" "$FOLIO" build "$B" -o "$T/k" -q
left=$(find "$T/k" -name '*.tmp.*' | head -3)
if [ -z "$left" ]; then ok "no temporary files after the rerun"; else
	not_ok "no temporary files after the rerun" "$left"; fi
diffs=$(cd "$T/ref/$ID" && for f in pdf/* epub/* "$ID.zip"; do
	cmp -s "$f" "$T/k/$ID/$f" || echo "$f"; done)
extra=$(cd "$T/k/$ID" && for f in pdf/* epub/*; do
	[ -e "$T/ref/$ID/$f" ] || echo "$f"; done)
if [ -z "$diffs$extra" ]; then
	ok "resumed result equals a clean build byte for byte"
else not_ok "resumed result equals a clean build" "$diffs $extra"; fi
check "the resumed archive verifies" "$FOLIO" verify "$T/k/$ID/$ID.zip"
