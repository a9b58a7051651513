# gen-dash: the two commands a new user needs are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test install install-dev bench data clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Start the dashboard on the bundled sample data (http://localhost:8501).
run: install
	$(PY) scripts/serve.py --port $(PORT)

## Lint and format check (ruff, configured in pyproject.toml: 100 columns), then the whole test suite on every core (browser tests are skipped, with
## a message, without Chromium). Work stealing: the long tests (a benchmark group, a server killed) do not leave
## one worker running alone at the end. The few tests that hold a bound in seconds (marked `timed`) run after,
## alone: on two cores, the load of the others decided them.
test: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -n auto --dist worksteal -m "not timed"
	$(PY) -m pytest -m timed

## Measure speed and memory against the floors and targets (not part of `make test`; see README, Performance).
bench: install-dev
	$(PY) -m benchmarks

## Rebuild data/ from ../shared/data/reference and the seeded sample generator.
data: install
	$(PY) scripts/build_reference.py
	$(PY) -m gen_dash.sample_files
	$(PY) -m gen_dash.contract_schema
	$(PY) -m gen_dash.published

clean:
	rm -rf $(VENV) .pytest_cache var
