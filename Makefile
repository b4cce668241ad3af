# 公积金个人网厅 — the two commands: `make run` (demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Tests always run on PostgreSQL and Redis; override these to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/gjj
TEST_REDIS_URL ?= redis://127.0.0.1:6379/14
TEST_CACHE_URL ?= redis://127.0.0.1:6379/13

.PHONY: run worker beat test check lint check-services browser clean bench bench-data

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.run-installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.run-installed

## make run: the demo portal. SQLite and eager Celery unless DATABASE_URL / CELERY_BROKER_URL are set.
## make run CENTER=liuzhou: a second center beside it (柳州, port 8001, its own SQLite file); each knows the
## other as a 跨省通办 partner, so 转移接续 and 两地联办 go between the two (README: two centers).
CENTER ?=
ifeq ($(CENTER),)
RUN_ENV := GJJ_DEMO_PARTNERS=liuzhou=http://127.0.0.1:8001
else
PORT := 8001
RUN_ENV := GJJ_CENTER=$(CENTER) GJJ_SQLITE_NAME=db-$(CENTER).sqlite3 GJJ_DEMO_PARTNERS=liaoning=http://127.0.0.1:8000
endif
run: $(VENV)/.run-installed
	@# A development .env (git ignores it) so plain `manage.py` commands work afterwards too.
	@[ -f .env ] || printf 'DJANGO_DEBUG=true\n' > .env
	$(RUN_ENV) DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py migrate --noinput
	$(RUN_ENV) DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py seed_demo
	@echo ""
	@echo "公积金个人网厅: http://127.0.0.1:$(PORT)/   (审核后台: http://127.0.0.1:$(PORT)/admin/)"
	@echo "  depositors (password demo1234): 张伟 210102199001011237 / 13800000001, 李秀兰 210103196503150029,"
	@echo "    王芳 21010219860620204X, 刘强 210204197108083010, 陈刚 330203198805120011"
	@echo "  staff: reviewer / review1234 (初审), releaser / release1234 (复核/财务), operator / operator1234"
	@echo "  employer user: unit001 / unit1234;  跨省通办专窗: window / window1234"
	@echo "  贷款: loanaccept (受理), loanapprove (审批), loanclerk (签订合同/抵押登记) / loan1234; releaser releases 放款"
	@echo ""
	$(RUN_ENV) DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py runserver 0.0.0.0:$(PORT)

## make worker: a real Celery worker with the scheduler embedded (-B), so the payout sweep (lost messages
## re-enqueued within a minute), 年终结息 and loan collection run in a one-machine set-up too. Compose runs
## beat as its own service instead; `make beat` is that, for a set-up with several workers (run it once).
worker: $(VENV)/.run-installed
	$(VENV)/bin/celery -A gjj_portal worker -B -s $${CELERY_BEAT_SCHEDULE_FILE:-/tmp/gjj-celerybeat-schedule} -l info -Q $${CELERY_QUEUE:-gjj}

beat: $(VENV)/.run-installed
	$(VENV)/bin/celery -A gjj_portal beat -l info

## make test: installs what the tests need, runs the linters (ruff with the security, timezone and refactoring
## rules; mypy with django-stubs), then every test on PostgreSQL + Redis + a real worker, with a coverage report.
## Three pytest runs go at once, each on its own database, Redis databases, Celery queue and files (the test
## databases are made from these names: test_gjj, test_gjj_browser, test_gjj_processes):
##   traced     the tests not marked `untraced`, under coverage's tracer (one core, busy);
##   browser    Chromium against the production build (mostly waiting on pages and other processes);
##   processes  the other `untraced` tests: workers, gunicorn, killed processes, fuzzing, benchmark smoke runs.
## Coverage's tracer makes in-process Python about half again slower, so the `untraced` ones (tests/conftest.py)
## run without it. Output comes per run when it ends (--output-sync); exit code 5 is "PYTEST_ARGS selected none
## in this run".
TEST_BROWSER_DATABASE_URL ?= $(TEST_DATABASE_URL)_browser
TEST_BROWSER_REDIS_URL ?= redis://127.0.0.1:6379/11
TEST_BROWSER_CACHE_URL ?= redis://127.0.0.1:6379/10
TEST_PROCESSES_DATABASE_URL ?= $(TEST_DATABASE_URL)_processes
TEST_PROCESSES_REDIS_URL ?= redis://127.0.0.1:6379/7
TEST_PROCESSES_CACHE_URL ?= redis://127.0.0.1:6379/6
# $(1) database, $(2) broker, $(3) cache, $(4) the run's name: its Celery queue, uploads and bank files
test_env = DATABASE_URL=$(1) CELERY_BROKER_URL=$(2) REDIS_CACHE_URL=$(3) CELERY_QUEUE=gjj-test-$(4) \
	GJJ_PRIVATE_MEDIA_ROOT=$(CURDIR)/test-artifacts/$(4)/private_media GJJ_BANK_FILE_DIR=$(CURDIR)/test-artifacts/$(4)/bank_files \
	DJANGO_DEBUG=true DJANGO_ALLOW_ASYNC_UNSAFE=true

.PHONY: test-traced test-browser test-processes
test: $(VENV)/.dev-installed browser lint
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_REDIS_URL) $(PY) scripts/check_services.py
	@start=$$(date +%s); $(MAKE) --no-print-directory -j3 --output-sync=target test-traced test-browser test-processes \
	  && echo "make test: the three runs passed in $$(( $$(date +%s) - start )) s"

test-traced:
	$(call test_env,$(TEST_DATABASE_URL),$(TEST_REDIS_URL),$(TEST_CACHE_URL),traced) \
	$(VENV)/bin/pytest -m "not untraced" --cov --cov-report=term:skip-covered $(PYTEST_ARGS) || [ $$? -eq 5 ]

test-browser:
	$(call test_env,$(TEST_BROWSER_DATABASE_URL),$(TEST_BROWSER_REDIS_URL),$(TEST_BROWSER_CACHE_URL),browser) \
	$(VENV)/bin/pytest -p no:cacheprovider -m "untraced and browser" --durations=10 $(PYTEST_ARGS) || [ $$? -eq 5 ]

test-processes:
	$(call test_env,$(TEST_PROCESSES_DATABASE_URL),$(TEST_PROCESSES_REDIS_URL),$(TEST_PROCESSES_CACHE_URL),processes) \
	$(VENV)/bin/pytest -p no:cacheprovider -m "untraced and not browser" --durations=10 $(PYTEST_ARGS) || [ $$? -eq 5 ]

## make check: the fast loop while changing code — the linters, then every test that needs no browser, no worker
## and no other process (the ones not marked `untraced`), without coverage. Under 3 minutes on a 2-core machine.
check: $(VENV)/.dev-installed browser lint
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_REDIS_URL) $(PY) scripts/check_services.py
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_REDIS_URL) REDIS_CACHE_URL=$(TEST_CACHE_URL) \
	CELERY_QUEUE=gjj-test DJANGO_DEBUG=true DJANGO_ALLOW_ASYNC_UNSAFE=true \
	$(VENV)/bin/pytest -m "not untraced" -q $(PYTEST_ARGS) || [ $$? -eq 5 ]

## Debian packages the tests use: chromium for Playwright (never `playwright install`: downloads are
## blocked), a CJK font for the deposit certificate, poppler-utils to render that PDF to PNG and
## tesseract (with Chinese) to read the name and account number back off the picture; zbarimg (zbar-tools) to read
## the documents' QR codes as a phone would; wrk, the load the page
## benchmark puts on gunicorn.
DEBIAN_TEST_PACKAGES := chromium fonts-wqy-microhei poppler-utils tesseract-ocr tesseract-ocr-chi-sim wrk zbar-tools
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 || ! command -v wrk >/dev/null 2>&1 || ! command -v zbarimg >/dev/null 2>&1 \
	    || ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -q chi_sim \
	    || [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_TEST_PACKAGES); \
	  else echo "missing Debian packages: run 'sudo apt-get install -y $(DEBIAN_TEST_PACKAGES)'"; exit 1; fi; fi

## make bench-data: the benchmark database at a center's size, on its own (gjj_bench): BENCH_ACCOUNTS accounts
## × BENCH_MONTHS months of 汇缴 (default 1,000,000 × 24: 24 million entries, about 15 minutes here).
## make bench: every figure of benchmarks/ on it, each against the machine's limit measured in the same run.
BENCH_SERVER ?= postgres://postgres@127.0.0.1:5432/postgres
BENCH_ACCOUNTS ?= 1000000
BENCH_MONTHS ?= 24
bench-data: $(VENV)/.dev-installed
	DATABASE_URL=$(BENCH_SERVER) $(PY) benchmarks/generate.py --accounts $(BENCH_ACCOUNTS) --months $(BENCH_MONTHS)

bench: $(VENV)/.dev-installed
	DATABASE_URL=$(BENCH_SERVER) $(PY) benchmarks/run_all.py

## make lint: ruff (rules in pyproject.toml), its formatter's check, and mypy over the apps.
lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=true $(VENV)/bin/mypy

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles private_media
