"""What the tests and the benchmark share: the standard inputs, the catalogue of every kind
of step sequence the book animates, and a frame read as a browser reads it.

    from kinds import K2, KINDS, X3, math_lines, read_frame, stored_frames

`KINDS` maps a name to a `Kind`: `kind.steps()` builds the sequence from the public API
(`helpers.conv2d_steps`, `pool2d_steps`, `corr1d_steps`, `corr3d_steps`, `conv1x1_steps`),
and `kind.names` holds the arguments its `.code` names (X and K, x and k, or X, W and b),
so `eval(steps.code, {"torch": torch, "F": F, **kind.names})` computes its output. The
benchmark (benchmarks/bench.py) times a frame of each kind under the same names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from html.parser import HTMLParser
from typing import NamedTuple

import torch

import helpers

X3 = torch.arange(9.0).reshape(3, 3)
K2 = torch.arange(4.0).reshape(2, 2)


class Kind(NamedTuple):
    """One kind of step sequence on one example."""

    steps: Callable[[], object]  # builds the step sequence
    names: Mapping[str, object]  # the arguments its `.code` names


def conv(X, K, **options) -> Kind:
    return Kind(partial(helpers.conv2d_steps, X, K, **options), {"X": X, "K": K})


def pool(X, pool_size, **options) -> Kind:
    return Kind(partial(helpers.pool2d_steps, X, pool_size, **options), {"X": X})


def corr1d(x, k, **options) -> Kind:
    return Kind(partial(helpers.corr1d_steps, x, k, **options), {"x": x, "k": k})


def corr3d(X, K, **options) -> Kind:
    return Kind(partial(helpers.corr3d_steps, X, K, **options), {"X": X, "K": K})


def conv1x1(X, W, b) -> Kind:
    return Kind(partial(helpers.conv1x1_steps, X, W, b), {"X": X, "W": W, "b": b})


EDGES = torch.ones(6, 8)
EDGES[:, 2:6] = 0
X8 = torch.arange(64.0).reshape(8, 8) % 7
X4 = torch.arange(16.0).reshape(4, 4)
X5 = torch.arange(25.0).reshape(5, 5)
K3 = torch.tensor([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
SIGNAL, EDGE = torch.arange(1.0, 8.0), torch.tensor([1.0, 0.0, -1.0])
VOLUME, CUBE = torch.arange(48.0).reshape(3, 4, 4) % 10, torch.ones(2, 2, 2)
X2 = torch.stack([X3, X3 + 1])  # chapter 3's two input channels
K_IN = torch.stack([K2, K2 + 1])  # and a kernel slice for each
K_OUT = torch.stack([K_IN + o for o in range(3)])  # and 3 output channels
INTS = torch.arange(30).reshape(3, 10)
_g = torch.Generator().manual_seed(2)
PIXELS, PIXEL_W = torch.randn(3, 2, 3, generator=_g) / 3, torch.randn(2, 3, 1, 1, generator=_g)

# Every kind of animation in the book and every option it shows, each on one example. The
# first names are the benchmark's since it began; keep a name for the same example, so that
# its report stays comparable from run to run.
KINDS: dict[str, Kind] = {
    "corr2d 3x3 * 2x2": conv(X3, K2),
    "corr2d edge 6x8 * 1x2": conv(EDGES, torch.tensor([[1.0, -1.0]])),
    "corr2d 8x8, padding 1, stride 2": conv(X8, K3, padding=1, stride=2),
    "corr2d 2 channels": conv(X2, K_IN),
    "true convolution 3x3 * 2x2": conv(X3, K2, flip=True),
    "corr2d 2 -> 3 channels, bias per channel": conv(X2, K_OUT, bias=[0.5, -1.0, 2.0]),
    "max pool 3x3, 2x2": pool(X3, 2),
    "avg pool 8x8, 3x3, padding 1, stride 2": pool(X8, 3, mode="avg", padding=1, stride=2),
    "max pool 5x5, 2x2, pad 1, stride 2, ceil": pool(X5, 2, padding=1, stride=2,
                                                     ceil_mode=True),
    "avg pool 5x5, 2x2, ceil, pad not counted": pool(X5, 2, mode="avg", stride=2, ceil_mode=True,
                                                     count_include_pad=False),
    "max pool 2 channels, 3x3, padding 1": pool(torch.stack([X4, X4 + 1]), 3, padding=1,
                                                stride=2),
    "1x1 conv 3x2x2 -> 4 channels": conv1x1(torch.arange(12.0).reshape(3, 2, 2),
                                            torch.arange(12.0).reshape(4, 3), 3),
    "corr2d 8x8, reflect padding 2": conv(X8, K3, padding=2, padding_mode="reflect"),
    "corr2d 3x3 * 2x2, 'same' (even kernel)": conv(X3, K2, padding="same"),
    "corr2d 7x10, stride 2 (uncovered cells)": conv(torch.arange(70.0).reshape(7, 10),
                                                    torch.ones(3, 3), stride=2),
    "corr1d 7 * 3, padding 1, stride 2": corr1d(SIGNAL, EDGE, padding=1, stride=2),
    "corr1d 12 * 3, dilation 2": corr1d(torch.arange(12.0) % 5, EDGE, dilation=2),
    "corr3d 3x4x4 * 2x2x2": corr3d(VOLUME, CUBE),
    "corr3d 3x4x4 * 2x2x2, padding (1, 0, 0)": corr3d(VOLUME, CUBE, padding=(1, 0, 0)),
    # Every other option, several on negative and fractional numbers for the browser check
    # to read (tests/test_tools.py).
    "corr2d 3x3 * 2x2, pad 1, stride 2, bias": conv(X3 - 4, K2 / 3, padding=1, stride=2,
                                                    bias=-0.5),
    "corr2d 2 channels, bias": conv(X2, K_IN, bias=1.0),
    "corr2d 3x3 * 2x2, reflect padding per side": conv(X3, K2, padding=(1, 2, 0, 1),
                                                       padding_mode="reflect"),
    "corr2d 8x8 * 3x3, 'same', dilation 2": conv(X8, torch.ones(3, 3), padding="same",
                                                 dilation=2),
    "corr2d 8x8, pad per side, stride (2, 3)": conv(X8, K2, padding=(0, 1, 2, 0), stride=(2, 3)),
    "corr2d 8x8, replicate padding 2": conv(X8, K3, padding=2, padding_mode="replicate"),
    "corr2d 8x8, circular padding 2": conv(X8, K3, padding=2, padding_mode="circular"),
    "corr2d 3x10, stride 2, dilation (1, 2)": conv(
        torch.arange(30.0).reshape(3, 10), torch.ones(3, 3), stride=2, dilation=(1, 2)),
    "corr2d of integers, kernel a list": conv(INTS, [[1, 0, -1]], stride=2),
    "true convolution 3x3 * 2x2, padding 1": conv(X3, K2, flip=True, padding=1),
    "corr2d 2 -> 3 channels": conv(X2, K_OUT),
    "corr2d 2 -> 3, one bias, reflect per side": conv(
        X2, K_OUT, bias=2.5, padding=(1, 0, 0, 1), padding_mode="reflect"),
    "convolution 2 -> 3, K a list, pad, stride": conv(
        X2, K_OUT.tolist(), bias=[1.0, -2.0, 0.5], padding=1, stride=2, flip=True),
    "corr2d 2 -> 2, 'same', dilation 2, bias": conv(
        X2[:, :, :2], K_OUT[:2], bias=torch.tensor([0.1, 0.0]), padding="same", dilation=2),
    "avg pool 3x3, 2x2": pool(X3, 2, mode="avg"),
    "max pool 8x8, 3x3, padding 1, stride 2": pool(X8, 3, padding=1, stride=2),
    "max pool 3x3 of negatives, 2x2, padding 1": pool(X3 - 9, 2, padding=1),
    "avg pool 3x3 / 7, 3x3, pad 1, stride 2": pool(X3 / 7, 3, mode="avg", padding=1, stride=2),
    "avg pool 5x5 / 3, pad 1 not counted, ceil": pool(
        X5 / 3, 2, mode="avg", padding=1, stride=2, ceil_mode=True, count_include_pad=False),
    "max pool 2 channels, 2x2, stride 2, ceil": pool(torch.stack([X3, -X3]), 2, stride=2,
                                                     ceil_mode=True),
    "avg pool 2 channels, 2x2, stride 2, ceil": pool(X2, 2, mode="avg", stride=2,
                                                     ceil_mode=True),
    "corr1d 7 * list, padding (2, 1), stride 2": corr1d(
        torch.arange(7.0), [1, 0, -1], padding=(2, 1), stride=2),
    "corr1d 7 * 2, 'same', dilation 2": corr1d(torch.arange(7.0), K2[0], padding="same",
                                               dilation=2),
    "corr3d, stride and dilation per axis": corr3d(VOLUME, K2.expand(2, 2, 2), padding=(1, 0, 0),
                                                   stride=(1, 2, 1), dilation=(1, 1, 2)),
    "corr3d 3x4x4 * 1x2x2, padding per side": corr3d(VOLUME, K2[None],
                                                     padding=(0, 1, 0, 0, 1, 1)),
    "1x1 conv 3x2x3 -> 2, fractions, 2 biases": conv1x1(PIXELS, PIXEL_W,
                                                        torch.tensor([0.5, -2.0])),
}


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


def stored_frames(steps) -> list[str]:
    """Every frame of a step sequence, one per step, as the book's Player stores it for the
    browser (drawn by the renderer the Player picks for its kind)."""
    player = helpers.Player(lambda: steps, max_frames=len(steps))
    if player.steps is None:
        raise ValueError(player.message)
    return [child.value for child in player.stack.children]


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


FIT_LAYOUT = re.compile(r"min\(max\(0\.637px, \(100vh - var\(--cbk-around, 120px\)\) / \((\d+)"
                        r"(?: \+ (\d+) \* var\(--cbk-notes, 1\))?\)\), \(100cqw - 24px\) / (\d+)\)")


def fit_layouts(frame_html: str) -> list[tuple[int, int, int]]:
    """The layouts a frame's --cbk-fit weighs: (height, height of the notes a short window
    hides, width), px at full size, as `kit.fit_style` writes them."""
    return [(int(h), int(hidden or 0), int(w)) for h, hidden, w in FIT_LAYOUT.findall(frame_html)]
