# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
SYSSTAMP := .venv/.system-stamp
ASSETS := resources/web/vendor/.stamp
export PIP_DISABLE_PIP_VERSION_CHECK=1

.PHONY: run test bench server lint typecheck assets translations clean system dist dist-diff dist-lock

$(SYSSTAMP): scripts/setup-system.sh
	bash scripts/setup-system.sh
	mkdir -p $(VENV) && touch $@

system: $(SYSSTAMP)

$(STAMP): pyproject.toml $(SYSSTAMP)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e '.[dev]'
	$(PY) -m pip install -q --no-deps 'rio-mbtiles>=1.6,<1.7'  # see pyproject.toml, dev
	touch $@

$(ASSETS): resources/web/package.json resources/web/package-lock.json scripts/fetch-web-assets.py $(SYSSTAMP)
	$(PYTHON) scripts/fetch-web-assets.py

assets: $(ASSETS)

translations: $(STAMP)
	$(PY) scripts/build-translations.py

run: $(STAMP) $(ASSETS) translations
	$(PY) main.py $(ARGS)

test: $(STAMP) $(ASSETS) translations
	$(PY) -m ruff check .
	$(PY) -m mypy fieldclient sync
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP) $(ASSETS) translations
	QT_QPA_PLATFORM=offscreen $(PY) tests/benchmarks/run.py $(BENCH_ARGS)

server: $(STAMP)
	$(VENV)/bin/fieldsync serve --port 8765

lint: $(STAMP)
	$(PY) -m ruff check .

typecheck: $(STAMP)
	$(PY) -m mypy fieldclient sync

# The release bundle (PyInstaller), .tar.gz, .deb and signed release folder in dist/
# (docs/packaging.md). DIST_ARGS="--trust DIR --key K1 --key K2" signs with real keys.
dist: $(STAMP) $(ASSETS) translations
	$(PY) packaging/dist.py all $(DIST_ARGS)

# Build the bundle twice from this tree and count the files that differ, and why.
dist-diff: $(STAMP) $(ASSETS) translations
	$(PY) packaging/dist.py diff

# Regenerate packaging/requirements-build.lock (pinned, hashed) from pyproject.toml.
dist-lock: $(STAMP)
	$(PY) packaging/dist.py lock

clean:
	rm -rf $(VENV) resources/web/vendor build dist *.egg-info
