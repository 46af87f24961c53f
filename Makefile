# Casenote: `make demo` sets everything up and opens the review screen on a bundled dictation;
# `make test` sets everything up and runs the whole test suite. Both work on a fresh machine.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
APT_PKGS := espeak-ng sox libsox-fmt-all chromium
export ORT_DISABLE_TELEMETRY := 1
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: demo test install system-deps bench clean

system-deps:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip "setuptools<81" wheel
	# torch first, pinned: 2.13.0 is a CPU build on this machine's disk (anything else pulls CUDA).
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[test]"
	touch $(STAMP)

install: system-deps $(STAMP)

demo: install
	$(BIN)/python -m assistant.demo

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python benchmarks/transcribe_bench.py

clean:
	rm -rf $(VENV) .cache .pytest_cache
