# Set-up and everyday commands. Needs only python3 and make: everything else
# is installed into .venv by these targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast test-explore lint check bench goldens clean bytecode axe

run: $(STAMP) bytecode   ## build every record in sources/ into output/
	$(BIN)/factsheets build

test: lint bytecode axe  ## lint, then the whole test suite (what CI runs)
	$(BIN)/python -m pytest -q

# Two worker processes (pytest-xdist): the fast tests share nothing but read-only samples.
test-fast: lint bytecode ## lint and the suite without the tests marked slow (< 2 min), for the edit loop
	$(BIN)/python -m pytest -q -m "not slow" -n 2

# Property tests with fresh random examples, many more of them (HYPOTHESIS_PROFILE=explore); a failure
# prints the seed and the blob to replay it. Not run by CI, whose examples are fixed (profile ci).
test-explore: $(STAMP) bytecode ## the property tests with fresh random examples, for a developer or a nightly job
	HYPOTHESIS_PROFILE=explore $(BIN)/python -m pytest -q tests/endtoend/test_properties.py $(ARGS)

lint: $(STAMP)           ## ruff (rules in pyproject.toml) and the one-way import contract between stages
	$(BIN)/ruff check pipeline tests bench
	$(BIN)/lint-imports

check: $(STAMP)          ## validate every record, write nothing
	$(BIN)/factsheets check

# Options for bench/targets.py, e.g. a smoke run: make bench BENCH="--records 100 --noop-records 1000 --repeat 1"
BENCH ?=

bench: $(STAMP) bytecode ## every speed target of issue 27 with its anchors (docs/performance.md): MET or NOT MET, ~30 min
	$(BIN)/python bench/targets.py $(BENCH)

# ONLY=<sheet id> rewrites that sheet's goldens alone: make goldens ONLY=laos-inl
goldens: $(STAMP)        ## rewrite golden files after an intended output change (ONLY=<id> for one sheet)
	$(BIN)/python tests/regen_goldens.py $(ONLY)

# Compiled once here, since many machines set PYTHONDONTWRITEBYTECODE: without it every command
# compiles the whole package again (about a third of a one-sheet run). Only changed files are redone.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q pipeline

# axe-core (package.json, pinned in package-lock.json) for the browser tests' accessibility checks.
# Without npm the check is skipped here and the tests that need it say so.
AXE := node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $(AXE); \
	else echo "make: npm not found: the accessibility (axe-core) browser tests will be skipped" >&2; fi

# editable_mode=compat: the project folder goes on the path by a plain .pth line; the default editable
# mode installs an import hook that every Python start in the venv pays for (about 10 ms, a third of
# the build daemon's client). Its notice that the mode is transitional is silenced (setuptools <85 pinned).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS="ignore:Compat editable" $(BIN)/python -m pip install --quiet -e '.[test]' \
		--config-settings editable_mode=compat
	touch $(STAMP)

clean:
	rm -rf $(VENV) node_modules output/*.docx output/*.pdf build *.egg-info
