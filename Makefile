# Two commands do all the set-up on a fresh machine:
#   make run    — create .venv if needed, install, open the window on the built-in lesson
#   make test   — create .venv if needed, install, run the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench lint wheel clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first and pinned: the local CPU build; an unpinned torch pulls CUDA (GBs)
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[test,video]"
	touch $(STAMP)

run: $(STAMP)
	$(PY) main.py $(ARGS)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q $(PYTEST_ARGS)

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) tools/bench.py

wheel: $(STAMP)  # dist/stridescope-*.whl, as pip installs it
	$(PY) -m pip wheel --no-deps --no-build-isolation -q -w dist .

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build dist
