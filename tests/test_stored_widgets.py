"""The site and the decks refuse a notebook saved from a live kernel without its widget state."""

import uuid
from pathlib import Path

import build_site
import build_slides
import nbformat
import pytest
import stored_widgets

ROOT = Path(__file__).parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def saved_from_a_kernel(folder: Path) -> Path:
    """The smallest chapter as JupyterLab saves it by default after Run All: its outputs
    name the kernel's fresh widget models, its stored state still holds the old ones."""
    source = min(NOTEBOOKS, key=lambda p: p.stat().st_size)
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(stored_widgets.WIDGET_VIEW)
            if view is not None:
                view["model_id"] = uuid.uuid4().hex
    folder.mkdir()
    nbformat.write(nb, folder / source.name)
    return folder / source.name


def test_the_stored_chapters_have_every_model_their_views_show():
    for path in NOTEBOOKS:
        assert stored_widgets.missing_models(nbformat.read(path, as_version=4)) == [], path.name


def test_the_site_refuses_it_and_says_how_to_recover(tmp_path):
    saved = saved_from_a_kernel(tmp_path / "notebooks")
    out = tmp_path / "html"
    with pytest.raises(stored_widgets.SavedFromKernel) as error:
        build_site.build(out, saved.parent)
    message = str(error.value)
    assert message.startswith(f"{saved.name}: ") and "code cell " in message
    assert "saved from a live kernel" in message
    assert f"git checkout notebooks/{saved.name}" in message and "make notebooks" in message
    assert not out.exists(), "nothing is written"


def test_the_decks_refuse_it_before_writing_anything(tmp_path):
    saved = saved_from_a_kernel(tmp_path / "notebooks")
    out = tmp_path / "slides"
    with pytest.raises(SystemExit) as error:
        build_slides.main([str(out), str(saved)])
    assert "saved from a live kernel" in str(error.value) and "make notebooks" in str(error.value)
    assert not out.exists()
