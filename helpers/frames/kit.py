"""The drawing kit every frame is made with: numbers, SVG grids, figures, the fit rule
and the book's styles.

Nothing here knows of ipywidgets. A frame is plain text: cheap to make, crisp at
any zoom (a projector, a phone), and searchable by tests. Colours follow the
Okabe-Ito palette, which colour-blind readers can tell apart.

The looks a grid cell can take (the class of its group, `<g class='w'>`, whose path
draws the squares of every cell of that look; styled in `css/book.css` unless said):

    d   a data cell                     p   a padding cell
    w   a data cell under the window    wp  a padding cell under the window
    wn  under the window, not counted   wx  under the window, past the padding
        (count_include_pad=False)           (ceil mode)
    x   past the padding (ceil mode)    k   a kernel weight
    ko  a kernel slice not at work      o   the output cell being written
        (css/conv2d_channels.css)
    e   an output cell not written yet  n   no cell: a kernel row without a tap
                                            (css/corr_nd.css)
    z   a zero of a convolution matrix  m0-m8  kernel weight n of a convolution
        (css/weights.css)                          matrix (css/weights.css)
"""

from __future__ import annotations

import html
import math
import re
from importlib.resources import files

CELL = 44  # px (even): readable from the back of a lecture room at 100 % zoom
# A frame scales as one piece (--cbk-fit px per px, at most 1px): its grids and its text
# (heading, captions, arithmetic, notes) together, so that the numbers in the cells stay
# the largest text of the frame at any zoom. The fit is the largest at which the frame,
# at its full size `height` x `width` px, fits the height of the window less what is
# around it (--cbk-around: JupyterLab's bars and the player's controls, css/book.css) and
# the width of its player (a CSS container), but never below cells of MIN_CELL px.
MIN_CELL = 28  # px: the smallest cell a frame shrinks to for the height, its digits 11.8 px
NARROW_CELL = 14  # px: the smallest a frame shrinks to for the width, then it scrolls
TEXT = 16  # px: captions and arithmetic at full size (a cell's digits: 18, 16 if 4 long)
# What the parts of a frame take at full size, in px, for its height and width.
HEAD = 32  # the heading
CAPTION = 24  # a caption line under a grid
MATH = 20  # the arithmetic's box around its lines
MATH_LINE = 26  # a line of arithmetic
NOTE_LINE = 24  # a line of the notes under the grids
GAP = 10  # between the parts of a row
OP = 28  # an operator sign between two figures
# a character's width, in em: monospace exactly, the body font at most on average
CHAR, MONO_CHAR = 0.52, 0.6
SUM_PX, NOTE_PX = 17, 15  # px of a sum beside a grid, and of the notes under the grids
MAX_CELLS = 1024  # input cells (padding and channels included) a frame draws at most
MAX_COLUMNS = 32  # grid columns in one row of a frame, so that it fits a narrow window
MINUS = "\u2212"
# A grid's geometry, in px at full size: the column of row labels, the row of column
# labels (their text's baseline at COL_LABEL_Y), and the margin where there are none.
ROW_LABELS = 28
COL_LABELS = 22
COL_LABEL_Y = 11
MARGIN = 2


# The Okabe-Ito palette, which colour-blind readers can tell apart (the stylesheets in
# css/ write the same colours out).
OKABE_ITO = {"blue": "#0072B2", "vermillion": "#D55E00", "green": "#009E73",
             "purple": "#CC79A7", "orange": "#E69F00", "sky": "#56B4E9"}


def style(name: str) -> str:
    """The stylesheet `css/<name>.css` as a `<style>` element."""
    return f"<style>{files(__package__).joinpath('css', name + '.css').read_text()}</style>"


# Text outside the grids follows the JupyterLab theme (--jp-* variables, with fallbacks for
# a plain page); the grids draw on their own light cells, dark text, in every theme.
STYLE = style("book")


def fmt(v: float) -> str:
    """A number as a reader wants it in a cell: 19, 0.33, −1, −∞."""
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "\u221e" if v > 0 else MINUS + "\u221e"
    r = round(v, 2)
    text = str(int(r)) if r == int(r) else f"{r:.2f}".rstrip("0")
    return text.replace("-", MINUS)


def factor(v: float) -> str:
    """A number as a factor of a product: in brackets when it is negative."""
    text = fmt(v)
    return f"({text})" if text.startswith(MINUS) else text


class Grid:
    """An SVG grid of numbers; each frame picks every cell's class and whether its text shows."""

    def __init__(self, texts, *, cell=CELL, row_labels=None, col_labels=None,
                 label_width=ROW_LABELS):
        self.shape = (len(texts), len(texts[0]))
        left = label_width if row_labels else MARGIN
        top, half = (COL_LABELS if col_labels else MARGIN), cell // 2
        self._left, self._top, self._cell = left, top, cell
        width, height = left + self.shape[1] * cell + MARGIN, top + self.shape[0] * cell + MARGIN
        self.width, self.height = width, height
        # drawn at `width` px times the frame's --cbk-fit (at most 1px), never wider than
        # its container; the text alternative is the frame's aria-label
        # a grid's attributes in single quotes: a stored notebook's JSON escapes double ones
        head = [f"<svg width='{width}' height='{height}' viewBox='0 0 {width} {height}' "
                f"style='width:calc(var(--cbk-fit,1px)*{width})' "
                f"font-size='{font_size('', cell)}' aria-hidden='true'>"]
        labels = [f"<text x='{left // 2 - 1}' y='{top + r * cell + half}'>{label}</text>"
                  for r, label in enumerate(row_labels or ()) if str(label)]
        labels += [f"<text x='{left + c * cell + half}' y='{COL_LABEL_Y}'>{label}</text>"
                   for c, label in enumerate(col_labels or ()) if str(label)]
        if labels:  # the row and column numbers, in one group
            head.append(f"<g class='lbl'>{''.join(labels)}</g>")
        self._head = "".join(head)
        self._square = [[square(left + c * cell, top + r * cell, cell)
                         for c in range(self.shape[1])] for r in range(self.shape[0])]
        self._text = [[svg_text(t, left + c * cell + half, top + r * cell + half, cell)
                       for c, t in enumerate(row)] for r, row in enumerate(texts)]
        # the font size of its longest number: the smallest text it draws
        self.smallest = font_size(max((t for row in texts for t in row), key=len), cell)

    def svg(self, classes, shown=None, overlay: str = "") -> str:
        """`classes[r][c]` names each cell's look; `shown(r, c)` says whether its number shows;
        `overlay` is drawn on top (see `outline`)."""
        cells = ((cls, self._square[r][c],
                  self._text[r][c] if shown is None or shown(r, c) else "")
                 for r, row in enumerate(classes) for c, cls in enumerate(row))
        return f"{self._head}{cell_groups(cells)}{overlay}</svg>"

    def filled(self, first: int, index: int) -> str:
        """The grid as an output filling up in the frame of step `index`: cell (r, c) is
        written by step `first + r * columns + c`; the cells written so far show their
        numbers, the one written now is marked."""
        rows, cols = self.shape
        return self.svg([[output_look(first + r * cols + c, index) for c in range(cols)]
                         for r in range(rows)], lambda r, c: first + r * cols + c <= index)

    def hatch(self, cells) -> str:
        """Diagonal strokes over `cells` (one SVG path), e.g. to mark cells no window reads."""
        n, q = self._cell, self._cell // 4
        strokes = []
        for r, c in cells:
            x, y = self._left + c * n, self._top + r * n
            strokes.append(f"M{x} {y + q}L{x + q} {y}M{x} {y + n - q}L{x + n - q} {y}"
                           f"M{x + q} {y + n}L{x + n} {y + q}"
                           f"M{x + n - q} {y + n}L{x + n} {y + n - q}")
        return f'<path class="hatch" d="{"".join(strokes)}"/>' if strokes else ""

    def outline(self, top_left, size, label: str = "", cls: str = "drop") -> str:
        """An outline of class `cls` around `size` (rows, cols) cells from `top_left`,
        with an optional label inside."""
        (r, c), (h, w), cell = top_left, size, self._cell
        x, y = self._left + c * cell, self._top + r * cell
        box = (f'<rect class="{cls}" x="{x + 2}" y="{y + 2}" width="{w * cell - 4}" '
               f'height="{h * cell - 4}"/>')
        if not label:
            return box
        return (f'{box}<text class="{cls}-l" x="{x + w * cell / 2:g}" '
                f'y="{y + h * cell - 10}">{label}</text>')


# Looks with a thick border (css/book.css) are drawn after the others, so that no
# neighbour's border is drawn over theirs.
THICK = ("w", "wp", "wx", "wn", "o")


def square(x: int, y: int, size: int) -> str:
    """A cell's square, `size` px from (x, y), as SVG path data."""
    return f"M{x} {y}h{size}v{size}H{x}z"


def cell_groups(cells) -> str:
    """Grid cells, given as (look, square, number) with the number a `<text>` or "", as
    one SVG group per look: its squares one path, then its numbers. A stored notebook
    keeps every frame it can show, and a group per cell would take twice the bytes."""
    groups: dict[str, tuple[list, list]] = {}
    for look, box, number in cells:
        squares, numbers = groups.setdefault(look, ([], []))
        squares.append(box)
        numbers.append(number)
    return "".join(f"<g class='{look}'><path d='{''.join(groups[look][0])}'/>"
                   f"{''.join(groups[look][1])}</g>"
                   for look in sorted(groups, key=lambda look: look in THICK))


def font_size(t: str, cell: int) -> int:
    """Digits at 42 % of the cell, smaller for long numbers so that they fit."""
    return round(min(0.42 * cell, 1.45 * cell / max(len(t), 1)))


def svg_text(t: str, x: int, y: int, cell: int) -> str:
    """The text `t` centred at (x, y) in a cell `cell` px wide, smaller if it is long."""
    if not t:
        return ""
    size = font_size(t, cell)
    attr = "" if size == font_size("", cell) else f" font-size='{size}'"
    return f"<text x='{x}' y='{y}'{attr}>{t}</text>"


def figure(svg: str, caption: str) -> str:
    """A grid with its caption under it."""
    return f"<figure>{svg}<figcaption>{caption}</figcaption></figure>"


def code_line(code: str) -> str:
    """The PyTorch call that computes what an animation shows, to copy into a cell."""
    return (f'<div class="cbk"><div class="cbk-code">In PyTorch: '
            f"<code>{html.escape(code)}</code></div></div>")


def message_frame(text: str, *, title: str = "") -> str:
    """What a widget shows in place of a frame when a setting is impossible."""
    head = f'<div class="cbk-head">{html.escape(title)}</div>' if title else ""
    return (f'<div class="cbk">{head}<div class="cbk-msg" role="status">{html.escape(text)}'
            "</div></div>")


def times(pair) -> str:
    """A per-axis setting as a caption writes it: `2` for (2, 2), `2×3` for (2, 3)."""
    return fmt(pair[0]) if len(set(pair)) == 1 else "\u00d7".join(map(fmt, pair))


def span(values: list[int]) -> str:
    """Sorted indices in words: `3`, or `0 to 2`."""
    return f"{fmt(values[0])} to {fmt(values[-1])}" if len(values) > 1 else fmt(values[0])


def text_width(text: str, px: float = TEXT, *, mono: bool = False) -> int:
    """The width in px of `text` set at `px` in the body font (or `mono`spaced)."""
    return round(len(text) * (MONO_CHAR if mono else CHAR) * px)


def lines(text: str, width: int, px: float = TEXT) -> int:
    """How many lines `text` at `px` takes in `width` px (breaking between words), at most."""
    return max(1, -(-text_width(text, px, mono=True) // max(width, 1)))


def figure_width(grid: Grid, caption: str) -> int:
    """The width of a grid with its caption under it."""
    return max(grid.width, text_width(caption))


def row_width(*widths: int) -> int:
    """The width of parts side by side, GAP apart."""
    return sum(widths) + GAP * (len(widths) - 1)


def smallest(grids) -> int:
    """The smallest font size in px of a number in `grids` (TEXT if none is smaller)."""
    return min([TEXT, *(grid.smallest for grid in grids)])


def fit_style(height: int, width: int, *, hidden: int = 0, text: int = TEXT,
              other: tuple[int, int] | None = None) -> str:
    """The style of a frame `height` x `width` px at full size (grids, captions, heading,
    arithmetic and notes; `hidden` px of those the notes a short window hides): --cbk-fit,
    the largest scale at which it fits the window's height less --cbk-around (but not below
    cells of MIN_CELL px: a lecture scrolls rather) and its player's width (down to cells of
    NARROW_CELL px), at most 1 px per px; `text` px for its captions
    and arithmetic, so that no number in a cell is smaller. `other` is the height and
    width of a second layout the frame can wrap into (channels in a column rather than side
    by side): the frame takes the larger of the two fits."""
    def fit(h: int, w: int) -> str:
        tall = f"{h} + {hidden} * var(--cbk-notes, 1)" if hidden else f"{h}"
        return (f"min(max({floor}px, (100vh - var(--cbk-around, 120px)) / ({tall})), "
                f"(100cqw - 24px) / {w})")
    floor = math.ceil(1000 * MIN_CELL / CELL) / 1000
    best = fit(height, width) if other is None else f"max({fit(height, width)}, {fit(*other)})"
    size = f";--cbk-text:{text}" if text != TEXT else ""
    return f"--cbk-fit:clamp({NARROW_CELL / CELL:.2f}px, {best}, 1px){size}"


def arrow(label: str, symbol: str = "\u2192") -> str:
    """An arrow between two figures, with what it does written above it."""
    return f'<div class="cbk-op"><div class="cbk-sum">{label}</div>{symbol}</div>'


def axis_labels(size: int, before: int, n: int) -> list[str]:
    """The numbers beside `size` rows (or columns) of a padded input: each input row's own
    index, nothing beside the `before` rows of padding ahead of the `n` input rows, or after."""
    return [str(i - before) if 0 <= i - before < n else "" for i in range(size)]


def numbers(t) -> list[list[str]]:
    """A 2-D tensor's values as a grid of texts."""
    return [[fmt(v) for v in row] for row in t.tolist()]


def labelled(t, cell: int = CELL) -> Grid:
    """A grid of a 2-D tensor's values with its row and column numbers."""
    h, w = t.shape
    return Grid(numbers(t), cell=cell, row_labels=list(range(h)), col_labels=list(range(w)))


def term(text: str, pad: bool) -> str:
    """A term of the arithmetic, set apart when it comes from the padding."""
    return f'<span class="pad">{text}</span>' if pad else text


def plain(math_html: str) -> str:
    """Arithmetic lines (`<div>` each) as one line of plain text, for a screen reader."""
    return re.sub(r"<[^>]+>", "", math_html.replace("</div><div>", "; "))


def check_size(cells: int, what: str, hint: str) -> None:
    """Refuse to draw more than MAX_CELLS cells: a ValueError saying `what` there is and
    how to animate less (`hint`)."""
    if cells > MAX_CELLS:
        raise ValueError(f"{what} (at most {MAX_CELLS} are drawn); {hint}")


def output_look(done: int, index: int) -> str:
    """The look of the output cell written at step `done`, in the frame of step `index`."""
    return "o" if done == index else ("d" if done < index else "e")
