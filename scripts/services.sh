#!/usr/bin/env bash
# Finds (or starts) the PostgreSQL and Redis the tests run against, and prints
# `export DATABASE_URL=… REDIS_URL=… CELERY_BROKER_URL=…` for the caller to eval.
# Order: the URLs given in the environment; else the servers on 127.0.0.1's default ports
# (started with the installed service scripts if stopped); else throwaway instances started
# from the installed server binaries. If none can be had, it fails: tests never skip a
# missing service.
set -uo pipefail
PY=${PYTHON:-.venv/bin/python}
log() { echo "services: $*" >&2; }

pg_ok() {  # $1: database URL; connects to the server's maintenance database
  "$PY" - "$1" <<'PY' 2>/dev/null
import sys, psycopg
from urllib.parse import urlsplit
u = urlsplit(sys.argv[1])
psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username or "postgres",
                password=u.password or None, dbname="postgres", connect_timeout=3).close()
PY
}
redis_ok() { "$PY" -c "import redis,sys; redis.Redis.from_url(sys.argv[1], socket_timeout=3).ping()" "$1" 2>/dev/null; }

start_default_postgres() {
  command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ] || return 1
  log "starting the installed PostgreSQL cluster"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >&2 2>&1 || true
  sleep 2
}
start_throwaway_postgres() {
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$bin" ] || return 1
  local dir=/tmp/cgbookstore-pg port=55432
  log "starting a throwaway PostgreSQL on port $port"
  mkdir -p "$dir" && chown postgres "$dir" 2>/dev/null
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth=trust >/dev/null 2>&1 || return 1
  fi
  runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null 2>&1
  DB_URL="postgres://postgres@127.0.0.1:$port/cgbookstore"
}
start_default_redis() {
  command -v redis-server >/dev/null || return 1
  log "starting Redis on port 6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /tmp >/dev/null
  sleep 1
}
start_throwaway_redis() {
  command -v redis-server >/dev/null || return 1
  log "starting a throwaway Redis on port 56379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 56379 --save "" --appendonly no --dir /tmp >/dev/null
  sleep 1
  REDIS_BASE="redis://127.0.0.1:56379"
}

DB_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cgbookstore}
if ! pg_ok "$DB_URL"; then
  [ -n "${DATABASE_URL:-}" ] && { log "DATABASE_URL=$DATABASE_URL is not reachable"; exit 1; }
  start_default_postgres; pg_ok "$DB_URL" || { start_throwaway_postgres && pg_ok "$DB_URL"; } \
    || { log "no PostgreSQL could be reached or started"; exit 1; }
fi

REDIS_BASE=redis://127.0.0.1:6379
if [ -n "${REDIS_URL:-}" ]; then
  redis_ok "$REDIS_URL" || { log "REDIS_URL=$REDIS_URL is not reachable"; exit 1; }
  REDIS_BASE=${REDIS_URL%/*}
elif ! redis_ok "$REDIS_BASE/0"; then
  start_default_redis; redis_ok "$REDIS_BASE/0" || { start_throwaway_redis && redis_ok "$REDIS_BASE/0"; } \
    || { log "no Redis could be reached or started"; exit 1; }
fi

log "PostgreSQL at ${DB_URL%/*}, Redis at $REDIS_BASE"
# Tests use their own Redis databases (15 cache, 14 broker) so a running dev stack is untouched.
echo "export DATABASE_URL=$DB_URL"
echo "export REDIS_URL=${REDIS_URL:-$REDIS_BASE/15}"
echo "export CELERY_BROKER_URL=${CELERY_BROKER_URL:-$REDIS_BASE/14}"
