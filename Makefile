# The book's commands. Everything lives in .venv; nothing is installed elsewhere.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
# The kernel spec and JupyterLab settings of .venv come first, whatever else is installed.
export JUPYTER_PATH := $(CURDIR)/$(VENV)/share/jupyter

.PHONY: setup lab test lint notebooks stale e2e bench classroom html slides handout assignments clean

LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json

SERVER_CONFIG := $(VENV)/etc/jupyter/jupyter_server_config.json

setup: $(STAMP) $(LAB_SETTINGS) $(SERVER_CONFIG)

# JupyterLab settings for reading and lecturing: every cell stays rendered (so widgets
# keep their state when scrolled away), and no news pop-up covers the notebook.
$(LAB_SETTINGS): jupyter/overrides.json $(STAMP)
	mkdir -p $(dir $@)
	cp $< $@

# The server takes websocket messages up to 100 MiB (Tornado's default is 10 MiB): a file
# uploaded into chapter 3's picture widget reaches the kernel, which refuses one above 20 MB
# with a message, instead of the page silently losing its connection.
$(SERVER_CONFIG): jupyter/jupyter_server_config.json $(STAMP)
	mkdir -p $(dir $@)
	cp $< $@

# torch without CUDA: on Linux from PyTorch's CPU-only wheel index (PyPI's Linux wheel pulls
# about 2.2 GB of CUDA libraries), elsewhere from PyPI, whose wheels are CPU-only there.
# `make setup TORCH_INDEX=` takes PyPI's build anywhere; a mirror's URL works too.
SYSTEM ?= $(shell uname -s)
TORCH_INDEX ?= $(if $(filter Linux,$(SYSTEM)),https://download.pytorch.org/whl/cpu)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python tools/install.py --torch-index '$(TORCH_INDEX)' --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 \
		--display-name "Python 3 (convolution book)"
	touch $(STAMP)

E2E_STAMP := $(VENV)/.installed-e2e

$(E2E_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,e2e]'
	touch $@

# nbgrader, for `make assignments` and its test only (the teach extra of pyproject.toml).
TEACH_STAMP := $(VENV)/.installed-teach

$(TEACH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,teach]'
	touch $@

# JupyterLab on the reader's trusted copies of the chapters (my-notebooks/), at chapter 1, so
# that saving never changes the book; `make lab BOOK=1` serves notebooks/ to change the book.
lab: setup
	$(BIN)/python tools/lab.py $(if $(BOOK),--book)

lint: setup
	$(BIN)/ruff check .

test: lint $(TEACH_STAMP)
	$(BIN)/python -m pytest

# Every notebook in a real JupyterLab and Debian's Chromium (see CONTRIBUTING.md, "Browser test"),
# then every page of the static site with the network blocked.
e2e: setup $(E2E_STAMP) html
	$(BIN)/python e2e/check_book.py
	$(BIN)/python e2e/latency.py
	$(BIN)/python e2e/slides.py
	$(BIN)/python e2e/static_site.py

# The book as a static site in build/html/, from the stored notebooks (README, "Read the
# book without Python"); its JavaScript is fetched once from npm and cached in .venv.
html: setup
	$(BIN)/python tools/build_site.py

# How fast the frames, parameter changes and notebooks are (CONTRIBUTING.md, "Performance").
bench: setup
	$(BIN)/python benchmarks/bench.py

# N students at once on a local JupyterHub (CONTRIBUTING.md, "Performance"): build/classroom.json.
N ?= 4
CLASSROOM_STAMP := $(VENV)/.installed-classroom
PROXY_DIR := $(VENV)/classroom-proxy

$(CLASSROOM_STAMP): pyproject.toml tools/hub/package-lock.json $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,classroom]'
	mkdir -p $(PROXY_DIR)
	cp tools/hub/package.json tools/hub/package-lock.json $(PROXY_DIR)/
	npm ci --prefix $(PROXY_DIR) --no-audit --no-fund --loglevel=error
	touch $@

classroom: setup $(CLASSROOM_STAMP)
	$(BIN)/python tools/classroom.py --students $(N)

notebooks: setup
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

# Which stored outputs `make notebooks` would change (CONTRIBUTING.md, "Reviewing a notebook diff").
stale: setup
	$(BIN)/python tools/freshness.py $(NOTEBOOKS)

# A reveal.js deck per chapter from its slide metadata, playing offline (README, "Teach from it").
slides: setup
	$(BIN)/python tools/build_slides.py build/slides $(NOTEBOOKS)

# Copies of the chapters to hand out, without the worked solutions (cells tagged `solution`);
# nbval re-runs each copy, so every exercise's check still works.
handout: setup
	rm -rf build/handout
	$(BIN)/python tools/build_handout.py build/handout $(NOTEBOOKS)
	$(BIN)/python -m pytest build/handout

# An nbgrader course in build/course/ from the chapters' exercises (README, "Teach from it");
# `make assignments FULL=1` gives each chapter's whole text around its exercises.
assignments: setup $(TEACH_STAMP)
	$(BIN)/python tools/build_assignments.py $(if $(FULL),--full) build/course $(NOTEBOOKS)

clean:
	rm -rf $(VENV) build .pytest_cache .hypothesis
