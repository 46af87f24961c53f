# Casenote: `make demo` sets everything up and opens the review screen on a bundled dictation;
# `make test` sets everything up and runs the whole test suite. Both work on a fresh machine.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
APT_PKGS := espeak-ng sox libsox-fmt-all chromium
export ORT_DISABLE_TELEMETRY := 1
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: demo test test-cpus install system-deps bench clean

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
	# test: the suite's own tools; cluster: Ray, so the Ray evaluation is tested too (optional at run time).
	$(BIN)/pip install -q -e ".[test,cluster]"
	touch $(STAMP)

install: system-deps $(STAMP)

demo: install
	$(BIN)/python -m assistant.demo

test: install
	$(BIN)/python -m pytest -q

# The real-model tests (marked slow) under each CTranslate2 instruction set this CPU has: Whisper's
# punctuation changes with the kernels, and the tests must hold on every one.
test-cpus: install
	@for isa in $$($(BIN)/python tests/cpu_isas.py); do \
	  echo "== CT2_FORCE_CPU_ISA=$$isa"; \
	  CT2_FORCE_CPU_ISA=$$isa $(BIN)/python -m pytest -q -m slow || exit 1; \
	done

bench: install
	$(BIN)/python benchmarks/transcribe_bench.py

clean:
	rm -rf $(VENV) .cache .pytest_cache
