#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, from Debian's `postgresql` package (installed if missing).
#   tests/pg-cluster.sh start DIR   creates a cluster in the new folder DIR, starts it listening on a
#                                   Unix socket in DIR only (no TCP port, so nothing to collide with),
#                                   and prints its connection string (superuser "rc", trust auth)
#   tests/pg-cluster.sh stop DIR    stops it and removes DIR
# Tuned for tests, not for data: fsync off, so a crash of the machine loses the cluster (it is thrown away anyway).
set -euo pipefail

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

bindir() {
  local dir
  dir=$(pg_config --bindir 2>/dev/null || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  # pg_config may be missing (libpq-dev not installed) while the server is there.
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  done
}

# As root, the server runs as the package's "postgres" user (it refuses to run as root).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    dir=${2:?usage: tests/pg-cluster.sh start DIR}
    bin=$(bindir)
    if [ -z "$bin" ]; then
      echo "== Installing PostgreSQL (Debian package) for the PostgreSQL test run" >&2
      $sudo apt-get update >&2
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
      bin=$(bindir)
    fi
    [ -n "$bin" ] || { echo "PostgreSQL's initdb not found after installing postgresql" >&2; exit 1; }
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U rc -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # listen_addresses='' : the socket in $dir only. Enough connections for parallel test classes,
    # each host with its EF pool and Hangfire's workers.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-k $dir -c listen_addresses='' -c max_connections=400 -c shared_buffers=256MB -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >&2 || { cat "$dir/server.log" >&2; exit 1; }
    echo "Host=$dir;Port=5432;Username=rc;Database=postgres"
    ;;
  stop)
    dir=${2:?usage: tests/pg-cluster.sh stop DIR}
    bin=$(bindir)
    if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: tests/pg-cluster.sh start|stop DIR" >&2
    exit 2
    ;;
esac
