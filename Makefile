# Jiceng: `make run` to try it, `make test` for everything CI checks.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/jiceng/static/vendor
PG_PORT ?= 54329
PG_DIR ?= /tmp/jiceng-pg-$(PG_PORT)
PG_URL := postgres://jiceng@$(subst /,%2F,$(PG_DIR))%2Fsock:$(PG_PORT)/postgres
PG_BIN = $(shell ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
# Run a PostgreSQL tool as the postgres user when we are root (it refuses to run as root).
PG_AS = $(if $(filter 0,$(shell id -u)),runuser -u postgres --,)
PYTEST_ARGS ?=

.PHONY: help install assets messages messages-extract run serve test lint typecheck migrations-check test-sqlite test-postgres test-databases \
        pg-start pg-stop system-deps bench clean

help:
	@echo "make run    install, build assets, migrate, load the demo community and serve on http://127.0.0.1:8000"
	@echo "make test   lint, type check, migrations check, whole suite on SQLite and PostgreSQL, browser tests"
	@echo "make bench  benchmarks on district-scale data (PostgreSQL); see docs/performance.md"

$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $@

install: $(BIN)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end assets are copied into static files: no CDN at run time.
$(VENDOR)/.built: node_modules/.installed
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/tabler $(VENDOR)/tabler-icons $(VENDOR)/htmx $(VENDOR)/alpinejs $(VENDOR)/echarts $(VENDOR)/leaflet
	cp -r node_modules/@tabler/core/dist/css node_modules/@tabler/core/dist/js $(VENDOR)/tabler/
	cp -r node_modules/@tabler/icons-webfont/dist/tabler-icons.min.css node_modules/@tabler/icons-webfont/dist/fonts $(VENDOR)/tabler-icons/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/alpinejs/dist/cdn.min.js $(VENDOR)/alpinejs/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css $(VENDOR)/leaflet/
	cp -r node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	touch $@

assets: $(VENDOR)/.built

# Debian packages the tests and the demo need; installed only when missing (apt-get as root).
system-deps:
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	[ -n "$(PG_BIN)" ] || missing="$$missing postgresql"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	/sbin/ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "run as root or install:$$missing" >&2; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

messages: install
	@command -v msgfmt >/dev/null || $(MAKE) system-deps
	cd src/jiceng && ../../$(BIN)/django-admin compilemessages -v 0

.env: | install
	$(BIN)/python -m jiceng.common.envfile > .env

run: install assets messages .env
	@/sbin/ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || $(MAKE) system-deps
	$(BIN)/jiceng migrate --no-input -v 0
	$(BIN)/jiceng demo --scale community --if-empty
	$(BIN)/jiceng run

lint: install
	$(BIN)/ruff check
	$(BIN)/ruff format --check

typecheck: install
	JICENG_DEBUG=1 $(BIN)/mypy

migrations-check: install
	JICENG_DEBUG=1 JICENG_VAR_DIR=$$(mktemp -d) $(BIN)/jiceng makemigrations --check --dry-run

test-sqlite: install assets messages system-deps
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

pg-start: system-deps
	@$(PG_AS) $(PG_BIN)/pg_ctl -D $(PG_DIR)/data status >/dev/null 2>&1 && exit 0; \
	rm -rf $(PG_DIR) && mkdir -p $(PG_DIR)/sock && chmod 755 $(PG_DIR); \
	if [ "$$(id -u)" = 0 ]; then chown -R postgres $(PG_DIR); fi; \
	$(PG_AS) $(PG_BIN)/initdb -D $(PG_DIR)/data -A trust -U jiceng -E UTF8 --locale=C.UTF-8 >/dev/null && \
	$(PG_AS) $(PG_BIN)/pg_ctl -D $(PG_DIR)/data -l $(PG_DIR)/log -w \
	  -o "-k $(PG_DIR)/sock -p $(PG_PORT) -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
	@echo "PostgreSQL on $(PG_DIR)/sock port $(PG_PORT)"

pg-stop:
	-@$(PG_AS) $(PG_BIN)/pg_ctl -D $(PG_DIR)/data -m fast stop >/dev/null 2>&1
	@rm -rf $(PG_DIR)

test-postgres: install assets messages system-deps
	@$(MAKE) --no-print-directory pg-start
	DATABASE_URL='$(PG_URL)' $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS); status=$$?; \
	$(MAKE) --no-print-directory pg-stop; exit $$status

test: lint typecheck migrations-check test-databases

# The SQLite and PostgreSQL suites run side by side, one core each; each one's output is shown
# when both have ended, and either failing fails the target.
test-databases: install assets messages system-deps
	@$(MAKE) --no-print-directory test-sqlite > $(VENV)/test-sqlite.log 2>&1 & sqlite=$$!; \
	$(MAKE) --no-print-directory test-postgres > $(VENV)/test-postgres.log 2>&1 & postgres=$$!; \
	wait $$sqlite; s=$$?; wait $$postgres; p=$$?; \
	echo "==== SQLite ===="; cat $(VENV)/test-sqlite.log; echo "==== PostgreSQL ===="; cat $(VENV)/test-postgres.log; \
	echo "SQLite suite: exit $$s; PostgreSQL suite: exit $$p"; [ $$s = 0 ] && [ $$p = 0 ]

bench: install assets system-deps
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] || { echo "run as root or install: wrk" >&2; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	@command -v redis-server >/dev/null || { [ "$$(id -u)" = 0 ] || { echo "run as root or install: redis-server" >&2; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev,bench]'
	@$(MAKE) --no-print-directory pg-start PG_PORT=54330
	@# Production runs PostgreSQL + Redis (cache, sessions, job queue): so does the benchmark.
	redis-server --port 63790 --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --pidfile /tmp/jiceng-redis-63790.pid >/dev/null
	DATABASE_URL='postgres://jiceng@$(subst /,%2F,/tmp/jiceng-pg-54330)%2Fsock:54330/postgres' REDIS_URL=redis://127.0.0.1:63790/0 \
	  $(BIN)/python -m bench; \
	status=$$?; redis-cli -p 63790 shutdown nosave >/dev/null 2>&1; $(MAKE) --no-print-directory pg-stop PG_PORT=54330; exit $$status

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var build *.egg-info

# Refresh the English catalog from the code (see docs/i18n.md); then translate the new entries.
messages-extract: install
	tools/extract-messages.sh
