#!/bin/sh
# run.sh - make bench: see tests/bench/bench.mjs. Generated databases are
# kept in var/bench/ (delete the folder to generate them again).
set -eu
cd "$(dirname "$0")/../.."
[ -d node_modules/playwright-core ] || npm ci --silent
node tests/bench/bench.mjs
# the soak: SOAK_SECONDS (default 600) of reads and writes, RSS sampled
exec node tests/bench/soak.mjs
