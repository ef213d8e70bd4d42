# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck schema bench bench-compare clean web web-lint e2e

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP) web
	$(BIN)/python -m gateway serve --prepare

test: $(STAMP)
	$(BIN)/ruff check gateway regions tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest
	$(MAKE) web-lint
	$(MAKE) e2e

lint: $(STAMP)
	$(BIN)/ruff check gateway regions tests bench
	$(BIN)/ruff format --check gateway regions tests

typecheck: $(STAMP)
	$(BIN)/mypy

schema: $(STAMP)
	$(BIN)/python -m gateway export-schema

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# `make bench`: 20,000 claims per region, the real server in production mode, wrk in its own process.
bench: $(STAMP)
	command -v wrk >/dev/null || (apt-get update -q && apt-get install -y -q wrk)
	$(BIN)/python -m bench.run

bench-compare: $(STAMP)
	$(BIN)/python -m bench.run --compare

# The provider web app (frontend/, README "The provider web app"): built when its build is missing or older
# than any of its sources, and its GraphQL documents registered as trusted with the gateway. Without Node.js
# `make run` still serves the gateway, whose / then says how to build the app.
FRONTEND := frontend
WEB_BUILD := $(FRONTEND)/dist/index.html
WEB_MODULES := $(FRONTEND)/node_modules/.package-lock.json
# src/graphql/generated/ is the code generator's output (codegen.ts), made afresh by every build.
WEB_SOURCES := $(shell find $(FRONTEND)/src $(FRONTEND)/build -type f -not -path '*/graphql/generated/*' 2>/dev/null) \
	$(FRONTEND)/index.html $(FRONTEND)/graphiql.html $(FRONTEND)/vite.config.ts $(FRONTEND)/codegen.ts \
	$(FRONTEND)/tsconfig.json $(FRONTEND)/package.json schema.graphql

$(WEB_MODULES): $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund
	touch $(WEB_MODULES)

$(WEB_BUILD): $(WEB_MODULES) $(WEB_SOURCES)
	cd $(FRONTEND) && npm run build

web: $(STAMP)
	@if command -v npm >/dev/null; then \
		$(MAKE) --no-print-directory $(WEB_BUILD) && \
		$(BIN)/python -m gateway trust-documents $(FRONTEND)/dist/documents/*.graphql >/dev/null; \
	else \
		echo "npm not found: serving without the web app (install Node.js 20.19 or newer for it)"; \
	fi

# ESLint over the web app, its build and its browser tests (typescript-eslint, React's rules of hooks).
web-lint: $(WEB_MODULES)
	cd $(FRONTEND) && npm run lint

# Browser tests: Debian's Chromium driven by playwright-core against a live gateway of their own.
e2e: $(STAMP) $(WEB_BUILD)
	command -v chromium >/dev/null || (apt-get update -q && apt-get install -y -q chromium)
	cd $(FRONTEND) && node e2e/run.mjs
