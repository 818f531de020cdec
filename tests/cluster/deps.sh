#!/bin/sh
# deps.sh - installs what `make cluster-test` needs from Debian when it is
# missing: PostgreSQL 15, Patroni 3 (with psycopg2), etcd 3.4 and HAProxy.
# Installing starts no service on these machines (no systemd); the test
# starts and stops its own processes.
set -eu
missing=""
for p in postgresql-15 patroni etcd-server etcd-client haproxy python3-psycopg2 curl; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "cluster-deps: installing from Debian:$missing"
if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "cluster-deps: run as root or install sudo, then: apt-get install -y$missing" >&2
	exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
