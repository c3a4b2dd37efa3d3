# The two commands a newcomer needs: `make demo` and `make test`. Both set up .venv if missing.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: demo test setup clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@# The sandbox: bubblewrap (Debian package). Installed here when we may; otherwise say how.
	@command -v bwrap >/dev/null || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null); } \
		|| { echo "dlgrade needs bubblewrap: sudo apt-get install bubblewrap"; exit 1; }
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
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(PY) -m pytest -n 2 -q $(PYTEST_ARGS)

clean:
	rm -rf demo-course test-artifacts
