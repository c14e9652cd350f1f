#!/bin/sh
# tests/fuzz/run.sh run SECONDS TARGET...   fuzz each target in turn
# tests/fuzz/run.sh merge 0 TARGET...       keep what adds coverage
#
# run: each target runs for SECONDS under libFuzzer (niced: the machine
# is shared), from its corpus, the tree's seeds and what earlier runs
# found (build/fuzz/corpus/TARGET, where new inputs go). A crash, leak,
# timeout (25 s) or out-of-memory (2 GiB) is written to
# build/fuzz/crashes/TARGET/ and fails the run. One line per target:
# runs, speed, coverage, corpus size, findings.
# merge: minimises build/fuzz/corpus/TARGET into tests/fuzz/corpus/TARGET,
# adding only inputs that cover what the seeds and the corpus do not.
set -u
mode=$1 secs=$2
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
. tests/fuzz/seeds.sh
bin=build/fuzz/fuzz
status=0

seed_dir() {
	d=build/fuzz/seeds/$1
	rm -rf "$d"
	mkdir -p "$d"
	for s in $(fuzz_seeds "$1"); do
		if [ -d "$s" ]; then cp "$s"/* "$d"/; else cp "$s" "$d"/; fi
	done
	echo "$d"
}

for t in "$@"; do
	work=build/fuzz/corpus/$t crashes=build/fuzz/crashes/$t
	mkdir -p "$work" "$crashes" "tests/fuzz/corpus/$t"
	seeds=$(seed_dir "$t")
	if [ "$mode" = merge ]; then
		out=build/fuzz/merge/$t
		rm -rf "$out"
		mkdir -p "$out"
		cp "$seeds"/* "tests/fuzz/corpus/$t"/* "$out"/ 2>/dev/null
		ls "$out" | sort >build/fuzz/merge/$t.before
		"$bin/fuzz_$t" -merge=1 "$out" "$work" \
			>"build/fuzz/$t.merge.log" 2>&1 || status=1
		ls "$out" | sort | comm -13 build/fuzz/merge/$t.before - |
			while read -r f; do cp "$out/$f" "tests/fuzz/corpus/$t/"; done
		echo "fuzz_$t: tests/fuzz/corpus/$t holds $(ls "tests/fuzz/corpus/$t" | wc -l) inputs ($(du -sk "tests/fuzz/corpus/$t" | cut -f1) KB)"
		continue
	fi
	log=build/fuzz/$t.log
	before=$(ls "$crashes" | wc -l)
	t0=$(date +%s)
	nice "$bin/fuzz_$t" -max_total_time="$secs" -timeout=25 \
		-rss_limit_mb=2048 -artifact_prefix="$crashes/" \
		-print_final_stats=1 "$work" "tests/fuzz/corpus/$t" "$seeds" \
		>"$log" 2>&1
	rc=$?
	t1=$(date +%s)
	found=$(($(ls "$crashes" | wc -l) - before))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1)
	echo "fuzz_$t: $((t1 - t0)) s, ${runs:-?} runs (${speed:-?}/s), $cov, $ft, corpus $(ls "$work" | wc -l) new inputs, $found findings, exit $rc"
	if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
		status=1
		grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5
	fi
done
exit $status
