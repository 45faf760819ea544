# Set-up and everyday commands. Needs only python3 and make: everything else
# is installed into .venv by these targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast check bench goldens clean bytecode

run: $(STAMP) bytecode   ## build every record in sources/ into output/
	$(BIN)/factsheets build

test: $(STAMP) bytecode  ## run the test suite, all of it (what CI runs)
	$(BIN)/python -m pytest -q

test-fast: $(STAMP) bytecode ## the suite without the tests marked slow, for the edit loop
	$(BIN)/python -m pytest -q -m "not slow"

check: $(STAMP)          ## validate every record, write nothing
	$(BIN)/factsheets check

# Options for bench/targets.py, e.g. a smoke run: make bench BENCH="--records 100 --repeat 1"
BENCH ?=

bench: $(STAMP) bytecode ## the workspace's gallery, then every speed target (docs/performance.md): MET or NOT MET, ~15 min
	$(BIN)/python bench/gallery_load.py
	$(BIN)/python bench/targets.py $(BENCH)

goldens: $(STAMP)        ## rewrite golden files after an intended output change
	$(BIN)/python tests/regen_goldens.py

# Compiled once here, since many machines set PYTHONDONTWRITEBYTECODE: without it every command
# compiles the whole package again (about a third of a one-sheet run). Only changed files are redone.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q pipeline

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) output/*.docx output/*.pdf build *.egg-info
