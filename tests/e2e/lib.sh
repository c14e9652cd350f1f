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
# skip NAME WHAT: a test that cannot run here (the shared corpus beside
# the tree, a terminal) says so; the runner counts and lists it.
skip() { echo "skip - $1: $2"; }
# have_seed: is the real seed page (../shared/corpus) beside the tree?
have_seed() { [ -r "$CORPUS/seed-policy-interpretation.txt" ]; }
# check NAME COMMAND...: the command's success is the test.
check() {
	name=$1; shift
	if "$@" >"$T/.check.out" 2>&1; then ok "$name"; else
		not_ok "$name" "$(head -c 600 "$T/.check.out")"; fi
}

# epubcheck_all FILE...: run epubcheck on every EPUB in one JVM (a start
# costs seconds here) when javac is at hand, else one run each, and print
# one ok/not ok line per book: 0 fatals, 0 errors and 0 warnings pass.
epubcheck_all() {
	jar=/usr/share/java/epubcheck.jar
	cat >"$T/Multi.java" <<'JAVA'
import com.adobe.epubcheck.tool.EpubChecker;
public class Multi {
	public static void main(String[] args) {
		for (String f : args) {
			System.out.println("== " + f);
			int rc = new EpubChecker().run(new String[] {f});
			System.out.println("== rc " + rc);
		}
	}
}
JAVA
	if javac -cp "$jar" -d "$T" "$T/Multi.java" >/dev/null 2>&1; then
		java -cp "$jar:$T" Multi "$@" >"$T/epubcheck.out" 2>&1
	else
		for f in "$@"; do
			echo "== $f"; java -jar "$jar" "$f"; echo "== rc $?"
		done >"$T/epubcheck.out" 2>&1
	fi
	for f in "$@"; do
		res=$(awk -v f="$f" '
			$0 == "== " f { on = 1; next }
			on && /^Messages:/ { msg = $0 }
			on && /^== rc / { print $3 "|" msg; exit }' \
			"$T/epubcheck.out")
		b=$(basename "$f" .epub)
		case "$res" in
		"0|Messages: 0 fatals / 0 errors / 0 warnings"*)
			ok "epubcheck $b: 0 fatals / 0 errors / 0 warnings" ;;
		*)
			not_ok "epubcheck $b" "$res $(grep -E \
				"(ERROR|WARNING|FATAL).*$b.epub" \
				"$T/epubcheck.out" | head -5)" ;;
		esac
	done
}

# same_listing NAME ZIP: the names and sizes `folio verify --list`
# reports are exactly those unzip, Python's zipfile (both from the
# central directory) and bsdtar reading the archive as a stream (local
# headers from byte 0, as a pipe) list.
same_listing() {
	sl_name=$1 sl_zip=$2
	"$FOLIO" verify --list "$sl_zip" 2>/dev/null | grep -v ': valid: ' |
		sort >"$T/.sl.folio"
	unzip -l "$sl_zip" | awk '/^-----/ { n++; next }
		n == 1 { len = $1; $1 = $2 = $3 = ""; sub(/^ +/, "");
			print len " " $0 }' | sort >"$T/.sl.unzip"
	python3 -c 'import sys, zipfile
for i in zipfile.ZipFile(sys.argv[1]).infolist():
    print(i.file_size, i.filename)' "$sl_zip" | sort >"$T/.sl.python"
	cat "$sl_zip" | bsdtar -tvf - | awk '{ len = $5;
		for (i = 1; i <= 8; i++) $i = ""; sub(/^ +/, "");
		print len " " $0 }' | sort >"$T/.sl.bsdtar"
	if [ ! -s "$T/.sl.folio" ]; then
		not_ok "same listing: $sl_name" "folio verify --list failed"
	elif cmp -s "$T/.sl.folio" "$T/.sl.unzip" &&
	    cmp -s "$T/.sl.folio" "$T/.sl.python" &&
	    cmp -s "$T/.sl.folio" "$T/.sl.bsdtar"; then
		ok "same listing: $sl_name ($(wc -l <"$T/.sl.folio") entries: folio verify = unzip = zipfile = bsdtar stream)"
	else
		not_ok "same listing: $sl_name" "$(diff "$T/.sl.folio" \
			"$T/.sl.unzip" | head -3) $(diff "$T/.sl.folio" \
			"$T/.sl.python" | head -3) $(diff "$T/.sl.folio" \
			"$T/.sl.bsdtar" | head -3)"
	fi
}
