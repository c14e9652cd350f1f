# Shared helpers for end-to-end scripts; sourced, not run.
# $FOLIO is the binary under test, $TOP the repository, $FOLIO_VARIANT
# "release" or "sanitize" (heavy validators may run on release only).
set -u
CORPUS="$TOP/../shared/corpus"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1587945600}

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1: $2"; }
# check NAME COMMAND...: the command's success is the test.
check() {
	name=$1; shift
	if "$@" >"$T/.check.out" 2>&1; then ok "$name"; else
		not_ok "$name" "$(head -c 600 "$T/.check.out")"; fi
}
