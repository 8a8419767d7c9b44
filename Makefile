# Quick start: `make site` builds the demo archive, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
N ?= 10000

.PHONY: site import build test lint serve bench clean system-deps demo

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

## Import seeds/ into content/ and build the archive into build/.
site: $(STAMP)
	$(VENV)/bin/archivesite import
	$(VENV)/bin/archivesite build

import: $(STAMP)
	$(VENV)/bin/archivesite import

## Preview at http://127.0.0.1:8000/: rebuilds and reloads the browser on every save.
serve: $(STAMP)
	$(VENV)/bin/archivesite serve

## A demo archive of DEMO_N generated stories (default 2,000) in demo-site/, built and
## previewed at http://127.0.0.1:8000/ (Ctrl-C stops; made once, `make clean` removes it).
DEMO_N ?= 2000
DEMO_DIR ?= demo-site
demo: $(STAMP)
	test -d $(DEMO_DIR) || $(VENV)/bin/archivesite demo $(DEMO_DIR) --articles $(DEMO_N)
	$(VENV)/bin/archivesite serve --site $(DEMO_DIR)

## Debian packages the end-to-end tests use (a JRE for the HTML validator, Chromium).
system-deps:
	bash scripts/system-deps.sh

## The whole suite: lint, types, tests.
test: $(STAMP) system-deps
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy
	$(PY) -m pytest -n 2 --dist loadfile -q

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

## Build N generated articles (default 10,000) with archivesite, the bare loop, Pelican and
## Hugo side by side, then search at N (bench/search_bench.py: build, serve, browser);
## medians and ratios (BENCHMARKS.md). E.g. N=100000 BENCH_ARGS="--runs 1 --record".
bench: $(STAMP)
	$(PY) bench/run.py --articles $(N) $(BENCH_ARGS)

## README screenshots (docs/screenshot-*.png) of the generated demo, taken with headless Chromium.
.PHONY: screenshots
screenshots: $(STAMP) system-deps
	$(PY) scripts/screenshots.py

clean:
	rm -rf build .archivesite demo-site
