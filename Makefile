# Lecce Partecipa. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app consult
STAMP := $(VENV)/.installed

.PHONY: run test install assets static translations chromium db demo clean extract-messages docs docs-check docs-serve docs-screenshots

# The dev server and, beside it, the task consumer (e-mail, periodic jobs); both stop together.
run: install static translations db
	$(FLASK) demo load --if-empty
	$(FLASK) worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

# One pytest worker a core (pytest-xdist; `make test PYTEST_WORKERS=0` runs them in one process),
# then the tests that measure a time, alone (marked `alone`; 5: PYTEST_ARGS selected none).
PYTEST_WORKERS ?= auto
test: install static translations chromium docs-check
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not alone" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m alone $(PYTEST_ARGS) || [ $$? -eq 5 ]

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,docs]'
	touch $(STAMP)

assets: node_modules/bootstrap-italia/package.json

node_modules/bootstrap-italia/package.json: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

# The CSS, JavaScript, fonts and icons, built into build/static/ with hashed names and their
# .br/.gz (consult/assets.py; docs/performance.md). Only when a source changed since.
static: install assets
	$(BIN)/python -m consult.assets --if-stale

translations: install
	$(BIN)/pybabel compile --statistics --directory translations

extract-messages: install
	$(BIN)/pybabel extract --mapping babel.cfg --keywords _l --keywords lazy_gettext --keywords "lazy_ngettext:1,2" --keywords "pgettext:1c,2" --keywords "npgettext:1c,2,3" --keywords "lazy_pgettext:1c,2" --omit-header --sort-output --output-file translations/messages.pot .
	$(BIN)/pybabel update --input-file translations/messages.pot --output-dir translations --no-fuzzy-matching --ignore-obsolete

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The documentation (docs/, Sphinx + MyST + Furo) into docs/_build/html.
SPHINX := $(BIN)/sphinx-build
docs: install
	$(SPHINX) -q -b html docs docs/_build/html
	@echo "Open docs/_build/html/index.html, or run 'make docs-serve'."

# What `make test` runs: warnings are errors, and every link inside the docs must resolve.
docs-check: install
	$(SPHINX) -q -W --keep-going -b html docs docs/_build/html
	$(SPHINX) -q -W --keep-going -b linkcheck docs docs/_build/linkcheck

docs-serve: docs
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory docs/_build/html 8000

# The guides' screenshots, taken by the browser tests (docs/_static/screenshots/).
docs-screenshots: install static translations chromium
	CONSULT_DOCS_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser/test_docs_screenshots.py -q

db: install
	$(FLASK) db upgrade

# Benchmarks (README, "Performance"). PostgreSQL on
# 127.0.0.1 (user postgres) holds bench_small and bench_full (BENCH_DB_PREFIX=x: x_small, x_full);
# SQLite files go in bench/data/.
BENCH_SCALES ?= 0.01 1
BENCH_DATABASES ?= sqlite postgresql
BENCH_SECONDS ?= 4
BENCH_ROUNDS ?= 3
BENCH_INTEGRITY_SCALE ?= 1
BENCH_STAMP := $(VENV)/.bench-installed

.PHONY: bench bench-integrity bench-tools

bench-tools: install $(BENCH_STAMP)
	@command -v wrk >/dev/null && command -v valgrind >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk valgrind >/dev/null; }

$(BENCH_STAMP): pyproject.toml
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

bench: bench-tools static
	$(BIN)/python bench/run.py --scales $(BENCH_SCALES) --databases $(BENCH_DATABASES) --seconds $(BENCH_SECONDS) --rounds $(BENCH_ROUNDS)

bench-integrity: bench-tools
	$(BIN)/python bench/integrity.py --scale $(BENCH_INTEGRITY_SCALE) --clients 200 --seconds 60

clean:
	rm -rf $(VENV) node_modules .pytest_cache
