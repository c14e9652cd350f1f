#!/bin/sh
# Runs every unit test binary and every end-to-end script against each
# build folder given (release, then sanitize), and ends with one line
# "N passed, N failed". Exit status 0 only when nothing failed.
#
# End-to-end scripts (tests/e2e/*.sh) print one TAP-like line per case:
# "ok - name" or "not ok - name: why"; this runner counts them.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
pass=0
fail=0
failed_names=""
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

for build in "$@"; do
	case "$build" in /*) ;; *) build="$top/$build" ;; esac
	variant=$(basename "$build")
	for t in "$build"/tests/test_*; do
		[ -x "$t" ] || continue
		name="$variant/unit/$(basename "$t")"
		if "$t" >"$log/out" 2>&1; then
			pass=$((pass + 1)); echo "ok - $name"
		else
			fail=$((fail + 1)); echo "not ok - $name"
			failed_names="$failed_names $name"
			sed 's/^/    /' "$log/out" | tail -40
		fi
	done
	for s in "$top"/tests/e2e/*.sh; do
		[ -f "$s" ] || continue
		name="$variant/e2e/$(basename "$s" .sh)"
		FOLIO="$build/folio" FOLIO_VARIANT="$variant" TOP="$top" \
			sh "$s" >"$log/out" 2>&1
		rc=$?
		p=$(grep -c '^ok - ' "$log/out")
		f=$(grep -c '^not ok - ' "$log/out")
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1; echo "not ok - $name: script exited $rc" >>"$log/out"
		fi
		pass=$((pass + p)); fail=$((fail + f))
		sed "s|^ok - |ok - $name: |; s|^not ok - |not ok - $name: |" \
			"$log/out" | grep -E '^(not )?ok - ' 
		if [ "$f" -ne 0 ]; then
			failed_names="$failed_names $name"
			grep -vE '^(not )?ok - ' "$log/out" | tail -40 | sed 's/^/    /'
		fi
	done
done
[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
