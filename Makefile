# The two commands a newcomer needs: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test install lint messages bench clean-venv

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

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install lint
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Extract new strings into locale/sv (needs GNU gettext). Serialised with flock: several people may run it.
messages: $(STAMP)
	flock var/.messages.lock $(PY) manage.py makemessages -l sv --ignore=.venv --ignore=var --ignore=node_modules --no-obsolete
	$(PY) manage.py compiletranslations

bench: install
	@for script in benchmarks/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean-venv:
	rm -rf $(VENV)
