# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
CHROMIUM_PATH ?= /usr/bin/chromium
export CHROMIUM_PATH

.PHONY: run test bench lint system-packages messages clean

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py load_demo
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} TRACKER_TASKS_BACKEND=$${TRACKER_TASKS_BACKEND:-immediate} \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-dev system-packages
	$(BIN)/python -m pytest

# Letter parsing speed, then every page under load at 100,000 commitments against PostgreSQL
# (bench/run.py: BENCH_DATABASE_URL, BENCH_COMMITMENTS, BENCH_SECONDS; BENCH_ARGS=--no-fail).
bench: $(VENV)/.installed-dev
	@if [ -f bench/parse_letters.py ]; then $(BIN)/python bench/parse_letters.py; fi
	$(BIN)/python bench/run.py $(BENCH_ARGS)

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

# Recompile the committed translation catalogues after editing a .po file (needs GNU gettext).
messages: $(VENV)/.installed-dev
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py makemessages --locale zh_Hans --locale en --ignore '.venv/*' --ignore 'bench/*' --ignore 'tests/*' --no-obsolete
	# English msgids translate to themselves; without that, English pages fall back to Chinese.
	msgen --no-wrap -o locale/en/LC_MESSAGES/django.po locale/en/LC_MESSAGES/django.po
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
