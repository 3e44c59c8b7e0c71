# 碳算 carbon — two commands: `make run` and `make test`.
SHELL := /bin/bash
PORT ?= 8501
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)

.PHONY: run test install sysdeps lint bench factors clean fuzz

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[app,dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)
	@$(VENV)/bin/carbon --help >/dev/null 2>&1 || $(PY) -m pip install -q -e '.[app,dev]'  # repair a venv whose package was removed

## start the app on http://localhost:8501 (PORT=...) with the bundled example project
run: install
	$(VENV)/bin/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) \
	  --server.headless true --browser.gatherUsageStats false

## Debian packages the tests use (a real browser and CJK fonts), installed when missing
sysdeps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v soffice >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" \
	  || ! command -v pdftotext >/dev/null 2>&1 || ! test -e /usr/lib/libreoffice/program/libswlo.so \
	  || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "installing chromium, fonts-noto-cjk, LibreOffice Calc and Writer, poppler-utils, PostgreSQL (Debian)"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fontconfig libreoffice-calc-nogui \
	    libreoffice-writer-nogui poppler-utils libpango-1.0-0 libpangoft2-1.0-0 postgresql >/dev/null; \
	fi

## run the whole suite
test: install sysdeps
	$(PY) -m pytest -q

## the opt-in slow fuzzing run (more than 10,000 generated and mutated files)
fuzz: install
	CARBON_RUN_SLOW=1 $(PY) -m pytest -q tests/test_fuzz.py

lint: $(STAMP)
	$(VENV)/bin/ruff check carbon scripts tests bench app.py

## rebuild factors/ from the official files in factors/sources/
factors: $(STAMP)
	$(PY) scripts/build_all.py

bench: $(STAMP)
	$(PY) bench/inventory.py
	$(PY) bench/uncertainty.py
	$(PY) bench/app.py
	$(PY) bench/reports.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
