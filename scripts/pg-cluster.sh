#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, from Debian's `postgresql` package: initdb as the
# `postgres` user (initdb refuses root), loopback only, a free port, fsync off (nothing here must
# survive a crash). Used by .ci/run; for local runs:
#   eval "$(bash scripts/pg-cluster.sh start)"   # exports MAK_PG_URL and MAK_PG_DIR
#   bash scripts/pg-cluster.sh stop "$MAK_PG_DIR"
set -euo pipefail

pgbin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] || { echo "pg-cluster: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
  echo "$dir"
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}

case "${1:-}" in
  start)
    bin=$(pgbin)
    dir=$(mktemp -d /tmp/mak-pg.XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
    as_postgres "$bin/initdb -D $dir/data -A trust -U postgres --no-sync -E UTF8 >$dir/initdb.log 2>&1" || { cat "$dir/initdb.log" >&2; exit 1; }
    as_postgres "$bin/pg_ctl -D $dir/data -l $dir/log -w -o \"-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start >/dev/null" || { cat "$dir/log" >&2; exit 1; }
    echo "export MAK_PG_URL=postgres://postgres@127.0.0.1:$port/postgres"
    echo "export MAK_PG_DIR=$dir"
    ;;
  stop)
    dir="${2:?usage: pg-cluster.sh stop <dir>}"
    bin=$(pgbin)
    as_postgres "$bin/pg_ctl -D $dir/data -m immediate -w stop >/dev/null 2>&1" || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg-cluster.sh start | stop <dir>" >&2
    exit 2
    ;;
esac
