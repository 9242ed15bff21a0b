"""Build the book as a static site (`make html`): build/html/ from the stored notebooks.

Each chapter is rendered by nbconvert's lab template from its stored outputs and
widget state (nothing is re-executed; nbval and the freshness test keep them true),
with previous / contents / next links and the site's CSS (tools/site/). The index
lists every chapter found in notebooks/. tools/vendor_js.py copies the JavaScript
the pages load beside them, so build/html/index.html works from disk with no
network.

    python tools/build_site.py [--out build/html]
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import jinja2
import markupsafe
import mistune
import nbformat
import stored_widgets
import vendor_js
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SITE = Path(__file__).with_name("site")
ACCESS = Path(__file__).with_name("access")  # names and colours for every reader (the decks too)
TITLE = "Convolutional layers, step by step"
BEFORE_YOU_START = re.compile(r"\*\*Before you start\.\*\*.*?(?:\n\s*\n|\Z)", re.DOTALL)
# What a chapter's "Before you start" paragraph (how to run the notebook) says on a page.
ON_THIS_PAGE = (
    "**On this page** the stored animations play without Python: Play, the step slider "
    "and its arrow keys work here, and so do the settings with a few values, whose every "
    "animation is stored. The step buttons and the other settings ask the notebook's "
    "running kernel, so they are greyed out; to use them, open the notebook with "
    "`make lab` (see the [contents](index.html)).\n\n")

# An exercise's stored verdict ("Not yet. ... run the cell again") is for a notebook that runs.
VERDICT = 'class="cbk-verdict"'
CHECK_IN_THE_NOTEBOOK = {
    "text/html": '<p class="book-check">Your answer is checked when this cell runs in the '
                 'notebook: open it with <code>make lab</code>.</p>',
    "text/plain": "Your answer is checked when this cell runs in the notebook (make lab)."}


@dataclass(frozen=True)
class Chapter:
    """One notebook of the book and what the site says about it."""

    notebook: Path
    title: str  # the notebook's first heading, e.g. "1. Cross-correlation"
    summary: str  # one line of HTML for the index

    @property
    def page(self) -> str:
        return self.notebook.stem + ".html"


def inline_html(markdown: str) -> str:
    """One paragraph of Markdown as inline HTML."""
    return mistune.html(markdown).strip().removeprefix("<p>").removesuffix("</p>")


def readme_summaries(readme: Path) -> dict[str, str]:
    """The README's "what it teaches" line for each notebook file name."""
    rows = re.findall(r"^\|[^|]*\|\s*\[`([^`]+\.ipynb)`\][^|]*\|(.+)\|\s*$", readme.read_text(),
                      re.MULTILINE)
    return {name: text.strip() for name, text in rows}


def chapters(folder: Path = NOTEBOOKS, readme: Path = ROOT / "README.md") -> list[Chapter]:
    """Every chapter in `folder`, in file-name order, with its README line (or first sentence)."""
    known = readme_summaries(readme)
    found = []
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        first = nbformat.read(path, as_version=4).cells[0].source
        title = re.search(r"^# (.+)$", first, re.MULTILINE).group(1).strip()
        # a chapter the README does not list yet: the first sentence of its introduction
        intro = BEFORE_YOU_START.sub("", first.split("\n", 1)[1]).strip()
        summary = known.get(path.name) or re.split(r"(?<=\.)\s", intro, maxsplit=1)[0]
        found.append(Chapter(path, title, inline_html(summary.replace("\n", " "))))
    return found


def navigation(book: list[Chapter], index: int) -> str:
    """Previous, contents and next links of chapter `index`."""
    def link(i: int, rel: str, arrow: str) -> str:
        if not 0 <= i < len(book):
            return f'<span class="book-nav-{rel}"></span>'
        text = f"{arrow} {html.escape(book[i].title)}" if rel == "prev" else \
            f"{html.escape(book[i].title)} {arrow}"
        return f'<a class="book-nav-{rel}" rel="{rel}" href="{book[i].page}">{text}</a>'

    return ('<nav class="book-nav" aria-label="chapters">' + link(index - 1, "prev", "←")
            + '<a class="book-nav-contents" href="index.html">Contents</a>'
            + link(index + 1, "next", "→") + "</nav>")


def for_the_page(nb: nbformat.NotebookNode, title: str) -> nbformat.NotebookNode:
    """The notebook as a page shows it: its title, what works without a kernel, and where an
    exercise's answer is checked."""
    first = nb.cells[0]
    first.source = BEFORE_YOU_START.sub(lambda _: ON_THIS_PAGE, first.source, count=1)
    for cell in (cell for cell in nb.cells if cell.cell_type == "code"):
        cell.outputs = [nbformat.v4.new_output("display_data", data=CHECK_IN_THE_NOTEBOOK)
                        if VERDICT in output.get("data", {}).get("text/html", "") else output
                        for output in cell.outputs]
    nb.metadata["title"] = f"{title} · {TITLE}"
    return nb


class SiteExporter(HTMLExporter):
    """nbconvert's lab page, linking JupyterLab's stylesheets (written once into `out`)
    rather than inlining 250 kB of them in every page."""

    def __init__(self, out: Path, **kwargs):
        super().__init__(**kwargs)
        self.out = out

    def _init_resources(self, resources):
        resources = super()._init_resources(resources)

        def link_css(name: str) -> markupsafe.Markup:
            url = f"{vendor_js.STATIC}/lab/{Path(name).name}"
            (self.out / url).parent.mkdir(parents=True, exist_ok=True)
            (self.out / url).write_text(self.environment.loader.get_source(
                self.environment, name)[0], encoding="utf-8")
            return markupsafe.Markup(f'<link rel="stylesheet" href="{url}">')

        resources["include_css"] = link_css
        return resources


def build(out: Path, folder: Path = NOTEBOOKS) -> list[Path]:
    """Write the site into `out` (replacing it); return the pages written."""
    book = chapters(folder)
    stored_widgets.require_stored_models([chapter.notebook for chapter in book])
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    vendor_js.install(out)
    shutil.copyfile(SITE / "book.css", out / vendor_js.STATIC / "book.css")
    shutil.copytree(ACCESS, out / vendor_js.STATIC / "access")
    shutil.copyfile(SITE.parent / "players.js", out / vendor_js.STATIC / "players.js")
    exporter = SiteExporter(out, template_name="lab", template_file="chapter.html.j2",
                            extra_template_paths=[str(SITE)], **vendor_js.exporter_config())
    pages = []
    for index, chapter in enumerate(book):
        nb = for_the_page(nbformat.read(chapter.notebook, as_version=4), chapter.title)
        body, _ = exporter.from_notebook_node(nb, resources={"book": {
            "nav": navigation(book, index)}})
        pages.append(out / chapter.page)
        pages[-1].write_text(body, encoding="utf-8")
    readme = (ROOT / "README.md").read_text()
    about = re.search(r"^# .+?\n\n(.+?)\n\n", readme, re.DOTALL).group(1)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(SITE), autoescape=True)
    index = env.get_template("index.html.j2").render(
        title=TITLE, about=mistune.html(about.replace("\n", " ")), chapters=book)
    pages.insert(0, out / "index.html")
    pages[0].write_text(index, encoding="utf-8")
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "html")
    args = parser.parse_args(argv)
    try:
        pages = build(args.out)
    except stored_widgets.SavedFromKernel as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{len(pages)} pages in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
