# Consign. `make run` sets everything up and serves the app; `make test` runs every check.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/consign
REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run setup system venv assets migrate demo test test-sqlite test-postgres lint messages clean

run: setup
	$(PY) manage.py seed_demo
	@echo "Serving Consign at http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

setup: system $(VENV)/.installed assets
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py collectstatic --noinput -v 0

system:
	@./scripts/system_packages.sh

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	touch $@

venv: $(VENV)/.installed

assets: node_modules/.package-lock.json
	@./scripts/vendor_assets.sh

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

lint: venv
	$(VENV)/bin/ruff check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

# SQLite always; PostgreSQL whenever reachable (required under CI=true). Browser tests run once, on
# SQLite; worker and race tests need PostgreSQL and run in the PostgreSQL pass.
test: system venv assets
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-sqlite
	@if $(PY) scripts/service_up.py postgres "$(PG_URL)"; then \
		$(MAKE) --no-print-directory test-postgres; \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL is not reachable at $(PG_URL) and CI=true: failing"; exit 1; \
	else echo "PostgreSQL not reachable at $(PG_URL): PostgreSQL pass skipped"; fi

test-sqlite: venv
	DATABASE_URL=sqlite:///.test-db.sqlite3 CONSIGN_TEST_RUN=sqlite \
		$(PY) -m pytest -q --ds=config.settings.test -m "not worker and not postgres" $(PYTEST_ARGS)

test-postgres: venv
	DATABASE_URL=$(PG_URL) CONSIGN_TEST_RUN=postgres CONSIGN_REDIS_URL=$(REDIS_URL) \
		$(PY) -m pytest -q --ds=config.settings.test -m "not browser" $(PYTEST_ARGS)

messages: venv
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=node_modules --ignore=static/vendor --ignore=staticfiles --no-obsolete

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles .test-media
