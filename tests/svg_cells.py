"""The cells of a frame's grids, read back from its SVG for the tests: each grid draws
one group per look, `<g class='w'><path d='M x y h...'/><text x y>n</text>...</g>`."""

from __future__ import annotations

import re

GROUP = re.compile(r"<g class='([\w ]+)'><path d='([^']*)'/>((?:<text[^>]*>[^<]*</text>)*)</g>")
SQUARE = re.compile(r"M(\d+) (\d+)h(\d+)")
NUMBER = re.compile(r"<text x='(\d+)' y='(\d+)'[^>]*>([^<]*)</text>")


def cells(frame: str, look: str | None = None) -> list[tuple[str, str]]:
    """Every cell of the frame's grids as (look, number), grid by grid and in reading
    order within a grid ("" where no number shows); only those of `look` if given."""
    found = []
    for svg in frame.split("<svg")[1:]:
        grid = {}
        for cls, path, texts in GROUP.findall(svg):
            numbers = {(int(x), int(y)): n for x, y, n in NUMBER.findall(texts)}
            for x, y, size in ((int(v) for v in m) for m in SQUARE.findall(path)):
                grid[y, x] = (cls, numbers.pop((x + size // 2, y + size // 2), ""))
            assert not numbers, f"numbers outside the squares of look {cls}: {numbers}"
        found += [grid[at] for at in sorted(grid)]
    return [cell for cell in found if look is None or cell[0] == look]


def count(frame: str, look: str) -> int:
    """How many cells of the frame's grids are drawn with class `look`."""
    return len(cells(frame, look))
