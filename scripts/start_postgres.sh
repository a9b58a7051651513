#!/usr/bin/env bash
# Start Debian's PostgreSQL (installed by .ci/run) and create the test database.
# Usage: eval "$(bash scripts/start_postgres.sh)"   -> exports GEN_DASH_TEST_POSTGRES_URL
# Only the export line goes to standard output; everything else goes to standard error.
set -euo pipefail
cd /  # the postgres user may not enter the caller's directory
{
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  if ! pg_lsclusters -h | grep -q "^$version main"; then
    pg_createcluster "$version" main
  fi
  pg_ctlcluster "$version" main start || true  # already running is fine
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
  as_postgres() { su postgres -c "$1"; }
  as_postgres "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='gen'\"" | grep -q 1 \
    || as_postgres "psql -qc \"CREATE ROLE gen LOGIN PASSWORD 'gen'\""
  # Each test worker creates a database of its own (tests/conftest.py).
  as_postgres "psql -qc \"ALTER ROLE gen CREATEDB\""
  as_postgres "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='gen_test'\"" | grep -q 1 \
    || as_postgres "createdb -O gen gen_test"
} >&2
echo "export GEN_DASH_TEST_POSTGRES_URL=postgresql+psycopg://gen:gen@127.0.0.1:5432/gen_test"
