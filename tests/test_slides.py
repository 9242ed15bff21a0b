"""The lecture cut every chapter carries, and the handout made from it.

Each cell's `metadata.slideshow.slide_type` says what `make slides` puts in the
chapter's deck; the worked solutions carry the tag `solution`, which `make
handout` drops.
"""

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from build_handout import handout, is_solution  # noqa: E402

NOTEBOOKS = sorted(ROOT.glob("notebooks/*.ipynb"))
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def notebook(request):
    return nbformat.read(request.param, as_version=4)


def slide_type(cell) -> str | None:
    return cell.metadata.get("slideshow", {}).get("slide_type")


def widgets_shown(cell) -> list[str]:
    """The text reprs of the widgets a code cell shows, e.g. 'Player(corr2d, ...)'."""
    return [o.data.get("text/plain", "") for o in cell.get("outputs", [])
            if "data" in o and WIDGET_VIEW in o.data]


@pytest.fixture
def cut(notebook):
    if not any(slide_type(c) for c in notebook.cells):
        pytest.skip("this chapter has no lecture cut yet (slide metadata)")
    return notebook


def test_every_cell_has_a_slide_type(cut):
    missing = [i for i, c in enumerate(cut.cells) if slide_type(c) not in SLIDE_TYPES]
    assert not missing, f"cells without a valid slideshow.slide_type: {missing}"
    assert slide_type(cut.cells[0]) == "slide", "the deck opens on the chapter's title"


def test_the_deck_is_a_lecture_sized_cut_with_the_animations(cut):
    shown = [c for c in cut.cells if slide_type(c) != "skip"]
    assert len(shown) < len(cut.cells) / 2, "a lecture cut, not every cell"
    all_widgets = [w for c in cut.cells for w in widgets_shown(c)]
    deck_widgets = [w for c in shown for w in widgets_shown(c)]
    assert deck_widgets, "the deck shows at least one of the chapter's widgets"
    if any(w.startswith("Player(") for w in all_widgets):
        assert any(w.startswith("Player(") for w in deck_widgets), "the deck plays a Player"


def test_worked_solutions_and_nothing_else_are_tagged(notebook):
    at = next(i for i, c in enumerate(notebook.cells) if c.source.startswith("## Solutions"))
    for i, cell in enumerate(notebook.cells):
        expected = i > at and cell.source.startswith("<details>")
        assert is_solution(cell) == expected, f"cell {i}: tag `solution` iff a worked solution"


def test_the_handout_drops_the_solutions_and_keeps_every_exercise(notebook):
    copy = handout(notebook)
    assert not any(is_solution(c) or c.source.startswith(("<details>", "## Solutions"))
                   for c in copy.cells)
    kept = [c for c in notebook.cells
            if not is_solution(c) and not c.source.startswith("## Solutions")]
    assert copy.cells == kept, "only the solutions and their heading are dropped"
    assert copy.metadata == notebook.metadata, "the widget state stays: the animations play"
    checks = [c.source for c in copy.cells if "helpers.check(" in c.source]
    assert checks == [c.source for c in notebook.cells if c.cell_type == "code"
                      and "helpers.check(" in c.source] != [], "every exercise and its check"
