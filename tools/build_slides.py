"""Lecture decks: one reveal.js deck per chapter in build/slides/ (`make slides`).

A chapter's cells say by their `slideshow.slide_type` what its deck shows (a
lecture-sized cut: goals, key formulas, the animations, the checks). The decks
are built from the stored notebooks, whose widget state holds every frame, so
the animations play with no kernel. Everything a deck loads is copied into
build/slides/ (tools/vendor_js.py: pinned npm packages, reveal.js 4.0.2), so the
decks work from disk with no network. tools/deck/ is the deck's template: a 16:9
canvas, reveal.js's `white` theme (`simple` loads Google Fonts), and a plugin
(deck.js) with which presenter keys step an animation before leaving its slide.
The decks link nbconvert's stylesheets, written once beside them, as the site does
(build_site.SiteExporter), and load tools/players.js, which stops Play on its last
step.

What a deck shows of a chapter (`lecture_copy`): the cells on slides; a title slide
with the chapter's title and goals, its conventions on a slide of their own and its
introduction in the speaker notes; the prose cells left out of the deck as the
speaker notes of the slide before them; and of each widget, only the controls that
work with no kernel (the others are greyed out in a page, and take room on a slide).

    python tools/build_slides.py [OUT_DIR [NOTEBOOK ...]]   # build/slides, every chapter
"""

from __future__ import annotations

import html
import json
import re
import shutil
import sys
from pathlib import Path

import build_site
import nbformat
import stored_widgets
import vendor_js
from nbconvert import SlidesExporter

from helpers.widgets import NEEDS_KERNEL

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGES = vendor_js.PAGE_PACKAGES + ("reveal.js",)
# The first cell's note on running the notebook in JupyterLab; a deck needs no kernel.
BEFORE_YOU_START = re.compile(r"\*\*Before you start\.\*\*.*?\n\n", re.DOTALL)
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MODEL_REF = re.compile(r"IPY_MODEL_([0-9a-f]{32})")
LINK_MODELS = {"LinkModel", "DirectionalLinkModel"}
BOXES = {"BoxModel", "HBoxModel", "VBoxModel", "GridBoxModel"}
# The title cell's paragraphs: the goals (a heading line and its list) and the conventions.
GOALS = re.compile(r"^\*\*By the end")
CONVENTIONS = re.compile(r"^\*\*Conventions?\b")


def deck_name(notebook: Path) -> str:
    return f"{notebook.stem}.slides.html"


def on_slides(cell) -> bool:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-") != "skip"


def slide_cell(source: str, slide_type: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(source, metadata={"slideshow": {
        "slide_type": slide_type}})


def speaker_notes(cell) -> bool:
    """A prose cell the deck leaves out, which the speaker view shows instead (not a
    worked solution)."""
    return (cell.cell_type == "markdown" and not on_slides(cell)
            and "solution" not in cell.metadata.get("tags", []))


def title_slides(first: str) -> list[nbformat.NotebookNode]:
    """The chapter's first cell (without "Before you start") as the deck shows it: the
    title and the goals, the conventions on a slide of their own, the rest of the
    introduction as speaker notes. A first cell without goals stays one slide."""
    title, *paragraphs = [p.strip() for p in first.strip().split("\n\n") if p.strip()]
    goals = [i for i, p in enumerate(paragraphs) if GOALS.match(p)]
    if not goals:
        return [slide_cell(first, "slide")]
    start = goals[0]
    end = start + 1 + (start + 1 < len(paragraphs) and paragraphs[start + 1].startswith("- "))
    conventions = [p for p in paragraphs if CONVENTIONS.match(p)]
    intro = [p for i, p in enumerate(paragraphs)
             if not start <= i < end and p not in conventions]
    cells = [slide_cell("\n\n".join([title, *paragraphs[start:end]]), "slide")]
    cells += [slide_cell(text, "notes") for text in intro]
    cells += [slide_cell(text, "subslide") for text in conventions]
    return cells


def drop_kernel_controls(state: dict) -> None:
    """Leave out of every box the controls that only a kernel serves (stored disabled,
    saying so), and the rows they leave empty: a deck cannot use them."""
    gone = {model for model, entry in state.items() if entry["state"].get("disabled")
            and str(entry["state"].get("tooltip", "")).endswith(NEEDS_KERNEL)}
    changed = True
    while changed:
        changed = False
        for model, entry in state.items():
            children = entry["state"].get("children")
            if entry["model_name"] not in BOXES or not children or model in gone:
                continue
            kept = [c for c in children if c.removeprefix("IPY_MODEL_") not in gone]
            if len(kept) < len(children):
                entry["state"]["children"], changed = kept, True
                if not kept:
                    gone.add(model)


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
    """The chapter as its deck shows it: the cells on slides and the speaker notes, the
    widget state they use without the controls a deck cannot use, and title slides
    without "Before you start"."""
    nb = nbformat.from_dict(nb)
    first, *rest = nb.cells
    for cell in rest:
        if speaker_notes(cell):
            cell.metadata.setdefault("slideshow", {})["slide_type"] = "notes"
    nb.cells = title_slides(BEFORE_YOU_START.sub("", first.source, count=1)) + [
        cell for cell in rest if on_slides(cell)]
    shown = {output.data[WIDGET_VIEW]["model_id"] for cell in nb.cells
             for output in cell.get("outputs", []) if WIDGET_VIEW in output.get("data", {})}
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    drop_kernel_controls(state)
    keep_widgets(state, shown)
    return nb


class DeckExporter(build_site.SiteExporter, SlidesExporter):
    """nbconvert's slides exporter, linking JupyterLab's stylesheets as the site does
    (written once into `out`, not inlined in every deck)."""


def exporter(out: Path) -> DeckExporter:
    """The slides exporter with the book's template and local JavaScript and styles."""
    return DeckExporter(
        out, template_name="deck", extra_template_basedirs=[str(HERE)],
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
            "then the slides; Shift+Page Down skips the rest of an animation, and a slide "
            "number then Enter goes to that slide. Esc shows all slides; S opens the speaker "
            "view with notes; ? lists every key.</p>\n"
            "</body></html>\n")


def build(out: Path, notebooks: list[Path]) -> list[Path]:
    """Write a deck for each notebook, the files they load and an index into `out`."""
    stored_widgets.require_stored_models(notebooks)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    vendor_js.install(out, PACKAGES)
    shutil.copytree(HERE / "deck" / "static", out / vendor_js.STATIC / "deck")
    shutil.copytree(HERE / "access", out / vendor_js.STATIC / "access")  # as on the site
    shutil.copyfile(HERE / "players.js", out / vendor_js.STATIC / "players.js")
    slides = exporter(out)
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
