# BeatPass — every setting comes from the environment (README: Configuration); nothing here
# assigns one, so `FOO=bar make run` always wins.
PY := .venv/bin/python
.DEFAULT_GOAL := help
.PHONY: help venv venv-dev broker postgres test-servers tools web browser migrate run test test-unit demo screenshots bench dead-letters create-admin

help:
	@echo "make run           set up, migrate and run every service + the gateway on http://127.0.0.1:8000"
	@echo "make test          the whole suite on real PostgreSQL and RabbitMQ"
	@echo "make demo          fill a running platform with sample data"
	@echo "make screenshots   pictures of the app on a demo platform into docs/screenshots/"
	@echo "make bench         benchmarks with same-run baselines"
	@echo "make dead-letters  list parked events (ARGS='replay --event NAME' to replay)"
	@echo "make create-admin  create or promote an admin (ARGS='--email E --password P')"

# what the platform runs (requirements.txt); the tests and benchmarks add requirements-dev.txt
venv:
	@scripts/ensure-venv.sh

venv-dev:
	@scripts/ensure-venv.sh --dev

broker:
	@scripts/ensure-broker.sh

postgres:
	@scripts/ensure-postgres.sh

# the tests' servers: the URLs given, else nothing when a Docker engine answers (testcontainers), else local ones
test-servers:
	@scripts/ensure-broker.sh --for-tests
	@scripts/ensure-postgres.sh

tools:
	@scripts/ensure-tools.sh

# the browser app, built into web/dist when its sources changed (Node.js and npm installed where missing)
web:
	@scripts/ensure-web.sh

# Debian's Chromium, which the browser tests drive headless
browser:
	@scripts/ensure-browser.sh

migrate: venv
	@$(PY) -m services.common.migrate

run: venv broker tools web migrate
	@$(PY) -m devtools.platform

test: venv-dev test-servers tools web browser
	@scripts/run-tests.sh

test-unit: venv-dev
	@$(PY) -m pytest -m "not integration and not e2e" $(PYTEST_ARGS)

demo: venv
	@$(PY) -m devtools.demo $(ARGS)

screenshots: venv-dev browser
	@$(PY) -m devtools.screenshots $(ARGS)

bench: venv-dev test-servers tools
	@$(PY) -m bench $(ARGS)

dead-letters: venv broker
	@$(PY) -m services.common.messaging.deadletters $(ARGS)

create-admin: venv migrate
	@$(PY) -m services.accounts.cli create-admin $(ARGS)
