"""Re-execute notebooks in place from a fresh kernel, storing outputs and widget state.

Used by `make notebooks`: stored outputs are always what this produces, never
edited by hand. The nbval run in `make test` fails when they drift.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        store_widget_state=True,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                              "language": "python"}
    nbformat.write(nb, path)


def main(paths: list[str]) -> None:
    if not paths:
        sys.exit("usage: execute_notebooks.py NOTEBOOK.ipynb ...")
    for name in paths:
        print(f"executing {name}", flush=True)
        execute(Path(name))


if __name__ == "__main__":
    main(sys.argv[1:])
