# Ta Steget: the handful of commands a newcomer needs. `make help` lists them.
PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8000
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: help run test check build preview reference translations vendor lint bench clean

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

# The front-end packages pinned in package-lock.json, copied as npm ships them (minified JS and CSS,
# and the licence) into the intake's static files and the editor's, which are committed: only this
# target needs Node.
VENDOR = intake/static/vendor
AUTOCOMPLETE = node_modules/accessible-autocomplete
# Decap CMS for /redigera/: the browser bundle, the chunks it loads lazily (widgets, image
# compression) and their WebAssembly, beside it because it finds them from its own address; no
# source maps, not the cms.js copy of the same bundle. Its package carries no LICENSE file: the
# monorepo's MIT licence comes from one of its own packages, the bundled libraries' from dist/.
EDITOR_VENDOR = tasteget/editor/vendor
DECAP = node_modules/decap-cms

vendor:  ## after changing package.json: copy the pinned front-end packages into the static files (needs Node 20)
	@command -v node >/dev/null && node -e 'process.exit(parseInt(process.versions.node) < 20 ? 1 : 0)' \
		|| { echo "make vendor needs Node.js 20 or newer and npm"; exit 1; }
	npm ci --ignore-scripts
	@set -e; version=$$(node -p 'require("./$(AUTOCOMPLETE)/package.json").version'); \
	out=$(VENDOR)/accessible-autocomplete; rm -rf $$out; mkdir -p $$out/$$version; \
	cp $(AUTOCOMPLETE)/dist/accessible-autocomplete.min.js $(AUTOCOMPLETE)/dist/accessible-autocomplete.min.css \
		$(AUTOCOMPLETE)/LICENSE.txt $$out/$$version/; \
	echo "accessible-autocomplete $$version copied into $$out/$$version/"
	@set -e; version=$$(node -p 'require("./$(DECAP)/package.json").version'); \
	out=$(EDITOR_VENDOR)/decap-cms; rm -rf $$out; mkdir -p $$out/$$version; \
	cp $(DECAP)/dist/decap-cms.js $(DECAP)/dist/*.decap-cms.js $(DECAP)/dist/*.wasm \
		$(DECAP)/dist/decap-cms.js.LICENSE.txt $$out/$$version/; \
	cp node_modules/decap-cms-lib-auth/LICENSE $$out/$$version/LICENSE; \
	echo "decap-cms $$version copied into $$out/$$version/"

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
