#!/bin/sh
# run.sh - runs every libFuzzer target in build/fuzz/ for FUZZ_SECONDS
# (default 10) each, one after the other, and prints "ok NAME ..." or
# "FAIL NAME ..." per target and the closing "N passed, N failed".
# Each target starts from its seeds (tests/fuzz/corpus/NAME/) plus what
# earlier runs found (build/fuzz/corpus/NAME/, never committed); a crash,
# a broken invariant, a leak or an input slower than 5 s fails the target
# and leaves the reproducer as build/fuzz/NAME-crash-* (or -leak-,
# -timeout-, -oom-). Replay one: build/fuzz/fuzz_NAME build/fuzz/NAME-crash-...
set -u
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-10}
# temporary files (fuzz_import's database) stay under build/: a crash
# exits without cleaning up
rm -rf build/fuzz/tmp
mkdir -p build/fuzz/tmp
TMPDIR=$(pwd)/build/fuzz/tmp
export TMPDIR
passed=0
failed=0
for bin in build/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=${bin#build/fuzz/fuzz_}
	mkdir -p "build/fuzz/corpus/$name"
	dict=""
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	log="build/fuzz/$name.log"
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="build/fuzz/$name-" $dict "build/fuzz/corpus/$name" "tests/fuzz/corpus/$name" \
	    >"$log" 2>&1
	rc=$?
	runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		echo "ok   $name: ${runs:-?} inputs in ${seconds} s, ${cov:-cov: ?}"
		passed=$((passed + 1))
	else
		art=$(grep -o 'Test unit written to [^ ]*' "$log" | tail -n 1 | sed 's/Test unit written to //')
		echo "FAIL $name (exit $rc) after ${runs:-?} inputs; reproducer: ${art:-none}; log: $log"
		grep -E 'ERROR|invariant broken|runtime error|SUMMARY|^ *#[0-9]+ 0x' "$log" | head -n 25
		failed=$((failed + 1))
	fi
done
[ $((passed + failed)) -eq 0 ] && echo "no fuzz targets in build/fuzz/ (make them first)" && failed=1
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
