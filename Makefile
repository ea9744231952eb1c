# Private-domain research kit — the pipeline. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?=
ENGINE ?=
OUT ?= reports
ARGS ?=
ZH ?= yes
SHOTS ?= first
MUTATE ?=
PORT ?= 8888
IP ?= 127.0.0.1

.DEFAULT_GOAL := help
.PHONY: help env fonts java chromium report lint test lab sample bench mutate lock clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-8s %s\n", $$1, $$2}'
	@echo "  variables: DATA=folder (your tables or raw exports; default data/sample), PARAMS=file.yaml,"
	@echo "             ENGINE=pandas|duckdb|spark (where the per-user aggregations run),"
	@echo "             OUT=reports, ARGS='--only NAME -p name value ...', ZH=no (make report: no Chinese build),"
	@echo "             SHOTS=full (make report: photograph the whole summaries, not their first screen),"
	@echo "             JOBS=auto|N (make report: reports run at once; auto: the cores on small data, 1 on large),"
	@echo "             MUTATE='stats.py labels.py ...' (make mutate: only these files),"
	@echo "             PORT=8888 IP=127.0.0.1 (make lab: where JupyterLab listens)"

$(STAMP): pyproject.toml requirements/constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	@touch $@

env: $(STAMP) fonts java chromium ## create the virtual environment (.venv) with the pinned versions

# Chinese labels need a CJK font; as root with apt (our machines, CI) install a small one.
fonts:
	@if ! (command -v fc-list >/dev/null && fc-list :lang=zh family | grep -q .); then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing a CJK font (fonts-wqy-microhei) for Chinese labels"; \
	    apt-get install -y -q fonts-wqy-microhei >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q fonts-wqy-microhei >/dev/null 2>&1; } || \
	    echo "warning: could not install fonts-wqy-microhei; Chinese labels will show as boxes"; \
	  else echo "note: no CJK font found; install fonts-wqy-microhei or fonts-noto-cjk for Chinese labels"; fi; \
	fi

# engine="spark" needs a Java runtime; as root with apt (our machines, CI) install Debian's.
java:
	@if ! { [ -n "$$JAVA_HOME" ] || command -v java >/dev/null; }; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing a Java runtime (default-jre-headless) for engine=spark"; \
	    apt-get install -y -q --no-install-recommends default-jre-headless >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends default-jre-headless >/dev/null 2>&1; } || \
	    echo "warning: could not install default-jre-headless; engine=spark will not run"; \
	  else echo "note: no Java runtime found; install one (17+) to use engine=spark"; fi; \
	fi

# The browser check of the report pages needs a Chromium; as root with apt install Debian's
# (Playwright drives it; no browser is downloaded).
chromium:
	@if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null && \
	    [ -z "$$ANALYSIS_CHROMIUM" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Chromium (chromium) for the browser check of the report pages"; \
	    apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1; } || \
	    echo "warning: could not install chromium; the report pages will not be checked in a browser"; \
	  else echo "note: no Chromium found; install chromium (or set ANALYSIS_CHROMIUM) to check the pages in a browser"; fi; \
	fi

# The English and Chinese (-p lang zh) reports are built in one run (--langs en zh) into
# $(OUT) and $(OUT)/zh, several at once (--jobs auto: one per core on small data such as the
# sample, one at a time on large data; JOBS=N sets it). Each report's pages are opened
# offline in headless Chromium as soon as they are written (--check-pages: no console error,
# failed request, broken image or overflow), beside the reports still running, and the
# summaries' first screens are photographed into $(OUT)/screenshots/ and
# $(OUT)/screenshots/zh/ (NAME.summary.zh.png; SHOTS=full: the whole summaries, ~12 s more
# CPU). ZH=no skips the Chinese build, as does a language given in ARGS.
JOBS ?= auto
LANGS = $(if $(or $(filter no,$(ZH)),$(findstring lang,$(ARGS))),,--langs en zh)
REPORT_ARGS = $(if $(DATA),--data $(abspath $(DATA))) $(if $(PARAMS),--params $(abspath $(PARAMS))) $(if $(ENGINE),--engine $(ENGINE)) --jobs $(JOBS) $(ARGS)
report: $(STAMP) fonts java chromium ## run every report notebook on the sample (or DATA=folder) and write reports/*.html, and reports/zh/*.html in Chinese (ZH=no: English only)
	$(BIN)/python -m analysis report --out $(OUT) $(REPORT_ARGS) $(LANGS) --check-pages \
	  $(if $(filter full,$(SHOTS)),--full-screenshots)

lint: $(STAMP) ## ruff lint and format check (one line length, config in pyproject.toml)
	$(BIN)/ruff check src tests notebooks benchmarks
	$(BIN)/ruff format --check src tests notebooks benchmarks

test: $(STAMP) fonts java chromium lint ## lint, then the whole test suite (report notebooks included)
	$(BIN)/python -m pytest -q

# JupyterLab opens at notebooks/ (the project root above it stays reachable); as root (our
# machines and containers) it needs --allow-root; without a display it opens no browser.
lab: $(STAMP) ## start JupyterLab at the report notebooks (PORT=8888 IP=127.0.0.1; as root too)
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@echo '{"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"python": "Jupytext Notebook"}}}' \
	  > $(VENV)/share/jupyter/lab/settings/overrides.json
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) --FileContentsManager.preferred_dir=notebooks \
	  --ip=$(IP) --port=$(PORT) $(if $(filter 0,$(shell id -u)),--allow-root) \
	  $(if $(or $(DISPLAY),$(filter Darwin,$(shell uname -s))),,--no-browser)

sample: $(STAMP) ## regenerate the committed sample data in data/sample and data/sample-touches
	$(BIN)/python -m analysis simulate --users 8000 --months 18 --seed 0 --out data/sample --quiet
	$(BIN)/python -m analysis simulate --users 3000 --months 12 --seed 0 --world touches --out data/sample-touches --quiet

bench: $(STAMP) ## run the benchmarks (minutes; figures go to benchmarks/results/)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# benchmarks/mutate.py: one `mutmut run` per file of the core (or only MUTATE=file ...), then
# the table. Tests that start a fresh interpreter must import the mutated copy: PYTHONPATH
# points there, and mutants/src must exist before Python starts (a folder missing from
# sys.path at start-up is skipped for good). ANALYSIS_ROOT keeps data/sample found.
mutate: $(STAMP) ## mutation testing of the statistical core (hours; not in CI): share of mutants killed
	rm -rf mutants && mkdir -p mutants/src
	ANALYSIS_ROOT=$(CURDIR) PYTHONPATH=$(CURDIR)/mutants/src $(BIN)/python benchmarks/mutate.py $(MUTATE)

lock: ## re-pin every package after changing pyproject.toml dependencies
	rm -rf /tmp/analysis-lock && $(PYTHON) -m venv /tmp/analysis-lock
	/tmp/analysis-lock/bin/pip install --quiet --upgrade "pip>=24" && /tmp/analysis-lock/bin/pip install --quiet -e ".[dev]"
	{ echo "# Exact versions of every package the kit installs (pip constraints)."; \
	  echo "# Regenerate with: make lock   (after changing dependencies in pyproject.toml)"; \
	  /tmp/analysis-lock/bin/pip freeze --exclude-editable | grep -viE '^(pip|setuptools|wheel)=='; } > requirements/constraints.txt

clean: ## remove generated reports (keeps .venv)
	rm -rf $(OUT)
