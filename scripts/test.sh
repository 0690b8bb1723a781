#!/usr/bin/env bash
# Install everything the tests need on a fresh machine, then run the whole suite twice:
# on SQLite, and on PostgreSQL. Usage: bash scripts/test.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

# Exact versions from constraints.txt (regenerate it with scripts/constraints.py).
python3 -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'

# Browser tests drive Debian's Chromium (Playwright cannot download browsers here).
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core
fi

# PostgreSQL: use the local server, starting or installing it if needed.
pg_ready() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
if ! command -v pg_isready >/dev/null || ! pg_ready; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
    sed -i 's/^\(local\|host\)\(.*\)\(peer\|scram-sha-256\|md5\)$/\1\2trust/' /etc/postgresql/*/main/pg_hba.conf
  fi
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
  for _ in $(seq 30); do pg_ready && break; sleep 1; done
fi
createdb -h 127.0.0.1 -U postgres stepladder_test 2>/dev/null || true

# Redis backs the rate-limit tests shared across processes: install or start it if needed.
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  if ! command -v redis-server >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server
  fi
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 10); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done
fi

echo "== Lint =="
python3 -m ruff check .
lint-imports  # the import direction: [tool.importlinter] in pyproject.toml

echo "== Dependencies =="
python3 scripts/audit_dependencies.py

echo "== SQLite =="
python3 -m pytest "$@"
echo "== PostgreSQL =="
STEPLADDER_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/stepladder_test python3 -m pytest "$@"
