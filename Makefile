# lotto_lab set-up and entry points. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2
TEST_PATHS ?= tests notebooks
HOST ?= 127.0.0.1
PORT ?= 5006

.PHONY: run test install browser benchmark lint clean-reports

install: $(STAMP)

# torch goes in first and pinned: 2.13.0 is the CPU build, anything looser pulls a CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

browser:
	@bash .ci/ensure-chromium.sh

# The main job on the bundled data, then the dashboard.
run: $(STAMP)
	$(BIN)/lotto-lab run --quick
	$(BIN)/lotto-lab serve --address $(HOST) --port $(PORT)

# nbval executes every notebook in notebooks/ too; --dist loadfile keeps each notebook on one worker.
# pytest's exit 5 (nothing collected) fails the target.
test: $(STAMP) browser
	@$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile --nbval-lax $(TEST_PATHS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing on purpose" >&2; exit 1; fi; \
	exit $$rc

benchmark: $(STAMP)
	$(BIN)/python benchmarks/run.py

lint: $(STAMP)
	$(BIN)/ruff check lotto_lab tests benchmarks
	$(BIN)/ruff format --check lotto_lab tests benchmarks
