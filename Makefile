# The book's commands. Everything lives in .venv; nothing is installed elsewhere.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
# The kernel spec and JupyterLab settings of .venv come first, whatever else is installed.
export JUPYTER_PATH := $(CURDIR)/$(VENV)/share/jupyter

.PHONY: setup lab test lint notebooks clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 \
		--display-name "Python 3 (convolution book)"
	touch $(STAMP)

lab: setup
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks

lint: setup
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest

notebooks: setup
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

clean:
	rm -rf $(VENV) build .pytest_cache .hypothesis
