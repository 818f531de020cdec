#!/bin/sh
# run.sh - make bench: see tests/bench/bench.mjs. Generated databases are
# kept in var/bench/ (delete the folder to generate them again).
set -eu
cd "$(dirname "$0")/../.."
[ -d node_modules/playwright-core ] || npm ci --silent
exec node tests/bench/bench.mjs
