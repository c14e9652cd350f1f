#!/bin/sh
# Shards and the merge: deploy/parallel.sh runs 4 shards as 4 processes
# with GNU parallel (PARALLEL_SEQ -> --shard auto/4) and merges; every
# PDF, EPUB and the archive equal a one-machine `folio build` byte for
# byte. The same over --sshlogin, with a stand-in for ssh that starts each
# job with an empty environment on two "hosts". A shard killed midway has
# no report: the merge refuses, naming it; rerun, it resumes from its
# journal and the merge gives the same archive. A missing shard and a
# stale one (manifest changed) are refused with a clear message and no
# archive; a shard cannot run twice at once, nor the merge beside a shard.
. "$TOP/tests/e2e/lib.sh"
export FOLIO_DATADIR="$TOP"
GEN="$TOP/tests/gen/gen_batch.py"
ID=J099-2025-T001
if [ "${FOLIO_VARIANT:-release}" = sanitize ]; then N=12; else N=32; fi
export FOLIO

python3 "$GEN" "$T/b" "$N" --seed 31 >/dev/null ||
	{ not_ok generator failed; exit 1; }
"$FOLIO" keygen -o "$T/b/keys" >/dev/null 2>&1
B="$T/b/batch.xml"
check "one-machine reference build" "$FOLIO" build "$B" -o "$T/ref" -q

# same DIR: every PDF, EPUB and the archive of DIR equal the reference's,
# and DIR has no other output.
same() {
	d="$1/$ID"
	[ -f "$d/$ID.zip" ] || { echo "no archive in $d"; return 1; }
	(cd "$T/ref/$ID" && for f in pdf/* epub/* "$ID.zip"; do
		cmp -s "$f" "$d/$f" || { echo "differs: $f"; exit 1; }
	done) || return 1
	extra=$(cd "$d" && for f in pdf/* epub/*; do
		[ -e "$T/ref/$ID/$f" ] || echo "$f"; done)
	[ -z "$extra" ] || { echo "extra: $extra"; return 1; }
}

# --- 4 shards as 4 processes (GNU parallel), then the merge ------------
sh "$TOP/deploy/parallel.sh" "$B" "$T/p" 4 --joblog "$T/joblog" \
	>"$T/p.out" 2>&1
rc=$?
jobs=$(awk 'NR > 1 && $7 == 0' "$T/joblog" | wc -l)
if [ "$rc" -eq 0 ] && [ "$jobs" -eq 4 ]; then
	ok "deploy/parallel.sh: 4 shards ran as 4 processes and merged"
else not_ok "deploy/parallel.sh" "exit $rc, $jobs jobs: $(tail -5 "$T/p.out")"
fi
check "sharded outputs and archive equal the one-machine build" same "$T/p"
check "the merged archive verifies" "$FOLIO" verify "$T/p/$ID/$ID.zip"
slices() {
	python3 - "$T/p/$ID" "$N" <<'EOF'
import json, sys
d, n = sys.argv[1], int(sys.argv[2])
seen = []
for k in range(1, 5):
    r = json.load(open("%s/shards/%d-of-4.json" % (d, k)))
    assert r["shard"] == "%d/4" % k, r["shard"]
    idx = [x["index"] for x in r["documents"]]
    assert all((i - 1) % 4 == k - 1 for i in idx), idx
    seen += idx
m = json.load(open(d + "/report.json"))
assert m["merged_shards"] == 4 and m["totals"]["documents"] == n
assert sorted(seen) == list(range(1, n + 1)), seen
EOF
}
check "each shard built its slice (i mod 4), together the whole batch" slices

# --- the same over --sshlogin: two hosts, fresh environments -------------
cat >"$T/ssh" <<'EOF'
#!/bin/sh
# Stands in for ssh: runs the command "on" host $1, here, with the empty
# environment of a new login (so what a job needs must be passed).
host=$1; shift
[ "$1" = -- ] && shift
echo "$host" >>"$(dirname "$0")/hosts"
exec env -i PATH="/usr/bin:/bin" HOME="$HOME" SHELL=/bin/sh sh -c "$*"
EOF
chmod +x "$T/ssh"
PARALLEL_SSH="$T/ssh" sh "$TOP/deploy/parallel.sh" "$B" "$T/s" 4 \
	--sshlogin 2/hostA,2/hostB >"$T/s.out" 2>&1
rc=$?
hosts=$(sort -u "$T/hosts" 2>/dev/null | tr '\n' ' ')
if [ "$rc" -eq 0 ] && [ "$hosts" = "hostA hostB " ]; then
	ok "deploy/parallel.sh --sshlogin: shards on two hosts, merged"
else not_ok "deploy/parallel.sh --sshlogin" "exit $rc, hosts '$hosts': \
$(tail -5 "$T/s.out")"; fi
check "--sshlogin outputs and archive equal the one-machine build" \
	same "$T/s"

# --- a shard killed midway, rerun ---------------------------------------
K="$T/k/$ID"
for k in 1 3 4; do
	"$FOLIO" build "$B" -o "$T/k" -q --shard "$k/4" >/dev/null 2>&1
done
before=$(ls "$K/pdf" | grep -c '\.pdf$')
"$FOLIO" build "$B" -o "$T/k" -q -j 1 --shard 2/4 >/dev/null 2>&1 &
pid=$!
i=0
# Kill it once two of its documents are out, while it is still running.
while [ $i -lt 40000 ] && kill -0 "$pid" 2>/dev/null &&
	[ "$(ls "$K/pdf" | grep -c '\.pdf$')" -lt $((before + 2)) ]; do
	i=$((i + 1))
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if [ ! -e "$K/shards/2-of-4.json" ]; then
	ok "a shard killed midway leaves no report"
else not_ok "a shard killed midway leaves no report" "2-of-4.json exists"
fi
"$FOLIO" build "$B" -o "$T/k" --merge >"$T/m.out" 2>"$T/m.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "shards: 1 of 4 shards have not finished" \
	"$T/m.err" && grep -q "shard 2/4" "$T/m.err" &&
   [ ! -e "$K/$ID.zip" ]; then
	ok "merge after the kill: refused, names shard 2/4, exit 2, no archive"
else not_ok "merge after the kill refused" "exit $rc: $(cat "$T/m.err")"
fi
"$FOLIO" build "$B" -o "$T/k" -q --shard 2/4 >/dev/null 2>&1
rc=$?
resumed=$(python3 -c 'import json, sys
t = json.load(open(sys.argv[1]))["totals"]
print(t["built"], t["skipped"], t["documents"])' "$K/shards/2-of-4.json")
set -- $resumed
if [ "$rc" -eq 0 ] && [ "${2:-0}" -ge 1 ] && [ $(($1 + $2)) -eq "$3" ]; then
	ok "the rerun resumes: $1 built, $2 kept from before the kill"
else not_ok "the rerun resumes" "exit $rc, built/skipped/total $resumed"; fi
check "merge after the rerun" "$FOLIO" build "$B" -o "$T/k" --merge -q
check "killed and rerun: the same bytes as the one-machine build" same "$T/k"
ls -a "$K" "$K/pdf" "$K/epub" "$K/shards" | grep -q '\.tmp\.' &&
	not_ok "no temporary files left" "$(find "$K" -name '*.tmp.*')" ||
	ok "no temporary files left"

# --- refusals -------------------------------------------------------------
# A merge with a shard missing: a clear message, exit 2, no archive.
mkdir -p "$T/m"
cp -r "$T/k/$ID" "$T/m/"
rm -f "$T/m/$ID/$ID.zip" "$T/m/$ID/shards/3-of-4.json"
"$FOLIO" build "$B" -o "$T/m" --merge >/dev/null 2>"$T/miss.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "1 of 4 shards have not finished (no report):\
 shard 3/4" "$T/miss.err" && [ ! -e "$T/m/$ID/$ID.zip" ]; then
	ok "merge with shard 3/4 missing: refused with its name, exit 2"
else not_ok "merge with a missing shard" "exit $rc: $(cat "$T/miss.err")"
fi
# No shard at all.
"$FOLIO" build "$B" -o "$T/none" --merge >/dev/null 2>"$T/none.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "found none: run the shards first" \
	"$T/none.err"; then ok "merge with no shard run: refused, exit 2"
else not_ok "merge with no shard" "exit $rc: $(cat "$T/none.err")"; fi
# Stale: the manifest changed after the shards ran.
cp -r "$T/k/$ID" "$T/m2-$ID" && mkdir -p "$T/m2" && mv "$T/m2-$ID" "$T/m2/$ID"
cp "$B" "$T/batch.orig"
sed -i 's|</batch>|<!-- edited after the shards ran --></batch>|' "$B"
"$FOLIO" build "$B" -o "$T/m2" --merge >/dev/null 2>"$T/stale.err"
rc=$?
cp "$T/batch.orig" "$B"
if [ "$rc" -eq 2 ] && grep -q "1-of-4.json: built from another version of\
 the manifest" "$T/stale.err"; then
	ok "merge after the manifest changed: refused as stale, exit 2"
else not_ok "stale shard refused" "exit $rc: $(cat "$T/stale.err")"; fi
# An output changed after its shard recorded it.
code=$(python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["documents"][0]["code"])' \
	"$T/m2/$ID/shards/1-of-4.json")
printf 'x' >>"$T/m2/$ID/pdf/$code.pdf"
"$FOLIO" build "$B" -o "$T/m2" --merge >/dev/null 2>"$T/changed.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "record $code: expected its pdf at .* as\
 shard 1/4 built it .*found it changed" "$T/changed.err"; then
	ok "merge with an output changed since: refused, names it and its shard"
else not_ok "changed output refused" "exit $rc: $(cat "$T/changed.err")"; fi

# Locks (util-linux flock holds them as a running folio would).
flock -x "$K/shards/1-of-4.lock" sleep 30 &
holder=$!
sleep 0.3
"$FOLIO" build "$B" -o "$T/k" -q --shard 1/4 >/dev/null 2>"$T/l1.err"
rc=$?
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
if [ "$rc" -eq 2 ] && grep -q "shard 1/4 is already running" "$T/l1.err"
then ok "the same shard twice at once: the second refused"
else not_ok "the same shard twice" "exit $rc: $(cat "$T/l1.err")"; fi
flock -s "$K/.lock" sleep 30 &
holder=$!
sleep 0.3
"$FOLIO" build "$B" -o "$T/k" --merge >/dev/null 2>"$T/l2.err"
rc=$?
"$FOLIO" build "$B" -o "$T/k" -q --shard 3/4 >/dev/null 2>&1
rc3=$?
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
if [ "$rc" -eq 2 ] && grep -q "another folio build is using this folder" \
	"$T/l2.err" && [ "$rc3" -eq 0 ]; then
	ok "merge while a shard runs: refused; shards run side by side"
else not_ok "merge beside a shard" "exit $rc/$rc3: $(cat "$T/l2.err")"; fi

# --shard auto outside any scheduler: a usage error that says what to do.
env -u PARALLEL_SEQ -u SLURM_ARRAY_TASK_ID -u JOB_COMPLETION_INDEX \
	"$FOLIO" build "$B" -o "$T/k" --shard auto >/dev/null 2>"$T/a.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "give --shard K/N" "$T/a.err"; then
	ok "--shard auto with no scheduler's variable: exit 2, says why"
else not_ok "--shard auto without a scheduler" "exit $rc: $(cat "$T/a.err")"
fi
