"""Lecture decks: one reveal.js deck per chapter in build/slides/ (`make slides`).

A chapter's cells say by their `slideshow.slide_type` what its deck shows (a
lecture-sized cut: goals, key formulas, the animations, the checks). The decks
are built from the stored notebooks, whose widget state holds every frame, so
the animations play with no kernel. Everything a deck loads is copied into
build/slides/ (tools/vendor_js.py: pinned npm packages, reveal.js 4.0.2), so the
decks work from disk with no network. tools/deck/ is the deck's template: a 16:9
canvas, reveal.js's `white` theme (`simple` loads Google Fonts), and a plugin
(deck.js) with which presenter keys step an animation before leaving its slide.

    python tools/build_slides.py [OUT_DIR [NOTEBOOK ...]]   # build/slides, every chapter
"""

from __future__ import annotations

import html
import json
import re
import shutil
import sys
from pathlib import Path

import nbformat
import stored_widgets
import vendor_js
from nbconvert import SlidesExporter

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGES = vendor_js.PAGE_PACKAGES + ("reveal.js",)
# The first cell's note on running the notebook in JupyterLab; a deck needs no kernel.
BEFORE_YOU_START = re.compile(r"\*\*Before you start\.\*\*.*?\n\n", re.DOTALL)
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MODEL_REF = re.compile(r"IPY_MODEL_([0-9a-f]{32})")
LINK_MODELS = {"LinkModel", "DirectionalLinkModel"}


def deck_name(notebook: Path) -> str:
    return f"{notebook.stem}.slides.html"


def on_slides(cell) -> bool:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-") != "skip"


def keep_widgets(state: dict, shown: set[str]) -> None:
    """Drop from the widget `state` every model that the widgets `shown` do not use:
    the models they refer to, and the links between those (Play, slider, frames)."""
    uses = {model: set(MODEL_REF.findall(json.dumps(entry))) for model, entry in state.items()}
    keep, todo = set(), list(shown)
    while todo:
        model = todo.pop()
        if model in state and model not in keep:
            keep.add(model)
            todo += uses[model]
    links = {model for model, used in uses.items()
             if state[model]["model_name"] in LINK_MODELS and used and used <= keep}
    for model in set(state) - keep - links:
        del state[model]


def lecture_copy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The chapter as its deck shows it: the cells on slides, the widget state they use,
    and a title slide without "Before you start"."""
    nb = nbformat.from_dict(nb)
    nb.cells = [cell for cell in nb.cells if on_slides(cell)]
    nb.cells[0].source = BEFORE_YOU_START.sub("", nb.cells[0].source, count=1)
    shown = {output.data[WIDGET_VIEW]["model_id"] for cell in nb.cells
             for output in cell.get("outputs", []) if WIDGET_VIEW in output.get("data", {})}
    keep_widgets(nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {}), shown)
    return nb


def exporter() -> SlidesExporter:
    """nbconvert's slides exporter with the book's template and local JavaScript."""
    return SlidesExporter(
        template_name="deck", extra_template_basedirs=[str(HERE)],
        reveal_theme="white", reveal_transition="none",
        exclude_input_prompt=True, exclude_output_prompt=True,
        **vendor_js.exporter_config(PACKAGES))


def index_page(notebooks: list[Path]) -> str:
    """A page listing the decks, each by its chapter's title."""
    items = []
    for path in notebooks:
        title = nbformat.read(path, as_version=4).cells[0].source.splitlines()[0].lstrip("# ")
        items.append(f'<li><a href="{deck_name(path)}">{html.escape(title)}</a></li>')
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>Convolutional layers: lecture decks</title></head>\n"
            "<body style=\"font-family: system-ui, sans-serif; font-size: 20px\">\n"
            "<h1>Convolutional layers: lecture decks</h1>\n<ul>\n" + "\n".join(items) +
            "\n</ul>\n<p>Arrow keys, Page Up/Down or a presenter remote step the animations, "
            "then the slides. Esc shows all slides; S opens the speaker view.</p>\n"
            "</body></html>\n")


def build(out: Path, notebooks: list[Path]) -> list[Path]:
    """Write a deck for each notebook, the files they load and an index into `out`."""
    stored_widgets.require_stored_models(notebooks)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    vendor_js.install(out, PACKAGES)
    shutil.copytree(HERE / "deck" / "static", out / vendor_js.STATIC / "deck")
    shutil.copytree(HERE / "access", out / vendor_js.STATIC / "access")  # as on the site
    slides = exporter()
    decks = []
    for path in notebooks:
        body, _ = slides.from_notebook_node(lecture_copy(nbformat.read(path, as_version=4)),
                                            resources={"metadata": {"name": path.stem}})
        decks.append(out / deck_name(path))
        decks[-1].write_text(body, encoding="utf-8")
    (out / "index.html").write_text(index_page(notebooks), encoding="utf-8")
    return decks


def main(argv: list[str]) -> None:
    out = Path(argv[0]) if argv else ROOT / "build" / "slides"
    notebooks = [Path(name) for name in argv[1:]] or sorted(ROOT.glob("notebooks/*.ipynb"))
    try:
        decks = build(out, notebooks)
    except stored_widgets.SavedFromKernel as error:
        sys.exit(str(error))
    for deck in decks:
        print(deck)


if __name__ == "__main__":
    main(sys.argv[1:])
