"""The frame shell every frame kind shares: the outer element, its heading and its text
alternative, written in one place."""

from __future__ import annotations

import html
from functools import cached_property

from .kit import CELL, plain


class FrameRenderer:
    """Draws the frames of one step sequence: `renderer(i)` is the HTML of step i.

    A kind subclasses it, builds what all its frames share in `__init__`, says how far
    its grids shrink to fit the window (`fit_css`), and per step what is drawn (`body`),
    written out (`arithmetic`), where the step writes (`where`, `out`, `value`) and how
    it reads in words (`describe`). Every frame is

        <div class="cbk" data-step data-value data-out role="img" aria-label style>
          <div class="cbk-head">title · step i of n · where</div> body
        </div>

    and the browser tests, the site and the decks read these attributes:
    `data-step`, the step's index from 0; `data-value`, what the step writes (a float's
    repr, or a list of them for a column of outputs); `data-out`, the output cell it
    writes, its indices joined by commas; `aria-label`, the frame in words for a screen
    reader; `style`, the fit (`--cbk-fit`), how far the grids shrink to fit the window.
    """

    name = ""  # what the heading calls the operation when there is no title (else steps.op)
    classes = "cbk"  # the outer element's CSS classes
    before_head = ""  # HTML put before the heading (a kind's own stylesheet)

    def __init__(self, steps, *, cell: int = CELL, title: str = ""):
        self.steps, self.title, self.cell = steps, title, cell

    @cached_property
    def fit(self) -> str:
        """The CSS that scales the frame's grids, worked out once."""
        return self.fit_css()

    @property
    def heading(self) -> str:
        """What the frame calls itself: its title, or the operation's name."""
        return self.title or self.name or self.steps.op

    def __len__(self) -> int:
        return len(self.steps)

    def frames(self) -> list[str]:
        """Every frame, in order."""
        return [self(i) for i in range(len(self.steps))]

    def __call__(self, index: int) -> str:
        """The frame of step `index` as an HTML string."""
        step = self.steps[index]
        arithmetic = self.arithmetic(step)
        words = (f"{self.heading}, step {index + 1} of {len(self.steps)}: "
                 f"{self.describe(step, plain(arithmetic))}")
        head = (f"{html.escape(self.heading)} \u00b7 step {index + 1} of {len(self.steps)} "
                f"\u00b7 {self.where(step)}")
        return (f'<div class="{self.classes}" data-step="{index}" data-value="{self.value(step)}" '
                f'data-out="{self.out(step)}" role="img" '
                f'aria-label="{html.escape(words, quote=True)}" style="{self.fit}">'
                f'{self.before_head}<div class="cbk-head">{head}</div>'
                f"{self.body(step, index, arithmetic)}</div>")

    def value(self, step) -> str:
        """`data-value`: what the step writes."""
        return repr(step.value)

    def out(self, step) -> str:
        """`data-out`: the indices of the output cell the step writes, joined by commas."""
        return ",".join(map(str, step.out_pos))

    def where(self, step) -> str:
        """The end of the heading: which output the step writes."""
        return f"output [{', '.join(map(str, step.out_pos))}]"

    def fit_css(self) -> str:
        """The CSS that scales the grids to the window (see `kit.fit_style`)."""
        raise NotImplementedError

    def arithmetic(self, step) -> str:
        """The step's arithmetic as HTML lines (`<div>` each)."""
        raise NotImplementedError

    def describe(self, step, arithmetic: str) -> str:
        """The frame in words after its heading, with the arithmetic as plain text."""
        raise NotImplementedError

    def body(self, step, index: int, arithmetic: str) -> str:
        """The frame under its heading: the grids, the notes, the arithmetic."""
        raise NotImplementedError
