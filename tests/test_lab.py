"""`make lab`: the reader's copies keep the book clean, and the server starts as a reader needs."""

import json
import os
from pathlib import Path

import lab

ROOT = Path(__file__).parent.parent


def test_reader_copies_are_made_once_and_then_kept(tmp_path):
    book, reader = tmp_path / "notebooks", tmp_path / "mine"
    book.mkdir()
    for name in ("01_a.ipynb", "02_b.ipynb"):
        (book / name).write_text(name)
    copied, older = lab.reader_copies(book, reader)
    assert [p.name for p in copied] == ["01_a.ipynb", "02_b.ipynb"] and older == []
    (reader / "01_a.ipynb").write_text("the reader's work")
    os.utime(book / "02_b.ipynb", (2e9, 2e9))  # the book's chapter 2 changed since
    copied, older = lab.reader_copies(book, reader)
    assert copied == [] and [p.name for p in older] == ["02_b.ipynb"]
    assert (reader / "01_a.ipynb").read_text() == "the reader's work"
    assert (reader / "02_b.ipynb").read_text() == "02_b.ipynb"


def test_the_server_listens_on_loopback_without_the_language_server_at_chapter_1(tmp_path):
    command = lab.lab_command(tmp_path, "01_cross_correlation.ipynb")
    assert "--ServerApp.ip=127.0.0.1" in command
    assert f"--ServerApp.root_dir={tmp_path}" in command
    assert "--ServerApp.jpserver_extensions=jupyter_lsp=False" in command
    assert "--LabApp.default_url=/lab/tree/01_cross_correlation.ipynb" in command


def test_the_reader_folder_is_ignored_by_git():
    assert "my-notebooks/" in (ROOT / ".gitignore").read_text().split()


def test_a_save_stores_the_live_widget_state():
    """Without it, a saved notebook's outputs name the live kernel's widget models while
    its stored state keeps the old ones: every animation reads "model not found"."""
    settings = json.loads((ROOT / "jupyter" / "overrides.json").read_text())
    assert settings["@jupyter-widgets/jupyterlab-manager:plugin"] == {"saveState": True}
