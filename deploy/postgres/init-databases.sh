#!/usr/bin/env bash
# Create one database per service, owned by $POSTGRES_USER, from POSTGRES_MULTIPLE_DATABASES (a comma list,
# e.g. "accounts,catalog"). The postgres image runs it from /docker-entrypoint-initdb.d/ when its data volume
# is first initialised. It is idempotent: after adding a service to an existing volume, run it again with
#   docker compose exec postgres /docker-entrypoint-initdb.d/10-init-databases.sh
# The image may also source it instead of running it, so it only defines and calls a function and leaves the
# shell's options alone.

beatpass_create_databases() {
  local owner="${POSTGRES_USER:-postgres}"
  local list="${POSTGRES_MULTIPLE_DATABASES:-}"
  local db
  local -a names
  if [ -z "${list//[[:space:],]/}" ]; then
    echo "init-databases: POSTGRES_MULTIPLE_DATABASES is empty; no service database to create"
    return 0
  fi
  IFS=',' read -r -a names <<< "$list"
  for db in "${names[@]}"; do
    db="${db//[[:space:]]/}"
    [ -n "$db" ] || continue
    if [[ ! "$db" =~ ^[a-z_][a-z0-9_]*$ ]]; then
      echo "init-databases: '$db' is not a valid database name (lower-case letters, digits, _)" >&2
      return 1
    fi
    echo "init-databases: database $db (owner $owner)"
    # psql variables (:'db', :"owner") quote the names; \gexec runs the CREATE only when it is missing
    psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$owner" --dbname "${POSTGRES_DB:-$owner}" \
         -v db="$db" -v owner="$owner" <<'SQL' || return 1
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')\gexec
SQL
  done
}

beatpass_create_databases
