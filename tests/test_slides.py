"""The lecture cut every chapter carries, and the decks and handouts made from it.

Each cell's `metadata.slideshow.slide_type` says what `make slides` puts in the
chapter's deck; the worked solutions carry the tag `solution`, which `make
handout` drops.
"""

import json
import re
from pathlib import Path

import nbformat
import pytest
from build_handout import handout, is_solution
from build_slides import WIDGET_STATE, lecture_copy

ROOT = Path(__file__).parent.parent

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
    assert [c.id for c in copy.cells] == [c.id for c in kept], "only solutions are dropped"
    assert [c for c in copy.cells if c.cell_type == "code"] == \
        [c for c in kept if c.cell_type == "code"], "code and stored outputs as in the book"
    assert "Worked solutions" not in "".join(c.source for c in copy.cells), "nor pointed to"
    assert copy.metadata == notebook.metadata, "the widget state stays: the animations play"
    checks = [c.source for c in copy.cells if "helpers.check(" in c.source]
    assert checks == [c.source for c in notebook.cells if c.cell_type == "code"
                      and "helpers.check(" in c.source] != [], "every exercise and its check"


def test_a_deck_carries_the_cells_on_slides_and_only_the_widgets_they_show(notebook):
    deck = lecture_copy(notebook)
    assert [c for c in deck.cells if slide_type(c) == "skip"] == []
    assert not deck.cells[0].source.count("Before you start")
    state = deck.metadata.widgets[WIDGET_STATE]["state"]
    shown = {o.data[WIDGET_VIEW]["model_id"] for c in deck.cells for o in c.get("outputs", [])
             if WIDGET_VIEW in o.get("data", {})}
    assert shown <= set(state)
    refs = {ref for entry in state.values()
            for ref in re.findall(r"IPY_MODEL_([0-9a-f]{32})", json.dumps(entry))}
    assert refs <= set(state), "every model a kept widget or link refers to is kept"
    links = [e for e in state.values() if e["model_name"] in ("LinkModel", "DirectionalLinkModel")]
    players = sum(w.startswith("Player(") for c in deck.cells for w in widgets_shown(c))
    assert len(links) >= 2 * players, "Play, slider and frames stay linked in every Player"
    full = notebook.metadata.widgets[WIDGET_STATE]["state"]
    assert len(state) <= len(full)
