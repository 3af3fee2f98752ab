# Ta Steget: the handful of commands a newcomer needs. `make help` lists them.
PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8000
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: help run test check build preview reference translations lint bench clean

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Ta Steget needs Python 3.11 or newer; found " + sys.version.split()[0])'
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

run: $(STAMP)  ## build the site and serve it with the forms at http://127.0.0.1:$(PORT)
	$(BIN)/tasteget build
	$(BIN)/tasteget serve --port $(PORT)

test: $(STAMP)  ## lint and run the whole test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

check: $(STAMP)  ## validate the content files
	$(BIN)/tasteget check

build: $(STAMP)  ## build both languages into site/
	$(BIN)/tasteget build

preview: $(STAMP)  ## live preview of both languages while editing content
	$(BIN)/tasteget preview --port $(PORT)

reference: $(STAMP)  ## regenerate content/FIELDS.md from the schema
	$(BIN)/tasteget reference --output content/FIELDS.md

translations: $(STAMP)  ## after changing the intake's texts: extract them, update and compile Swedish
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o intake/translations/messages.pot \
		--no-location --omit-header --sort-output intake
	$(BIN)/pybabel update -i intake/translations/messages.pot -d intake/translations -l sv --ignore-obsolete --no-fuzzy-matching
	$(BIN)/pybabel compile -d intake/translations -l sv

lint: $(STAMP)  ## ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)  ## the benchmarks, several minutes (not part of the tests; see bench/README.md)
	$(BIN)/python bench/site_build.py
	$(BIN)/python bench/intake_load.py
	$(BIN)/python bench/notify_latency.py
	$(BIN)/python bench/crm_scale.py

clean:  ## remove the built site
	rm -rf site
