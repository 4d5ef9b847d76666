# Quick start: `make run` opens the app, `make test` runs the whole suite.
# Both create .venv on first use; nothing outside it is touched except, for `make test`
# on Debian/Ubuntu as root, the Debian packages that headless OpenGL needs (see scripts/ensure-system-deps.sh).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint bench clean venv

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	@bash scripts/ensure-system-deps.sh --runtime
	$(PY) main.py $(ARGS)

test: $(STAMP)
	@bash scripts/ensure-system-deps.sh
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	@bash scripts/ensure-system-deps.sh
	xvfb-run -a -s "-screen 0 1920x1200x24 +extension GLX +render" $(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
