#!/bin/sh
# deps.sh - installs what bostadforst needs from Debian when it is missing.
# Usage: tools/deps.sh build|test|bench|cluster
#   build: compiler, pkg-config, the five libraries, libpq and PostgreSQL 15
#   test:  build + chromium, sqlite3 CLI, unzip (reads back XLSX), clang and
#          libclang-rt-14-dev (libFuzzer, tests/fuzz/), nginx and openssl
#          (tests/http/deploy.test.mjs runs deploy/nginx in front of the server),
#          node (only when absent) and npm ci
#   bench: test + wrk
#   cluster: build + Patroni, etcd, HAProxy, psycopg2, curl (make cluster-test)
set -eu
what=${1:-build}
missing=""

need_pc() { pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }
# a Debian package by name (one with no command or pkg-config file to ask)
need_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed' || missing="$missing $1"; }
# a program in /usr/sbin, which is not on every user's PATH
need_sbin() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || missing="$missing $2"; }

need_cmd cc gcc
need_cmd make make
need_cmd pkg-config pkg-config
if command -v pkg-config >/dev/null 2>&1; then
	need_pc libmicrohttpd libmicrohttpd-dev
	need_pc sqlite3 libsqlite3-dev
	need_pc jansson libjansson-dev
	need_pc libsodium libsodium-dev
	need_pc xlsxwriter libxlsxwriter-dev
	need_pc libpq libpq-dev
else
	missing="$missing libmicrohttpd-dev libsqlite3-dev libjansson-dev libsodium-dev libxlsxwriter-dev libpq-dev"
fi
# PostgreSQL 15, the second storage engine (--db postgresql://...): the
# server and psql for its tests (tests/lib/pg.mjs starts a throwaway
# cluster); installing it starts no service on these machines
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing="$missing postgresql-15"
need_cmd psql postgresql-client-15
if [ "$what" = test ] || [ "$what" = bench ]; then
	need_cmd chromium chromium
	need_cmd sqlite3 sqlite3
	need_cmd unzip unzip
	# the fuzz targets: clang with libFuzzer and the sanitizer runtimes
	need_cmd clang clang
	dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing libclang-rt-14-dev"
	need_sbin nginx nginx
	need_cmd openssl openssl
	# Debian's npm conflicts with the Node these machines ship: only
	# install Node from Debian when there is none at all.
	command -v node >/dev/null 2>&1 || missing="$missing nodejs npm"
fi
if [ "$what" = bench ]; then
	need_cmd wrk wrk
fi
# make cluster-test: Patroni 3 (with psycopg2), etcd 3.4 and HAProxy;
# installing starts no service here (no systemd), the test starts its own
if [ "$what" = cluster ]; then
	for p in patroni etcd-server etcd-client haproxy python3-psycopg2 curl; do
		need_pkg "$p"
	done
fi

if [ -n "$missing" ]; then
	echo "deps: installing from Debian:$missing"
	if [ "$(id -u)" = 0 ]; then
		SUDO=""
	elif command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "deps: missing$missing; run as root or install sudo, then: apt-get install -y$missing" >&2
		exit 1
	fi
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

if [ "$what" = test ] || [ "$what" = bench ]; then
	if [ -L node_modules ]; then
		# a link to another checkout's packages (a git worktree): npm ci
		# would empty the folder it points at, so only say what is missing
		if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
			echo "deps: node_modules is a link to $(readlink node_modules) without playwright-core/axe-core; run npm ci there" >&2
			exit 1
		fi
	elif [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ] ||
	   [ package-lock.json -nt node_modules/.package-lock.json ]; then
		echo "deps: npm ci"
		npm ci --no-audit --no-fund --loglevel=error
	fi
fi
