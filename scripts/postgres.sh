# A throwaway PostgreSQL server for the test suite, on loopback only, in a temporary folder.
# Sourced by scripts/test.sh; sets CAREASSURE_TEST_DATABASE_URL for the tests.

postgres_start() {
  local bindir
  bindir=$(dirname "$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -n 1)")
  if [ ! -x "$bindir/initdb" ]; then
    echo "PostgreSQL is not installed: PostgreSQL tests will be skipped (run as root to install)."
    return 0
  fi
  PG_DIR=$(mktemp -d /tmp/careassure-pg.XXXXXX)
  PG_PORT=${CAREASSURE_TEST_PG_PORT:-55432}
  local as=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$PG_DIR"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bindir/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-sync >/dev/null
  "${as[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w start \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" >/dev/null
  "${as[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres careassure_test
  PG_BINDIR=$bindir
  export CAREASSURE_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/careassure_test"
  echo "PostgreSQL test server on 127.0.0.1:$PG_PORT"
}

postgres_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  local as=()
  [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
  "${as[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
