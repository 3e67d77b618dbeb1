# Two commands for a fresh machine:
#   make run   - create .venv, install, migrate, seed the No Nicks demo, serve on 127.0.0.1:8000
#   make test  - install what the tests need (Python packages, chromium, virtual-alexa, ask-cli) and run them
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format deps test-deps browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.deps: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-deps: requirements-dev.txt requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

deps: $(VENV)/.deps
test-deps: $(VENV)/.test-deps node_modules/.installed browser

# Debian's chromium for the browser tests; skipped (and the browser tests with it) where it
# cannot be installed. CI=true makes a missing browser an error instead.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium could not be installed: browser tests will be skipped"; \
	else echo "chromium is missing and cannot be installed here: browser tests will be skipped"; fi

# localstripe (the embedded fake Stripe) runs beside the server and stops with it; the
# Stripe settings point at it unless the environment names a real Stripe account.
STRIPE_LOCAL_PORT ?= 8420
LOCALSTRIPE := http://127.0.0.1:$(STRIPE_LOCAL_PORT)

run: $(VENV)/.deps
	@set -e; \
	$(BIN)/localstripe --port $(STRIPE_LOCAL_PORT) >/dev/null 2>&1 & LOCALSTRIPE_PID=$$!; \
	trap 'kill $$LOCALSTRIPE_PID 2>/dev/null' EXIT INT TERM; \
	export DEBUG=$${DEBUG:-true}; \
	export STRIPE_API_BASE=$${STRIPE_API_BASE:-$(LOCALSTRIPE)}; \
	export STRIPE_JS_URL=$${STRIPE_JS_URL:-$(LOCALSTRIPE)/js.stripe.com/v3/}; \
	export STRIPE_SECRET_KEY=$${STRIPE_SECRET_KEY:-sk_test_localstripe}; \
	export STRIPE_PUBLISHABLE_KEY=$${STRIPE_PUBLISHABLE_KEY:-pk_test_localstripe}; \
	export STRIPE_WEBHOOK_SECRET=$${STRIPE_WEBHOOK_SECRET:-whsec_localstripe}; \
	export PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)}; \
	for i in $$(seq 50); do \
		$(BIN)/python -c "import urllib.request as u; u.urlopen('$(LOCALSTRIPE)/js.stripe.com/v3/', timeout=1)" \
		2>/dev/null && break; sleep 0.2; done; \
	$(BIN)/python manage.py migrate --no-input; \
	$(BIN)/python manage.py seed_demo; \
	$(BIN)/python manage.py collectstatic --no-input -v0; \
	$(BIN)/python manage.py localstripe_webhooks --base-url http://$(HOST):$(PORT); \
	ISP_SANDBOX_BASE_URL=$${ISP_SANDBOX_BASE_URL:-http://$(HOST):$(PORT)/sandbox/monetization} \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: test-deps
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/mypy

format: $(VENV)/.test-deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles
