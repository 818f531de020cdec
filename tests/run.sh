#!/bin/sh
# run.sh - runs every suite (unit under ASan+UBSan, the fuzz targets for
# FUZZ_SECONDS each (10 here), HTTP, PostgreSQL, browser) and sums their closing
# "N passed, N failed" lines into one last line.
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0
broken=""

# run_suite NAME CMD...: runs one suite, adds its counts
run_suite() {
	name=$1
	shift
	t0=$(date +%s)
	out=$("$@" 2>&1)
	rc=$?
	secs=$(($(date +%s) - t0))
	tally
}

# tally: adds the result of the suite in $name, $out, $rc, $secs
tally() {
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -z "$line" ]; then
		printf '%s\n' "$out" | tail -n 30
		echo "$name: no result line (exit $rc)"
		failed=$((failed + 1))
		broken="$broken $name"
		return
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ]; then
		printf '%s\n' "$out" | grep -v -E '^(ok |[0-9]+ passed)' | tail -n 60
		[ "$f" -eq 0 ] && f=1
		broken="$broken $name"
	fi
	printf '%-28s %-24s %4ss\n' "$name" "$line" "$secs"
	passed=$((passed + p))
	failed=$((failed + f))
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

for t in build/asan/test_*; do
	case "$t" in
	*test_tmpl) run_suite "unit/$(basename "$t")" "$t" ../shared/mustache-spec ;;
	*) run_suite "unit/$(basename "$t")" "$t" ;;
	esac
done
# The fuzz targets are CPU-bound and need no server: they run beside the
# HTTP suites at the lowest priority, so the suites keep their core and the
# whole run is shorter by the fuzz time.
fuzz_out=$(mktemp)
fuzz_t0=$(date +%s)
(nice -n 19 env FUZZ_SECONDS="${FUZZ_SECONDS:-10}" sh tests/fuzz/run.sh >"$fuzz_out" 2>&1
echo $? >"$fuzz_out.rc"; echo $(($(date +%s) - fuzz_t0)) >"$fuzz_out.secs") &
fuzz_pid=$!
# pg_pass DIR: the HTTP suites again on PostgreSQL, on one throwaway
# cluster (tests/lib/pg-cluster.mjs; it stops when its stdin closes), a
# fresh database per server; each suite's output, exit code and seconds
# go to DIR, tallied after the SQLite pass. It runs beside that pass: the
# two share the cores while each waits on its servers.
pg_pass() {
	dir=$1
	mkfifo "$dir/cluster.in"
	node tests/lib/pg-cluster.mjs <"$dir/cluster.in" >"$dir/cluster.out" 2>&1 &
	exec 8>"$dir/cluster.in"
	i=0
	while ! grep -q '^BF_TEST_PG=' "$dir/cluster.out" && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	info=$(sed -n 's/^BF_TEST_PG=//p' "$dir/cluster.out")
	if [ -n "$info" ]; then
		for t in tests/http/*.test.mjs; do
			n=$(basename "$t" .test.mjs)
			t0=$(date +%s)
			BF_TEST_PG=$info node "$t" >"$dir/$n.out" 2>&1
			echo $? >"$dir/$n.rc"
			echo $(($(date +%s) - t0)) >"$dir/$n.secs"
		done
	fi
	exec 8>&-
	wait
}
pg_dir=$(mktemp -d)
pg_pass "$pg_dir" &
pg_pid=$!
for t in tests/http/*.test.mjs; do
	run_suite "http/$(basename "$t" .test.mjs)" node "$t"
done
for t in tests/pg/*.test.mjs; do
	run_suite "pg/$(basename "$t" .test.mjs)" node "$t"
done
# the browser suites while the PostgreSQL pass finishes
run_suite "e2e/browser" node tests/e2e/run.mjs
run_suite "e2e/phone" node tests/e2e/phone.test.mjs
run_suite "e2e/lifetime" node tests/e2e/lifetime.test.mjs
run_suite "e2e/decisions" node tests/e2e/decisions.test.mjs
wait "$pg_pid"
if ! grep -q '^BF_TEST_PG=' "$pg_dir/cluster.out"; then
	name=pg/cluster out=$(cat "$pg_dir/cluster.out") rc=1 secs=0
	tally
fi
for t in tests/http/*.test.mjs; do
	n=$(basename "$t" .test.mjs)
	[ -f "$pg_dir/$n.rc" ] || continue
	name="pg/http/$n" out=$(cat "$pg_dir/$n.out") rc=$(cat "$pg_dir/$n.rc") secs=$(cat "$pg_dir/$n.secs")
	tally
done
rm -rf "$pg_dir"
wait "$fuzz_pid"
name=fuzz out=$(cat "$fuzz_out") rc=$(cat "$fuzz_out.rc") secs=$(cat "$fuzz_out.secs")
tally
rm -f "$fuzz_out" "$fuzz_out.rc" "$fuzz_out.secs"

[ -n "$broken" ] && echo "failing suites:$broken"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
