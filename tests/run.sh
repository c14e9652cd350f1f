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
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
start=$(date +%s)

# Wall-clock seconds per binary or script, so the slow ones show in the
# CI log (CI has 20 minutes for everything); never a pass/fail rule.
lap() {
	echo "$(($(date +%s) - $2)) $1" >>"$log/times"
}

# run_variant BUILD: every test against one build folder. Its lines go
# to $log/VARIANT/lines, its counts to $log/VARIANT/counts, so that
# several variants can run at once.
run_variant() {
	build=$1
	case "$build" in /*) ;; *) build="$top/$build" ;; esac
	variant=$(basename "$build")
	L=$log/$variant
	mkdir -p "$L"
	pass=0 fail=0 failed_names=""
	: >"$L/skips"
	for t in "$build"/tests/test_*; do
		[ -x "$t" ] || continue
		name="$variant/unit/$(basename "$t")"
		t0=$(date +%s)
		if "$t" >"$L/out" 2>&1; then
			pass=$((pass + 1)); echo "ok - $name"
			sed -n "s|^skip - |skip - $name: |p" "$L/out" \
				>>"$L/skips"
		else
			fail=$((fail + 1)); echo "not ok - $name"
			failed_names="$failed_names $name"
			sed 's/^/    /' "$L/out" | tail -40
		fi
		lap "$name" "$t0"
	done
	for s in "$top"/tests/e2e/*.sh; do
		[ -f "$s" ] || continue
		name="$variant/e2e/$(basename "$s" .sh)"
		t0=$(date +%s)
		FOLIO="$build/folio" FOLIO_VARIANT="$variant" TOP="$top" \
			sh "$s" >"$L/out" 2>&1
		rc=$?
		p=$(grep -c '^ok - ' "$L/out")
		f=$(grep -c '^not ok - ' "$L/out")
		sed -n "s|^skip - |skip - $name: |p" "$L/out" >>"$L/skips"
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1; echo "not ok - $name: script exited $rc" >>"$L/out"
		fi
		pass=$((pass + p)); fail=$((fail + f))
		sed "s|^ok - |ok - $name: |; s|^not ok - |not ok - $name: |; \
			s|^skip - |skip - $name: |" "$L/out" |
			grep -E '^((not )?ok|skip) - ' 
		if [ "$f" -ne 0 ]; then
			failed_names="$failed_names $name"
			grep -vE '^(not )?ok - ' "$L/out" | tail -40 | sed 's/^/    /'
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
			>"$L/out" 2>&1; then
			pass=$((pass + 1))
			echo "ok - $name: $(tail -1 "$L/out")"
		else
			fail=$((fail + 1)); echo "not ok - $name"
			failed_names="$failed_names $name"
			tail -40 "$L/out" | sed 's/^/    /'
		fi
		lap "$name" "$t0"
	done
	echo "$pass $fail$failed_names" >"$L/counts"
}

# The variants run side by side when the machine has more than one core
# (TEST_JOBS, default: the number of cores): each pass is mostly one
# process at a time, and CI has 20 minutes for both. Each test keeps its
# own temporary folder, so the passes share nothing but the tree.
jobs=${TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
# The first variant prints as it goes; the others' lines follow it.
if [ "$jobs" -gt 1 ] && [ $# -gt 1 ]; then
	first=$1
	shift
	for build in "$@"; do
		v=$(basename "$build")
		mkdir -p "$log/$v"
		run_variant "$build" >"$log/$v/lines" 2>&1 &
	done
	run_variant "$first"
	wait
	for build in "$@"; do cat "$log/$(basename "$build")/lines"; done
	set -- "$first" "$@"
else
	for build in "$@"; do run_variant "$build"; done
fi
pass=0 fail=0 failed_names=""
for build in "$@"; do
	v=$(basename "$build")
	read -r p f names <"$log/$v/counts" || { p=0; f=1; names=" $v"; }
	pass=$((pass + p)); fail=$((fail + f))
	failed_names="$failed_names${names:+ $names}"
	cat "$log/$v/skips" >>"$log/skips"
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
