"""The static site: every chapter listed and linked, nothing loaded from outside the site."""

import re
import shutil
from pathlib import Path

import build_site
import nbformat
import pytest
import vendor_js

ROOT = Path(__file__).parent.parent

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# What a page loads: a script, picture or frame's src, a stylesheet's href (not data: URLs).
LOADED = re.compile(r"<(?:script|img|iframe)\b[^>]*\bsrc=\"(?!data:)([^\"]+)\""
                    r"|<link\b[^>]*\bhref=\"(?!data:)([^\"]+)\"")


def test_every_notebook_is_a_chapter_with_a_title_and_a_line():
    book = build_site.chapters()
    assert [c.notebook for c in book] == NOTEBOOKS
    for chapter in book:
        number = int(chapter.notebook.name[:2])
        assert chapter.title.startswith(f"{number}. "), chapter.title
        assert chapter.summary and "\n" not in chapter.summary and "<p>" not in chapter.summary


def test_a_chapter_the_readme_does_not_list_gets_its_first_sentence(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "# 9. Dilated kernels\n\n**Before you start.** Run the notebook\nfirst.\n\n"
        "A kernel with `gaps` sees\nfurther. It costs nothing.")])
    nbformat.write(nb, tmp_path / "09_dilation.ipynb")
    (chapter,) = build_site.chapters(tmp_path)
    assert chapter.title == "9. Dilated kernels"
    assert chapter.summary == "A kernel with <code>gaps</code> sees further."
    assert chapter.page == "09_dilation.html"


def test_navigation_links_each_chapter_to_its_neighbours():
    book = build_site.chapters()
    first, last = build_site.navigation(book, 0), build_site.navigation(book, len(book) - 1)
    assert 'rel="prev"' not in first and f'href="{book[1].page}"' in first
    assert 'rel="next"' not in last and f'href="{book[-2].page}"' in last
    assert all('href="index.html"' in build_site.navigation(book, i) for i in range(len(book)))


def test_the_page_says_what_works_without_a_kernel():
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    page = build_site.for_the_page(nb, "1. Cross-correlation")
    assert "Before you start" not in page.cells[0].source
    assert page.cells[0].source.startswith("# 1. Cross-correlation\n\n**On this page**")
    assert page.metadata["title"].startswith("1. Cross-correlation")


def test_a_page_points_to_the_notebook_for_checking_an_answer():
    """A stored verdict ("run the cell again") means nothing where no cell runs."""
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    checks = [i for i, c in enumerate(nb.cells)
              if c.cell_type == "code" and "helpers.check(" in c.source]
    assert checks
    page = build_site.for_the_page(nb, "1. Cross-correlation")
    for index in checks:
        [output] = page.cells[index].outputs
        assert "make lab" in output.data["text/html"] and build_site.VERDICT not in str(output)


def test_the_index_links_the_decks_and_the_handout(tmp_path, stand_in_cache):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    index = build_site.build(tmp_path / "html", folder)[0].read_text()
    assert 'href="../slides/index.html"' in index and 'href="../handout/"' in index


@pytest.fixture
def stand_in_cache(tmp_path, monkeypatch):
    """A JavaScript cache of stand-in files, so the build needs no network."""
    monkeypatch.setenv("BOOK_NPM_CACHE", str(tmp_path / "cache"))
    for name in vendor_js.PAGE_PACKAGES:
        folder = vendor_js.cached(name)
        for url in vendor_js.exporter_config().values():
            inside = url.split("?")[0].removeprefix(f"{vendor_js.STATIC}/{name}/")
            if not inside.startswith(vendor_js.STATIC):
                (folder / inside).parent.mkdir(parents=True, exist_ok=True)
                (folder / inside).write_text("// stand-in")
        (folder / ".complete").write_text(vendor_js.stamp(name))


def test_the_site_loads_only_its_own_files(tmp_path, stand_in_cache):
    """A built page and the index: every file they load is in the site, by a relative URL."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    smallest = min(NOTEBOOKS, key=lambda p: p.stat().st_size)
    shutil.copy(smallest, folder)
    out = tmp_path / "html"
    pages = build_site.build(out, folder)
    assert [p.name for p in pages] == ["index.html", smallest.stem + ".html"]
    index = pages[0].read_text()
    assert f'href="{smallest.stem}.html"' in index
    for page in pages:
        text = page.read_text()
        for url in filter(None, (u for match in LOADED.findall(text) for u in match)):
            assert "//" not in url and not url.startswith("/"), f"{page.name} loads {url}"
            assert (out / url.split("?")[0]).is_file(), f"{page.name} loads missing {url}"
        assert not re.search(r"cdnjs|unpkg|jsdelivr|googleapis|import\(\"http", text), page.name
    assert "Before you start" not in pages[1].read_text()
