"""Stored notebooks are what `make notebooks` gives, byte for byte where it matters.

The first test re-executes every notebook once (nbval executes it a second
time for its text comparison); the others check the tools on small notebooks.
"""

import base64
import io
from pathlib import Path

import freshness
import nbformat
import pytest
from execute_notebooks import (
    WIDGET_STATE,
    WIDGET_VIEW,
    keep_stored_images,
    model_id,
    normalise,
)
from nbformat.v4 import new_code_cell, new_notebook, new_output
from PIL import Image

from helpers.widgets import NEEDS_KERNEL

ROOT = Path(__file__).parent.parent

NOTEBOOKS = sorted(ROOT.glob("notebooks/*.ipynb"))
SHOWN_AT_ONCE = 20


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_stored_outputs_are_current(path):
    problems = freshness.check(path)
    shown = problems[:SHOWN_AT_ONCE] + [f"... and {len(problems) - SHOWN_AT_ONCE} more"] * (
        len(problems) > SHOWN_AT_ONCE)
    assert not problems, "\n".join(shown + [freshness.HINT])


A, B, C, D = ("a" * 32, "b" * 32, "c" * 32, "d" * 32)


def view(model):
    return new_output("execute_result", execution_count=1, data={
        WIDGET_VIEW: {"model_id": model, "version_major": 2, "version_minor": 0},
        "text/plain": "Player(...)"})


def model(name, **state):
    return {"model_name": name, "model_module": "@jupyter-widgets/controls",
            "model_module_version": "2.0.0", "state": state}


def widget_notebook(frames=("<b>0</b>", "<b>1</b>")):
    """A stack of two frames (C, D) in a box (A), a link (B); cell `cell-2` made them all."""
    nb = new_notebook(cells=[new_code_cell("x = 1", id="cell-1"),
                             new_code_cell("player", id="cell-2", outputs=[view(A)])])
    nb.cells[1].execution_count = 1
    nb.metadata.widgets = {WIDGET_STATE: {"version_major": 2, "version_minor": 0, "state": {
        A: model("StackModel", children=[f"IPY_MODEL_{C}", f"IPY_MODEL_{D}"]),
        B: model("LinkModel", source=[f"IPY_MODEL_{A}", "selected_index"],
                 target=[f"IPY_MODEL_{A}", "selected_index"]),
        C: model("HTMLModel", value=frames[0]),
        D: model("HTMLModel", value=frames[1]),
    }}}
    return nb


def state_of(nb):
    return nb.metadata.widgets[WIDGET_STATE]["state"]


def test_widget_ids_depend_on_the_creating_cell_and_order_only():
    made_in_cell_2 = dict.fromkeys([A, B, C, D], 1)
    nb = normalise(widget_notebook(), made_in_cell_2, closed=set())
    new = [model_id("cell-2", n) for n in (1, 2, 3, 4)]
    assert set(state_of(nb)) == set(new)
    assert nb.cells[1].outputs[0].data[WIDGET_VIEW]["model_id"] == new[0]
    assert state_of(nb)[new[0]]["state"]["children"] == [f"IPY_MODEL_{new[2]}",
                                                         f"IPY_MODEL_{new[3]}"]
    assert state_of(nb)[new[1]]["state"]["source"] == [f"IPY_MODEL_{new[0]}", "selected_index"]
    assert normalise(widget_notebook(), made_in_cell_2, set()) == nb


def test_closed_widgets_are_dropped_unless_a_live_one_refers_to_them():
    extra = "e" * 32
    nb = widget_notebook()
    state_of(nb)[extra] = model("HTMLModel", value="a replaced frame")
    nb = normalise(nb, dict.fromkeys([A, B, C, D, extra], 1), closed={extra, C})
    assert len(state_of(nb)) == 4 and "a replaced frame" not in nbformat.writes(nb)


def test_controls_only_the_kernel_serves_are_stored_disabled_and_say_why():
    play, step, button = "1" * 32, "2" * 32, "3" * 32
    nb = widget_notebook()
    state_of(nb).update({
        play: model("PlayModel", disabled=False, value=0),
        step: model("IntSliderModel", disabled=False, value=0, tooltip=None),
        button: model("ButtonModel", disabled=False, tooltip="next step"),
        B: model("LinkModel", source=[f"IPY_MODEL_{play}", "value"],
                 target=[f"IPY_MODEL_{step}", "value"]),
    })
    made = dict.fromkeys([A, B, C, D, play, step, button], 1)
    stored = state_of(normalise(nb, made, set()))
    ids = dict(zip(["play", "step", "button"], [model_id("cell-2", n) for n in (5, 6, 7)],
                   strict=True))
    assert stored[ids["play"]]["state"]["disabled"] is False  # linked in the page: works
    assert stored[ids["step"]]["state"]["disabled"] is False
    assert stored[ids["button"]]["state"]["disabled"] is True
    assert stored[ids["button"]]["state"]["tooltip"] == f"next step{NEEDS_KERNEL}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_no_stored_control_waits_for_a_kernel_that_is_not_there(path):
    state = nbformat.read(path, as_version=4).metadata.widgets[WIDGET_STATE]["state"]
    linked = {ref for entry in state.values() if entry["model_name"].endswith("LinkModel")
              for ref in (entry["state"]["source"][0], entry["state"]["target"][0])}
    for comm_id, entry in state.items():
        if "disabled" in entry["state"] and f"IPY_MODEL_{comm_id}" not in linked:
            name = entry["model_name"]
            assert entry["state"]["disabled"], f"{name} is enabled: run `make notebooks`"


def test_a_changed_frame_is_named_by_notebook_cell_and_place():
    stored, fresh = widget_notebook(), widget_notebook(frames=("<b>0</b>", "<b>7</b>"))
    [problem] = freshness.differences(stored, fresh, "ch.ipynb")
    assert problem.startswith("ch.ipynb, code cell 2 (player): widget Stack.children[1] HTML, "
                              "value differs at character 3")
    assert "'<b>1</b>'" in problem and "'<b>7</b>'" in problem
    assert freshness.differences(stored, widget_notebook(), "ch.ipynb") == []


def test_a_changed_link_and_text_output_are_reported():
    stored, fresh = widget_notebook(), widget_notebook()
    state_of(fresh)[B]["state"]["target"] = [f"IPY_MODEL_{A}", "index"]
    fresh.cells[1].outputs[0].data["text/plain"] = "Player(other)"
    text, link = freshness.differences(stored, fresh, "ch.ipynb")
    assert text.startswith("ch.ipynb, code cell 2 (player), output 1: text/plain differs at "
                           "character 7: stored 'Player(...)', a fresh run 'Player(other)'")
    assert link.startswith("ch.ipynb, code cell 2 (player): widget Link of Stack, target stored")


def png(colour, size=(4, 3), **info):
    buffer = io.BytesIO()
    from PIL import PngImagePlugin

    meta = PngImagePlugin.PngInfo()
    for key, value in info.items():
        meta.add_text(key, value)
    Image.new("RGB", size, colour).save(buffer, "png", pnginfo=meta)
    return base64.b64encode(buffer.getvalue()).decode()


def figure_notebook(image):
    return new_notebook(cells=[new_code_cell("plot()", id="fig", outputs=[new_output(
        "display_data", data={"image/png": image, "text/plain": "<Figure>"})])])


def test_images_are_compared_by_pixels():
    stored = figure_notebook(png("white", Software="one encoder"))
    same_pixels = figure_notebook(png("white", Software="another"))
    assert freshness.differences(stored, same_pixels, "ch.ipynb") == []
    [problem] = freshness.differences(stored, figure_notebook(png((255, 255, 254))), "ch.ipynb")
    assert problem == "ch.ipynb, code cell 1 (plot()), output 1: image pixels differ: 12 of 12"
    [problem] = freshness.differences(stored, figure_notebook(png("white", (5, 3))), "ch.ipynb")
    assert problem.endswith("image size 4x3 stored, 5x3 fresh")


def test_make_notebooks_keeps_the_stored_bytes_of_an_unchanged_figure():
    stored = figure_notebook(png("white", Software="one encoder"))
    fresh = figure_notebook(png("white", Software="another"))
    keep_stored_images(fresh, stored)
    assert fresh == stored
    changed = figure_notebook(png("black"))
    keep_stored_images(changed, stored)
    assert changed != stored
