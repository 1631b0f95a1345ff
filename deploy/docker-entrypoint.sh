#!/usr/bin/env bash
# Entry point of the BeatPass image (deploy/Dockerfile): one image runs every service and the gateway.
#
#   service <name>     migrate <name>'s database (idempotent, one replica at a time), then run the service
#                      (BEATPASS_SKIP_MIGRATE=1 skips the migration, e.g. when a Kubernetes initContainer did it)
#   gateway [args…]    the gateway under gunicorn (deploy/gunicorn.conf.py; extra gunicorn arguments allowed)
#   migrate [name…]    only migrate (every service when no name is given), then exit
#   anything else      exec'd as is: `docker compose run --rm accounts bash`, `… python -m services.accounts.cli`
set -euo pipefail

# run from the application root (the image's WORKDIR; the checkout when run by hand)
cd "$(dirname "$0")/.."

usage() {
  echo "usage: docker-entrypoint.sh service <name> | gateway [gunicorn args…] | migrate [name…] | <command> [args…]" >&2
  exit 2
}

case "${1:-}" in
  service)
    [ "$#" -eq 2 ] && [ -n "$2" ] || usage
    name="$2"
    if [ "${BEATPASS_SKIP_MIGRATE:-0}" != "1" ]; then
      python -m deploy.migrate "$name"
    fi
    exec python -m services.common.runner "$name"
    ;;
  gateway)
    shift
    exec gunicorn -c deploy/gunicorn.conf.py "$@" gateway.wsgi:app
    ;;
  migrate)
    shift
    exec python -m deploy.migrate "$@"
    ;;
  "" | -h | --help)
    usage
    ;;
  *)
    exec "$@"
    ;;
esac
