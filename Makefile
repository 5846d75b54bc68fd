# squadboard's tasks. `make demo` opens the demo board, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help setup demo run serve test check lint format types imports soak bench bench-tui bench-serve screenshot dev console constraints clean

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

setup: $(STAMP) ## Create .venv with squadboard and its pinned development tools

demo: setup ## Set up, create the demo squad in the default board file (once), and open the board
	$(BIN)/squadboard demo --if-missing
	$(BIN)/squadboard

run: setup ## Open the board on the default file
	$(BIN)/squadboard

serve: setup ## Serve the default board to web browsers on 127.0.0.1:8000 (docs/serve.md)
	$(BIN)/squadboard serve

test: setup ## Run the whole test suite
	$(BIN)/pytest -n 2

lint: setup ## Ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup ## Format the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

types: setup ## mypy --strict over the package, tests and benchmarks
	$(BIN)/mypy

imports: setup ## The layering rules: domain and storage never import the UI
	$(BIN)/lint-imports

check: lint types imports test ## Everything CI cares about

soak: setup ## The fault tests at 10x: 320 SIGKILLs, 5,000 merge histories, 5,000 fuzzed command lines
	SQUADBOARD_SOAK_SCALE=10 SQUADBOARD_MERGE_EXAMPLES=5000 SQUADBOARD_FUZZ_EXAMPLES=5000 \
		$(BIN)/pytest -p no:xdist -s --durations=0 tests/storage/test_crash.py \
		tests/storage/test_concurrency.py tests/storage/test_sync.py \
		tests/storage/test_merge_laws.py tests/cli/test_cli_fuzz.py

bench: setup ## Benchmarks (write rates, card list, demo build); results in docs/benchmarks.md
	$(BIN)/python -m bench.run

bench-tui: setup ## The board in a real terminal (tmux): first paint, moves, memory, idle CPU (~10 min)
	$(BIN)/python -m bench.tui

bench-serve: setup ## The board in browsers: sessions served with moves under 100 ms (~5 min)
	$(BIN)/python -m bench.serve

screenshot: setup ## Redraw docs/board.svg, the README's screenshot, from the demo board
	$(BIN)/python docs/screenshot.py

dev: setup ## Run the TUI with Textual's dev console attached
	$(BIN)/textual run --dev -c $(BIN)/squadboard

console: setup ## Textual's dev console (run `make dev` in another terminal)
	$(BIN)/textual console

constraints: ## Re-pin the versions in constraints.txt from the current .venv
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^squadboard' > constraints.txt

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
