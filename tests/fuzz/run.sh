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
# merge: rebuilds tests/fuzz/corpus/TARGET from what it held and what
# runs found: the smallest inputs that reach edges the seeds do not,
# within a budget per target (tests/fuzz/trim.py).
set -u
mode=$1 secs=$2
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
. tests/fuzz/seeds.sh
bin=build/fuzz/fuzz
status=0

# KB of committed corpus per target (make fuzz-merge): a few hundred KB
# in all; ZIP images are larger than the other inputs.
budget() {
	case $1 in
	verify) echo 120 ;;
	source) echo 80 ;;
	*) echo 40 ;;
	esac
}

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
		# Seeds first (they are replayed anyway), then the corpus kept
		# so far and what runs found: trim.py keeps, smallest first,
		# what reaches new edges, within the budget.
		out=build/fuzz/merge/$t
		rm -rf "$out" "$out.keep"
		mkdir -p "$out" "$out.keep"
		cp "$seeds"/* "$out"/ 2>/dev/null
		"$bin/fuzz_$t" -merge=1 -use_counters=0 \
			-merge_control_file="$out.control" "$out" \
			"tests/fuzz/corpus/$t" "$work" \
			>"build/fuzz/$t.merge.log" 2>&1 || status=1
		python3 tests/fuzz/trim.py "$out.control" \
			"$(($(budget "$t") * 1024))" |
			while read -r f; do cp "$f" "$out.keep/"; done
		rm -f "tests/fuzz/corpus/$t"/*
		cp "$out.keep"/* "tests/fuzz/corpus/$t"/ 2>/dev/null
		echo "fuzz_$t: tests/fuzz/corpus/$t keeps $(ls "tests/fuzz/corpus/$t" | wc -l) inputs, $(cat "tests/fuzz/corpus/$t"/* 2>/dev/null | wc -c) bytes"
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
