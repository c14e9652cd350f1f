#!/bin/sh
# Runs every unit test binary and every end-to-end script against each
# build folder given (release, then sanitize), and ends with one line
# "N passed, N failed". Exit status 0 only when nothing failed.
#
# End-to-end scripts (tests/e2e/*.sh) print one TAP-like line per case:
# "ok - name" or "not ok - name: why"; this runner counts them. A case
# that cannot run here (no shared corpus beside the tree, no terminal)
# prints "skip - name: what is missing": counted, listed at the end,
# never a failure. Then every fuzz target's replay driver runs over its
# corpus, past crashes and seeds (tests/fuzz/).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
pass=0
fail=0
skips=0
failed_names=""
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
start=$(date +%s)

# Wall-clock seconds per binary or script, so the slow ones show in the
# CI log (CI has 20 minutes for everything); never a pass/fail rule.
lap() {
	echo "$(($(date +%s) - $2)) $1" >>"$log/times"
}

for build in "$@"; do
	case "$build" in /*) ;; *) build="$top/$build" ;; esac
	variant=$(basename "$build")
	for t in "$build"/tests/test_*; do
		[ -x "$t" ] || continue
		name="$variant/unit/$(basename "$t")"
		t0=$(date +%s)
		if "$t" >"$log/out" 2>&1; then
			pass=$((pass + 1)); echo "ok - $name"
			sed -n "s|^skip - |skip - $name: |p" "$log/out" \
				>>"$log/skips"
		else
			fail=$((fail + 1)); echo "not ok - $name"
			failed_names="$failed_names $name"
			sed 's/^/    /' "$log/out" | tail -40
		fi
		lap "$name" "$t0"
	done
	for s in "$top"/tests/e2e/*.sh; do
		[ -f "$s" ] || continue
		name="$variant/e2e/$(basename "$s" .sh)"
		t0=$(date +%s)
		FOLIO="$build/folio" FOLIO_VARIANT="$variant" TOP="$top" \
			sh "$s" >"$log/out" 2>&1
		rc=$?
		p=$(grep -c '^ok - ' "$log/out")
		f=$(grep -c '^not ok - ' "$log/out")
		sed -n "s|^skip - |skip - $name: |p" "$log/out" >>"$log/skips"
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1; echo "not ok - $name: script exited $rc" >>"$log/out"
		fi
		pass=$((pass + p)); fail=$((fail + f))
		sed "s|^ok - |ok - $name: |; s|^not ok - |not ok - $name: |; \
			s|^skip - |skip - $name: |" "$log/out" |
			grep -E '^((not )?ok|skip) - ' 
		if [ "$f" -ne 0 ]; then
			failed_names="$failed_names $name"
			grep -vE '^(not )?ok - ' "$log/out" | tail -40 | sed 's/^/    /'
		fi
		lap "$name" "$t0"
	done
	for r in "$build"/fuzz/replay_*; do
		[ -x "$r" ] || continue
		target=${r##*/replay_}
		name="$variant/fuzz/$target"
		t0=$(date +%s)
		# shellcheck disable=SC2046 # seed paths have no spaces
		if (cd "$top" && . tests/fuzz/seeds.sh &&
		    FOLIO_DATADIR="$top" "$r" "tests/fuzz/corpus/$target" \
			"tests/fuzz/crashes/$target" $(fuzz_seeds "$target")) \
			>"$log/out" 2>&1; then
			pass=$((pass + 1))
			echo "ok - $name: $(tail -1 "$log/out")"
		else
			fail=$((fail + 1)); echo "not ok - $name"
			failed_names="$failed_names $name"
			tail -40 "$log/out" | sed 's/^/    /'
		fi
		lap "$name" "$t0"
	done
done
touch "$log/skips" "$log/times"
echo "# slowest (seconds, wall clock; $(($(date +%s) - start)) s in all):"
sort -rn "$log/times" | head -12 | sed 's/^/#   /'

skips=$(wc -l <"$log/skips")
if [ "$skips" -gt 0 ]; then
	cat "$log/skips"
	echo "$skips skipped (listed above; not failures)"
fi
[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
