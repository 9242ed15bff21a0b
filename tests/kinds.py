"""What the tests share: the standard inputs and a frame read as a browser reads it.

    from kinds import K2, X3, math_lines, read_frame
"""

from __future__ import annotations

from html.parser import HTMLParser

import torch

X3 = torch.arange(9.0).reshape(3, 3)
K2 = torch.arange(4.0).reshape(2, 2)


class _FrameReader(HTMLParser):
    """The first `.cbk[data-step]` element's data attributes, and the textContent of each
    `div` child of a `.cbk-math` in it, as `querySelectorAll('.cbk-math > div')` finds them."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.frame: dict | None = None
        self.math: list[str] = []
        self._open: list[tuple[str, set[str]]] = []  # the elements open, with their classes
        self._line: int | None = None  # depth of the math line being read

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        if self.frame is None and "cbk" in classes and "data-step" in attributes:
            self.frame = {"depth": len(self._open), **attributes}
        in_frame = self.frame is not None and self.frame.get("end") is None
        if (in_frame and tag == "div" and self._line is None and self._open
                and "cbk-math" in self._open[-1][1]):
            self._line = len(self._open)
            self.math.append("")
        if tag not in self.VOID:
            self._open.append((tag, classes))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        while self._open:  # an end tag closes what it ends, and anything left open inside
            open_tag, _ = self._open.pop()
            if self._line == len(self._open):
                self._line = None
            if self.frame is not None and self.frame["depth"] == len(self._open):
                self.frame.setdefault("end", True)
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._line is not None:
            self.math[-1] += data


def read_frame(html: str) -> dict:
    """A frame as the browser test reads it (e2e/check_book.py, READ_FRAME): its step,
    `data-value`, `data-out` and the text of its arithmetic lines."""
    reader = _FrameReader()
    reader.feed(html)
    reader.close()
    if reader.frame is None:
        raise ValueError("no .cbk[data-step] frame in this HTML")
    return {"step": int(reader.frame["data-step"]), "value": reader.frame.get("data-value"),
            "out": reader.frame.get("data-out"), "math": reader.math}


def math_lines(frame_html: str) -> list[str]:
    """The text of a frame's `.cbk-math > div` lines, as a browser's textContent gives them."""
    return read_frame(frame_html)["math"]
