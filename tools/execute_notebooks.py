"""Re-execute notebooks in place from a fresh kernel, storing outputs and widget state.

Used by `make notebooks`: stored outputs are always what this produces, never
edited by hand. The same book gives the same bytes, so a prose edit shows in
`git diff` as just that edit:

- widget model ids are renamed after execution to ids that depend only on the
  code cell that created the widget (its cell id) and the order of creation in
  that cell: in the widget state, in references between widgets
  ("IPY_MODEL_<id>", jslinks) and in every widget-view output alike;
- widgets the notebook closed (frames a player replaced) are not stored;
- no timings, execution counts 1..n, the kernelspec `make setup` installs;
- a cell's stdout is one output however the kernel happened to flush it (a busy
  machine splits a print into several messages);
- figures: the kernel runs with the book's own matplotlibrc and
  SOURCE_DATE_EPOCH, and a PNG whose pixels equal the stored one keeps the
  stored bytes (a different Pillow or zlib encodes the same pixels differently).

tools/freshness.py runs the same execution into memory and compares it with the
stored notebook (`make test` does this for every notebook).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from helpers.widgets import NEEDS_KERNEL

KERNEL_NAME = "python3"
# What `make setup` installs (its `ipykernel install --display-name`): JupyterLab then opens
# a notebook without marking it changed. tests/test_project.py keeps the two in step.
KERNEL_DISPLAY_NAME = "Python 3 (convolution book)"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MATPLOTLIBRC = Path(__file__).with_name("matplotlibrc")
LINK_MODELS = {"LinkModel", "DirectionalLinkModel"}
MODEL_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")


class BookClient(NotebookClient):
    """An nbclient that remembers which cell created each widget and which were closed."""

    def __init__(self, nb, **kwargs):
        super().__init__(nb, **kwargs)
        self.created_in: dict[str, int] = {}
        self.closed: set[str] = set()

    def handle_comm_msg(self, outs, msg, cell_index):
        comm_id = msg["content"].get("comm_id")
        if msg["msg_type"] == "comm_open":
            self.created_in.setdefault(comm_id, cell_index)
        elif msg["msg_type"] == "comm_close":
            self.closed.add(comm_id)
        super().handle_comm_msg(outs, msg, cell_index)


def kernel_env() -> dict[str, str]:
    """The kernel's environment: no user matplotlibrc, no dates in figure files."""
    return {**os.environ, "MATPLOTLIBRC": str(MATPLOTLIBRC), "SOURCE_DATE_EPOCH": "0"}


def run(nb: nbformat.NotebookNode, directory: Path) -> BookClient:
    """Execute `nb` in place from a fresh kernel, storing widget state and no timings."""
    client = BookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=600,
        store_widget_state=True,
        record_timing=False,
        coalesce_streams=True,  # one print can reach the client in several pieces
        resources={"metadata": {"path": str(directory)}},
    )
    client.execute(env=kernel_env())
    return client


def model_id(cell_key: str, n: int) -> str:
    """A widget's stored id: a hash of its cell and its place in the cell's creation order."""
    return hashlib.sha256(f"{cell_key}/{n}".encode()).hexdigest()[:32]


def referenced(value) -> set[str]:
    """The model ids a piece of widget state refers to."""
    return set(re.findall(r"IPY_MODEL_([0-9a-f]{32})", json.dumps(value)))


def disable_kernel_controls(state: dict) -> None:
    """Store every control that only the kernel can serve as disabled, saying so.

    A stored notebook opened before Run All (or a static page) has no kernel:
    Play, the step slider and the speed slider still work, through links in the
    page; every other control (step buttons, settings, drawing cells) would do
    nothing when used. Stored disabled, with a tooltip that says why, they tell
    the reader instead. The kernel's own widgets, made when the cell runs, are
    enabled as usual.
    """
    linked = set()
    for entry in state.values():
        if entry["model_name"] in LINK_MODELS:
            linked |= referenced(entry["state"])
    for comm_id, entry in state.items():
        widget = entry["state"]
        if "disabled" not in widget or comm_id in linked:
            continue
        widget["disabled"] = True
        tip = widget.get("tooltip") or widget.get("description") or ""
        if not tip.endswith(NEEDS_KERNEL):
            widget["tooltip"] = f"{tip}{NEEDS_KERNEL}".strip()


def normalise(nb: nbformat.NotebookNode, created_in: dict[str, int],
              closed: set[str]) -> nbformat.NotebookNode:
    """The executed notebook with deterministic widget ids and no closed widgets.

    `created_in` maps a widget's comm id to the index of the cell that created it;
    `closed` holds the comm ids of widgets the notebook closed.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    shown = {o.data[WIDGET_VIEW]["model_id"] for c in nb.cells if c.cell_type == "code"
             for o in c.outputs if "data" in o and WIDGET_VIEW in o.data}
    keep = shown | (set(state) - closed)
    todo = list(keep)
    while todo:  # a closed widget that a live one still refers to stays
        for ref in referenced(state.get(todo.pop(), {})):
            if ref not in keep:
                keep.add(ref)
                todo.append(ref)
    for comm_id in set(state) - keep:
        del state[comm_id]
    disable_kernel_controls(state)
    renamed, counts = {}, {}
    for comm_id in state:  # creation order
        index = created_in.get(comm_id)
        key = "-" if index is None else nb.cells[index].get("id", str(index))
        counts[key] = counts.get(key, 0) + 1
        renamed[comm_id] = model_id(key, counts[key])
    text = MODEL_ID.sub(lambda m: renamed.get(m.group(0), m.group(0)), json.dumps(nb))
    nb = nbformat.from_dict(json.loads(text))
    nb.metadata.kernelspec = {"name": KERNEL_NAME, "display_name": KERNEL_DISPLAY_NAME,
                              "language": "python"}
    return nb


def pixels(png_base64: str) -> tuple:
    """A PNG's size and decoded RGBA pixels."""
    from PIL import Image

    image = Image.open(io.BytesIO(base64.b64decode(png_base64))).convert("RGBA")
    return image.size, image.tobytes()


def keep_stored_images(nb: nbformat.NotebookNode, stored: nbformat.NotebookNode) -> None:
    """Reuse the stored bytes of every PNG whose pixels did not change."""
    old_cells = {c.get("id"): c for c in stored.cells if c.cell_type == "code"}
    for cell in nb.cells:
        old = old_cells.get(cell.get("id"))
        if cell.cell_type != "code" or old is None or len(old.outputs) != len(cell.outputs):
            continue
        for new_out, old_out in zip(cell.outputs, old.outputs, strict=True):
            new_png = new_out.get("data", {}).get("image/png")
            old_png = old_out.get("data", {}).get("image/png")
            if new_png and old_png and new_png != old_png and pixels(new_png) == pixels(old_png):
                new_out.data["image/png"] = old_png


def execute(path: Path) -> nbformat.NotebookNode:
    """The notebook at `path` re-executed from a fresh kernel and normalised (not written)."""
    nb = nbformat.read(path, as_version=4)
    client = run(nb, path.parent)
    return normalise(nb, client.created_in, client.closed)


def main(paths: list[str]) -> None:
    if not paths:
        sys.exit("usage: execute_notebooks.py NOTEBOOK.ipynb ...")
    for name in paths:
        print(f"executing {name}", flush=True)
        path = Path(name)
        nb = execute(path)
        keep_stored_images(nb, nbformat.read(path, as_version=4))
        nbformat.write(nb, path)


if __name__ == "__main__":
    main(sys.argv[1:])
