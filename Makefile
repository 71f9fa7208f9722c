# Cupboard — `make run` to try it, `make test` to test it. See README.md.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test sandbox lint format serve clean bench

$(STAMP): pyproject.toml
	@interp=$$(scripts/find-python.sh) || exit 1; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)'; then \
		echo "Creating $(VENV) with $$interp"; rm -rf $(VENV); "$$interp" -m venv $(VENV) || exit 1; \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

run: $(STAMP)
	@scripts/run.sh

test: $(STAMP)
	@scripts/test.sh

serve: $(STAMP)
	@scripts/serve.sh

sandbox: $(STAMP)
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py sandbox_seed
	$(PY) manage.py sandbox_serve --port $${SANDBOX_PORT:-8100}

lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Benchmarks (see docs/benchmarks.md): client overhead, catalog page vs hello world under wrk
# (50,000 SKUs), a 5,000 + 50,000-SKU sync at the real 120/min limit, and add to cart / 200
# tracking viewers / worker memory under gunicorn. About 15 minutes.
bench: $(STAMP)
	$(PY) bench/client.py --stub -n 2000
	$(PY) bench/catalog.py
	$(PY) bench/sync.py
	$(PY) bench/web.py

# The fault soak: 500 orders through the dashboard with every sandbox fault on, at the real
# 120/min (about 15 minutes).
.PHONY: soak
soak: $(STAMP)
	$(PY) bench/soak.py

# Scale-out (needs PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379 — Redis database 9
# is FLUSHDB'd — and locust from the "bench" extra): two gunicorn instances, the workers and the
# scheduler, 30 buyers for 60 s against one API key. About 75 seconds.
.PHONY: bench-scaleout
bench-scaleout: $(STAMP)
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) bench/scaleout.py

# The chaos run (as root; needs PostgreSQL 15's binaries and redis-server, and starts its own of
# each on free ports): the production stack while its parts are killed and stopped, buyers
# ordering throughout (about 6 minutes). See docs/benchmarks.md.
.PHONY: chaos
chaos: $(STAMP)
	$(PY) bench/chaos.py

.PHONY: screenshots
# Screenshots of every main page (desktop and phone width) into docs/screenshots/, from a
# throwaway database, sandbox and server (needs Chromium: CHROMIUM_PATH, default /usr/bin/chromium).
screenshots: $(STAMP)
	$(PY) scripts/screenshots.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3* test-db.sqlite3*
