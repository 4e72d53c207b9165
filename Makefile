# The two commands a newcomer needs: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test install lint typecheck audit messages bench clean-venv

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP) .env
	$(PY) manage.py compiletranslations --verbosity 0

.env:
	cp .env.example .env

run: install
	@mkdir -p var/mail var/celery/queue var/celery/processed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Jourplan runs at http://127.0.0.1:8000 — mails are written to var/mail/. Ctrl-C stops all."
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho -f Procfile.dev start

# ruff's rule set includes the bandit security rules ("S" in pyproject.toml).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Known vulnerabilities of the locked versions; says "NOT CHECKED" for what no reachable source covers.
audit: $(STAMP)
	$(PY) scripts/dependency_audit.py

# mypy with django-stubs over the apps and config ([tool.mypy] in pyproject.toml: strict on core, notices and
# the rule/selector modules). The plugin imports config.settings, hence .env. Cache in .mypy_cache/ (ignored).
typecheck: $(STAMP) .env
	$(VENV)/bin/mypy

# pytest-xdist: one worker per core (at most 4), each with its own test database and Redis database
# (tests/conftest.py); browser tests still run last on each worker; an idle worker steals queued tests from a
# busy one (--dist worksteal), so one long test file does not leave a core idle at the end.
# `make test PYTEST_WORKERS=0`: one process.
test: install lint typecheck audit
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(or $(PYTEST_WORKERS),auto) --maxprocesses 4 --dist worksteal $(PYTEST_ARGS)

# Extract new strings into locale/sv (needs GNU gettext). Serialised with flock: several people may run it.
messages: $(STAMP)
	flock var/.messages.lock $(PY) manage.py makemessages -l sv --ignore=.venv --ignore=var --ignore=node_modules --no-obsolete
	$(PY) manage.py compiletranslations

# Every benchmark script (benchmarks/*.py; seed_federation.py is the seeding tool federation_load.py runs), then one
# table of all their figures. The federation load test needs PostgreSQL and Redis (FEDERATION_DATABASE_URL,
# FEDERATION_REDIS_URL; see benchmarks/federation_load.py) and prints a line saying so when they are missing.
bench: install
	@mkdir -p var/bench; rm -f var/bench/results.jsonl; failed=""; \
	for script in benchmarks/[!_]*.py; do \
	  case $$script in */seed_federation.py) continue;; esac; \
	  echo "== $$script"; \
	  BENCH_RESULTS=$(CURDIR)/var/bench/results.jsonl $(PY) $$script || failed="$$failed $$script"; \
	done; \
	$(PY) benchmarks/_table.py var/bench/results.jsonl; \
	if [ -n "$$failed" ]; then echo "benchmarks that failed:$$failed"; exit 1; fi

clean-venv:
	rm -rf $(VENV)
