#!/usr/bin/env bash
# Make sure a PostgreSQL answers for the tests (TEST_DATABASE_URL, default
# postgresql://postgres@127.0.0.1:5432/postgres). Starts the local cluster, or installs one with
# apt-get as root on Debian; otherwise stops with a one-line instruction. When TEST_DATABASE_URL is
# not set and a Docker engine answers, nothing is started: the tests run PostgreSQL in a container.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
if [ -z "${TEST_DATABASE_URL:-}" ] && docker_engine_answers; then
  echo "A Docker engine answers and no TEST_DATABASE_URL is set: the tests start PostgreSQL with testcontainers." >&2
  exit 0
fi
url="${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
endpoint "$url" 5432

answers && exit 0
echo "PostgreSQL is not answering at $host:$port; starting one…" >&2
if ! is_local; then
  echo "TEST_DATABASE_URL points at $host, which is not this machine: start PostgreSQL there." >&2; exit 1
fi
if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing postgresql with apt-get…" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "No PostgreSQL found: install postgresql, or set TEST_DATABASE_URL to a running server." >&2; exit 1
  fi
fi
version="$(ls /etc/postgresql | sort -V | tail -n 1)"
hba="/etc/postgresql/$version/main/pg_hba.conf"
# the tests connect as postgres over TCP without a password, as on the development machines
if ! grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
  sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
fi
pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || pg_ctlcluster "$version" main start || true
wait_up || { echo "PostgreSQL did not come up within 60 s; see /var/log/postgresql/ for why." >&2; exit 1; }
