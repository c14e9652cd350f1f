#!/bin/sh
# make fresh-check: the README's two commands on a really fresh machine.
#
#  1. mmdebstrap --variant=minbase --include=make,git,ca-certificates
#     bookworm ROOT: a minimal Debian 12, nothing of this machine in it;
#  2. the committed tree (git archive HEAD: no ../shared, no build/, no
#     out/, no uncommitted file) copied to ROOT/root/folio;
#  3. chroot ROOT: `make demo`, then `make test` (FRESH_TEST, below).
#
# make test runs the release pass only here (TEST_VARIANTS=release):
# the sanitizer pass builds the same code with other flags and calls no
# program, package or file the release pass does not, so it cannot find
# a missing install step, and would double the time. Everything
# else runs as a user would run it: every unit test, every end-to-end
# script, every fuzz replay, with the package installs of `make deps`.
#
# Prints the time of each step. Needs root (mmdebstrap, mount, chroot)
# and the network. FRESH_KEEP=1 keeps the root in build/fresh/root.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
FRESH_TEST=${FRESH_TEST:-make test TEST_VARIANTS=release}
root=$top/build/fresh/root
log=$top/build/fresh/log

if [ "$(id -u)" != 0 ]; then
	echo "fresh-check: run as root (mmdebstrap, mount, chroot)" >&2
	exit 2
fi
if ! command -v mmdebstrap >/dev/null 2>&1; then
	echo "fresh-check: installing mmdebstrap"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends mmdebstrap \
		>/dev/null
fi

now() { date +%s; }
step() { echo "fresh-check: $1 ($(($(now) - $2)) s)"; }

cleanup() {
	for m in dev/pts dev sys proc; do
		mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"
	done
	if [ "${FRESH_KEEP:-0}" != 1 ] && [ -d "$root" ]; then
		rm -rf --one-file-system "$root"
	fi
}
trap cleanup EXIT INT TERM

cleanup
mkdir -p "$(dirname "$root")"
: >"$log"
t0=$(now)
mmdebstrap --quiet --variant=minbase --include=make,git,ca-certificates \
	bookworm "$root" >>"$log" 2>&1
step "minimal Debian 12 root made with mmdebstrap" "$t0"

t=$(now)
mkdir -p "$root/root/folio"
git archive HEAD | tar -x -C "$root/root/folio"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# The network as this machine sees it: certificate authorities added
# locally (a proxy that inspects TLS signs with one of them) go into the
# root's store too, and Node.js (npm ci of the test tools), which reads
# only its own list unless told, is pointed at that store as here.
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
	mkdir -p "$root/usr/local/share/ca-certificates"
	cp /usr/local/share/ca-certificates/*.crt \
		"$root/usr/local/share/ca-certificates/"
	chroot "$root" update-ca-certificates >>"$log" 2>&1
fi
# /proc and /sys for the JVM and apt; /dev without /dev/pts, as on a
# machine with no terminal (the progress-bar test then says it skips).
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --bind /dev "$root/dev"
step "committed tree copied in (git archive HEAD), no ../shared" "$t"
[ -n "${NODE_EXTRA_CA_CERTS:-}" ] &&
	export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt

t=$(now)
if chroot "$root" /bin/sh -c 'cd /root/folio && make demo' \
	>>"$log" 2>&1; then
	step "make demo passed (package installs included)" "$t"
else
	step "make demo FAILED" "$t"
	tail -30 "$log"
	exit 1
fi

t=$(now)
chroot "$root" /bin/sh -c "cd /root/folio && $FRESH_TEST" >>"$log" 2>&1 ||
	true
result=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
skipped=$(grep -E '^[0-9]+ skipped' "$log" | tail -1)
step "$FRESH_TEST: ${result:-no result}${skipped:+; $skipped}" "$t"
grep -E '^(not ok|skip) - ' "$log" | sort -u | head -40
step "total" "$t0"
case $result in
*" 0 failed") exit 0 ;;
*) tail -30 "$log"; exit 1 ;;
esac
