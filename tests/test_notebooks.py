"""Notebook hygiene: what nbval, a reader and a static export meet in the stored notebooks."""

import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).parent.parent
NOTEBOOKS = sorted(ROOT.glob("notebooks/*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
MACHINE_PATH = re.compile(r"(/work/|/root/|/home/|/tmp/|/Users/|site-packages|[A-Z]:\\\\)")
ids = [p.name for p in NOTEBOOKS]


def test_there_are_notebooks():
    assert NOTEBOOKS and NOTEBOOKS[0].name == "01_cross_correlation.ipynb"


@pytest.fixture(params=NOTEBOOKS, ids=ids)
def notebook(request):
    nb = nbformat.read(request.param, as_version=4)
    nbformat.validate(nb)
    return nb


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_kernel_is_python3(notebook):
    assert notebook.metadata.kernelspec.name == "python3"


def test_executed_in_order_from_a_fresh_kernel(notebook):
    counts = [c.execution_count for c in code_cells(notebook)]
    assert counts == list(range(1, len(counts) + 1)), "run `make notebooks`"


def test_no_errors_and_no_machine_paths(notebook):
    for cell in code_cells(notebook):
        for output in cell.outputs:
            assert output.output_type != "error", cell.source[:80]
            assert not (output.output_type == "stream" and output.name == "stderr"), cell.source
            found = MACHINE_PATH.search(json.dumps(output))
            assert not found, f"{found.group(0)!r} in the output of {cell.source[:60]!r}"


def test_widget_state_is_stored_for_every_widget_shown(notebook):
    views = {o.data[WIDGET_VIEW]["model_id"] for c in code_cells(notebook) for o in c.outputs
             if "data" in o and WIDGET_VIEW in o.data}
    assert views, "every chapter has at least one animated widget"
    state = notebook.metadata.widgets[WIDGET_STATE]["state"]
    assert views <= set(state), "run `make notebooks` so the widgets play in a static export"


def test_chapter_has_its_parts(notebook):
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert text.startswith("# ")
    assert "By the end of this chapter you can" in text
    for heading in ("## Exercises", "## Solutions", "## Summary", "## Glossary"):
        assert f"\n{heading}" in text, heading
    glossary = text.split("## Glossary", 1)[1]
    assert re.search(r"[\u4e00-\u9fff]", glossary), "the glossary gives the Chinese terms"


def test_first_cell_says_how_to_start(notebook):
    """The chapter first says how to start: `make lab`, then Run All (the README says
    the rest)."""
    first = notebook.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    for words in ("**Before you start.**", "*Run > Run All Cells*", "make lab"):
        assert words in " ".join(first.source.split()), words


def test_solutions_are_folded_away_at_the_end(notebook):
    """Every chapter: the solutions come last, one folded <details> block per exercise
    (Run All re-renders it folded; JupyterLab unfolds collapsed headings and cells)."""
    h2 = [(i, c.source.splitlines()[0]) for i, c in enumerate(notebook.cells)
          if c.cell_type == "markdown" and c.source.startswith("## ")]
    names = [line for _, line in h2]
    assert names[-1] == "## Solutions", "the solutions are the chapter's last section"
    assert names.index("## Exercises") < names.index("## Summary") < len(names) - 1
    at = h2[-1][0]
    exercises = notebook.cells[h2[names.index("## Exercises")][0]:at]
    checks = sum(c.source.count("helpers.check(") for c in exercises if c.cell_type == "code")
    solutions = notebook.cells[at + 1:]
    assert len(solutions) == checks, "one worked solution per exercise"
    for n, cell in enumerate(solutions, start=1):
        assert cell.cell_type == "markdown", "solutions hold no code cell: it would show"
        assert cell.source.startswith(f"<details>\n<summary><b>Solution {n}</b></summary>")
        assert cell.source.endswith("</details>") and cell.source.count("<details") == 1
