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
