"""Handouts: copies of the chapters without their worked solutions (`make handout`).

Every cell tagged `solution` is dropped, and so is a heading whose whole section
was solutions (the chapter's "## Solutions"), and the sentence that points readers
to them ("Worked solutions are at the end ..."). Everything else stays as stored,
code cells with their outputs and the widget state included, so every exercise's
check works as in the chapter and nbval passes on the copy as on the chapter.

    python tools/build_handout.py OUT_DIR NOTEBOOK ...
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

SOLUTION = "solution"
POINTER = re.compile(r"\s*Worked solutions are at[^.]*\.")


def is_solution(cell) -> bool:
    """Whether a cell is a worked solution (tagged `solution`)."""
    return SOLUTION in cell.metadata.get("tags", [])


def heading_level(cell) -> int:
    """1 for a markdown cell starting `# `, 2 for `## `, ...; 0 for any other cell."""
    if cell.cell_type != "markdown":
        return 0
    marks = len(cell.source) - len(cell.source.lstrip("#"))
    return marks if cell.source[marks:marks + 1] == " " else 0


def only_solutions_follow(cells, at: int) -> bool:
    """Whether the section headed by cells[at] holds solutions and nothing else."""
    level, section = heading_level(cells[at]), []
    for cell in cells[at + 1:]:
        if 0 < heading_level(cell) <= level:
            break
        section.append(cell)
    return bool(section) and all(is_solution(c) for c in section)


def handout(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of `nb` without its solution cells and the headings of solution-only sections."""
    nb = nbformat.from_dict(nb)
    nb.cells = [cell for at, cell in enumerate(nb.cells) if not is_solution(cell)
                and not (heading_level(cell) and only_solutions_follow(nb.cells, at))]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = POINTER.sub("", cell.source)
    return nb


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        sys.exit("usage: build_handout.py OUT_DIR NOTEBOOK ...")
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for name in argv[1:]:
        path = Path(name)
        nbformat.write(handout(nbformat.read(path, as_version=4)), out / path.name)
        print(f"{out / path.name}")


if __name__ == "__main__":
    main(sys.argv[1:])
