#!/usr/bin/env bash
# Make sure a RabbitMQ answers at AMQP_URI (default amqp://guest:guest@127.0.0.1:5672/).
# Order: already running → rabbitmq-server if installed → docker compose if an engine runs →
# apt-get install as root on Debian → otherwise stop with a one-line instruction.
# Used by both `make` and `.ci/run`, so there is one place for this.
# --for-tests: the broker the tests use (TEST_AMQP_URI, else AMQP_URI); when neither is set and a
# Docker engine answers, nothing is started: the tests run RabbitMQ in a container.
set -euo pipefail
default="amqp://guest:guest@127.0.0.1:5672/"
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
if [ "${1:-}" = "--for-tests" ]; then
  if [ -z "${TEST_AMQP_URI:-}${AMQP_URI:-}" ] && docker_engine_answers; then
    echo "A Docker engine answers and no TEST_AMQP_URI/AMQP_URI is set: the tests start RabbitMQ with testcontainers." >&2
    exit 0
  fi
  uri="${TEST_AMQP_URI:-${AMQP_URI:-$default}}"
else
  uri="${AMQP_URI:-$default}"
fi
endpoint "$uri" 5672

answers && exit 0
echo "RabbitMQ is not answering at $host:$port; starting one…" >&2
if ! is_local; then
  echo "The broker URI points at $host, which is not this machine: start RabbitMQ there or unset AMQP_URI/TEST_AMQP_URI." >&2; exit 1
fi
if ! command -v rabbitmq-server >/dev/null 2>&1; then
  if docker_engine_answers; then
    docker compose up -d rabbitmq && wait_up && exit 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing rabbitmq-server with apt-get…" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
  else
    echo "No RabbitMQ found: install rabbitmq-server (or run Docker), or set AMQP_URI to a running broker." >&2; exit 1
  fi
fi
rabbitmq-server -detached >/dev/null 2>&1 || true
wait_up || { echo "RabbitMQ did not come up within 60 s; see /var/log/rabbitmq/ for why." >&2; exit 1; }
