# Two entry points for a fresh machine: `make demo` and `make test`.
# Each creates .venv and installs everything it needs; nothing relies on
# packages installed by hand.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.edgerec-installed
ARCH   := $(shell uname -m)

# llama.cpp's native CPU detection crashes on some x86_64 hosts that report
# AVX-512/AMX the sandbox does not allow; build a portable AVX2 binary there.
# ARM (Raspberry Pi) keeps llama.cpp's own defaults.
ifeq ($(ARCH),x86_64)
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
else
LLAMA_CMAKE_ARGS ?=
endif

.PHONY: install test demo clean cli-docs

install: $(STAMP)

$(STAMP): pyproject.toml edgerec-bench/pyproject.toml Makefile
	# The desktop example's test runs the Tk app on a virtual X display and drives it (Debian packages;
	# python3-tk is tkinter for Debian's own python3).
	(command -v Xvfb && command -v xdotool && $(PYTHON) -c 'import tkinter') >/dev/null 2>&1 || \
		(apt-get update && apt-get install -y --no-install-recommends xvfb xdotool python3-tk)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# CPU torch first, so no later requirement can pull a CUDA build.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	# The SDK and the benchmark kit (its own package in edgerec-bench/) in one resolve.
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install --quiet -e '.[llm,embed,train,audit,privacy,ray,dev]' -e ./edgerec-bench
	touch $(STAMP)

# pytest exit code 5 means no test ran: that is a failure here, not a pass.
test: $(STAMP)
	@$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests; failing on purpose" >&2; exit 1; fi; \
	exit $$rc

demo: $(STAMP)
	$(BIN)/python examples/demo.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info edgerec-bench/build edgerec-bench/*.egg-info

# Regenerate the CLI reference in cli/ (a test checks every command is in it); the kit is
# installed by $(STAMP), so its plugin commands are documented too.
cli-docs: $(STAMP)
	$(BIN)/typer edgerec.cli.main utils docs --name edgerec --title "edgerec CLI reference" --output cli/REFERENCE.md
