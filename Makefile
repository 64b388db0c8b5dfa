# The two commands a newcomer needs: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test lint unit golden bench bench-validate bench-serve bench-hostile mutants catalogues clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# constraints.txt pins every package to the versions CI and the bench are tested with.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	touch $@ $(VENV)/.installed

## Validate the example playbook, build its site and offline bundle, and say where to open it.
site: $(VENV)/.installed
	$(BIN)/playbook validate playbook.yml
	$(BIN)/playbook build

## Lint, type-check and run the whole test suite, as CI does.
test: lint unit

lint: $(VENV)/.installed-test
	$(BIN)/ruff check generator tests
	$(BIN)/mypy

unit: $(VENV)/.installed-test
	$(BIN)/pytest

## Rewrite the golden Markdown files after an intended change; review `git diff tests/golden` after.
golden: $(VENV)/.installed-test
	$(BIN)/pytest -q tests/test_golden.py --update-golden

## Extract the site's own words into generator/locale/playbook.pot and merge them into every language's
## playbook.po (new words come in empty: the build warns about them until they are translated).
catalogues: $(VENV)/.installed-test
	$(BIN)/pybabel --quiet extract -F babel.cfg -k t -k tn:1,2 -k N_ --no-wrap --sort-by-file --project crisis-playbook \
		--copyright-holder "crisis-playbook authors" -o generator/locale/playbook.pot.new generator
	@# A template whose only change is its creation date is left as it was (no noise in git diff).
	@if diff -q -I '^"POT-Creation-Date:' generator/locale/playbook.pot generator/locale/playbook.pot.new >/dev/null 2>&1; \
		then rm generator/locale/playbook.pot.new; \
		else mv generator/locale/playbook.pot.new generator/locale/playbook.pot; fi
	$(BIN)/pybabel --quiet update --no-wrap --no-fuzzy-matching --ignore-pot-creation-date -D playbook -i generator/locale/playbook.pot \
		-d generator/locale

## Time validation, page generation and both engines' builds at 1x, 4x, 16x and 64x the example; print sizes.
bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks.bench

## Time `playbook validate` of the example as a whole process (wall and CPU), and at 1x, 4x and 16x its size;
## AGAINST=/path/to/another/checkout times that one in turn with this one (before and after a change).
bench-validate: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks.validate $(if $(AGAINST),--against $(AGAINST))

## Time live editing: from saving playbook.yml to the reloaded page in Chromium, under `playbook serve`.
bench-serve: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks.serve

## Mutation run: single-line mutants of validate, deadlines, diff, load and render against the fast suite.
mutants: $(VENV)/.installed-test
	$(BIN)/pip install --quiet "coverage==7.17.3"  # which test runs which line: each mutant runs only those
	$(BIN)/python tools/mutants.py

## Time validate (and build) on each hostile input class of issue 20 at growing sizes up to 2 MiB.
bench-hostile: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks.hostile

clean:
	rm -rf $(VENV) site dist .pytest_cache .mypy_cache .ruff_cache
