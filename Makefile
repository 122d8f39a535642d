# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
CHROMIUM_PATH ?= /usr/bin/chromium
export CHROMIUM_PATH

.PHONY: run test bench soak lint lock system-packages bench-packages messages clean

# Installs come from the lock files only, every package checked against its hash; `make lock`
# makes them from requirements*.txt.
$(VENV)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

# Resolve requirements.txt and requirements-dev.txt into the lock files, with hashes. Versions
# already locked stay while they still fit; `make lock UPGRADE=1` moves all to the newest.
# The development lock takes the runtime lock's versions, so both install the same packages.
LOCK_TOOLS := .venv-lock
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_TOOLS)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	$(if $(UPGRADE),--upgrade)

$(LOCK_TOOLS)/.installed:
	test -x $(LOCK_TOOLS)/bin/python || $(PYTHON) -m venv $(LOCK_TOOLS)
	$(LOCK_TOOLS)/bin/python -m pip install --quiet "pip-tools>=7.6,<7.7"
	touch $@

lock: $(LOCK_TOOLS)/.installed
	$(PIP_COMPILE) --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) --constraint requirements.lock --output-file requirements-dev.lock \
	  requirements-dev.txt

run: $(VENV)/.installed
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py load_demo
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} TRACKER_TASKS_BACKEND=$${TRACKER_TASKS_BACKEND:-immediate} \
	  TRACKER_SITE_URL=$${TRACKER_SITE_URL:-http://127.0.0.1:$(PORT)} \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-dev system-packages
	$(BIN)/python -m pytest

# Letter parsing speed, then every page under load at 100,000 commitments against PostgreSQL
# (bench/run.py: BENCH_DATABASE_URL, BENCH_COMMITMENTS, BENCH_SECONDS, BENCH_WORKER_CLASS;
# BENCH_ARGS=--no-fail). Each page with the page cache on and off (every request a miss).
bench: $(VENV)/.installed-dev bench-packages
	@if [ -f bench/parse_letters.py ]; then $(BIN)/python bench/parse_letters.py; fi
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Mixed traffic against two servers on one PostgreSQL database for SOAK_SECONDS (600): fails on
# any 5xx or lost write (bench/soak.py: SOAK_SECONDS, SOAK_READERS, SOAK_POSTGRES_URL).
soak: $(VENV)/.installed-dev
	$(BIN)/python bench/soak.py

lint: $(VENV)/.installed-dev
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py makemigrations --check --dry-run

# The browser tests drive Debian's Chromium; Chinese text needs a CJK font; the translation
# check needs GNU gettext.
system-packages:
	@if [ ! -x "$(CHROMIUM_PATH)" ] || ! fc-list 2>/dev/null | grep -qi wqy || ! command -v xgettext >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei gettext; \
	  else \
	    echo "The tests need Chromium at $(CHROMIUM_PATH), a CJK font and GNU gettext:"; \
	    echo "  sudo apt-get install chromium fonts-wqy-microhei gettext   (or set CHROMIUM_PATH)"; exit 1; \
	  fi; \
	fi

# The benchmark loads pages with wrk; without it, with a Python load generator that needs a core
# of its own and cannot load the fastest pages fully on a small machine.
bench-packages:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  else \
	    echo "make bench loads pages with wrk (sudo apt-get install wrk); without it, a slower Python load generator."; \
	  fi; \
	fi

# Recompile the committed translation catalogues after editing a .po file (needs GNU gettext).
messages: $(VENV)/.installed-dev
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py makemessages --locale zh_Hans --locale en --ignore '.venv/*' --ignore 'bench/*' --ignore 'tests/*' --no-obsolete
	# English msgids translate to themselves; without that, English pages fall back to Chinese.
	msgen --no-wrap -o locale/en/LC_MESSAGES/django.po locale/en/LC_MESSAGES/django.po
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) $(LOCK_TOOLS) staticfiles db.sqlite3
