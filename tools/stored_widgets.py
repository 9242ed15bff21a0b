"""Refuse to publish a notebook whose widget views have no stored model.

A notebook saved from a running kernel without its widget state (JupyterLab's
default) keeps outputs that name the kernel's live widget models, while the state
stored in `metadata.widgets` still holds the old ones. nbconvert then draws each
such view as its text line (`Player(corr2d, ...)`), so a site or deck built from it
would silently lose every animation. The builds call `require_stored_models` on
every notebook before they write anything, so the last good build stays.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class SavedFromKernel(ValueError):
    """A notebook shows widget views whose models it does not store."""


def missing_models(nb: nbformat.NotebookNode) -> list[str]:
    """Each widget view of `nb` whose model is not stored, as "code cell N (text line)"."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    missing, code = [], 0
    for cell in nb.cells:
        code += cell.cell_type == "code"
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is not None and view.get("model_id") not in state:
                text = output["data"].get("text/plain", "a widget").splitlines()[0][:60]
                missing.append(f"code cell {code} ({text})")
    return missing


def require_stored_models(paths: list[Path]) -> None:
    """Raise SavedFromKernel, saying how to recover, if a widget view of a notebook lacks
    its model."""
    for path in paths:
        missing = missing_models(nbformat.read(path, as_version=4))
        if missing:
            raise SavedFromKernel(
                f"{path.name}: {len(missing)} widget view(s) have no stored model, first "
                f"{missing[0]}: the notebook was saved from a live kernel without its widget "
                "state, and would show text in place of every animation. Restore the book's "
                f"copy (git checkout {path.parent.name}/{path.name}) or re-execute it (make "
                "notebooks)")
