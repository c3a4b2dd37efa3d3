# The two commands a newcomer needs: `make demo` and `make test`. Both set up .venv if missing.
# `sudo make hub` starts a trial JupyterHub for the course (hub_config/).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: demo test setup hub clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@# The sandbox: bubblewrap (Debian package). Installed here when we may; otherwise say how.
	@command -v bwrap >/dev/null || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null); } \
		|| { echo "dlgrade needs bubblewrap: sudo apt-get install bubblewrap"; exit 1; }
	@# The hub tests: Debian's Chromium for the browser test, npm for configurable-http-proxy;
	@# tests/test_postgres.py: a PostgreSQL server (it runs its own, from /usr/lib/postgresql/*/bin).
	@if [ "$$(id -u)" = 0 ]; then missing=""; command -v chromium >/dev/null || missing="chromium"; \
		command -v npm >/dev/null || missing="$$missing npm"; \
		ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
		[ -z "$$missing" ] || (apt-get update -qq && apt-get install -y -qq $$missing >/dev/null); fi
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first, pinned: its CPU wheel lies on these machines; a range would pull a CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

demo: $(STAMP)
	$(VENV)/bin/dlgrade demo --dir demo-course

test: $(STAMP)
	@# Two runs: the suite on 2 workers, then the hub tests (one hub, real accounts) in one process.
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(PY) -m pytest -n 2 -q -m "not hub" $(PYTEST_ARGS)
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(PY) -m pytest -q -m hub $(PYTEST_ARGS)

hub: $(STAMP)
	@[ "$$(id -u)" = 0 ] || { echo "make hub creates Unix accounts for the course: run it as root (sudo make hub)"; exit 1; }
	$(PY) hub_config/trial.py

clean:
	rm -rf demo-course test-artifacts
