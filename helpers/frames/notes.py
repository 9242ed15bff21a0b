"""The lines under a frame's grids: the output-size formula with the numbers filled in,
the padding in words, and the rows and columns no window reads."""

from __future__ import annotations

from ..steps.code import int_or_tuple
from ..steps.window2d import StepSequence
from .kit import MINUS


def padding_text(sides) -> str:
    """Per-side padding as a reader writes it: 1, (2, 1), or left/right/top/bottom."""
    pair = sides.symmetric()
    if pair:
        return int_or_tuple(pair)
    return (f"left {sides.left}, right {sides.right}, top {sides.top}, "
            f"bottom {sides.bottom}")


def shape_lines(steps: StepSequence) -> str:
    """The output-size formula per axis with this sequence's numbers filled in."""
    return size_formula(steps, ("rows", "columns"), (steps.padding.rows, steps.padding.cols),
                        ceil_mode=steps.ceil_mode)


def size_formula(steps, names, pads, *, ceil_mode: bool = False) -> str:
    """The output-size formula along the axes `names` (the last ones of the input), padded
    by `pads` ((before, after) per axis), with the numbers of `steps` filled in. Each axis
    is one unbreakable piece; without padding, stride or dilation the formula is the
    plain `n − k + 1`."""
    lo, hi = ("\u2308", "\u2309") if ceil_mode else ("\u230a", "\u230b")
    plain = not any(b or a for b, a in pads) and set(steps.stride) == set(steps.dilation) == {1}
    lines = []
    for axis, (name, (before, after)) in enumerate(zip(names, pads, strict=True)):
        last = axis - len(names)  # the axes are the last ones, after any channels
        n, k, m = steps.input_shape[last], steps.window[axis], steps.output.shape[last]
        s, d = steps.stride[axis], steps.dilation[axis]
        span = f"{k}" if d == 1 else f"({d}\u00d7({k} {MINUS} 1) + 1)"
        if plain:
            lines.append(f"{name}: {n} {MINUS} {k} + 1 = {m}")
            continue
        inner = f"{n} + {before} + {after} {MINUS} {span}"
        expr = f"({inner}) + 1" if s == 1 else f"{lo}({inner}) / {s}{hi} + 1"
        room = n + before + after - (d * (k - 1) + 1)
        if s > 1 and ceil_mode and -(-room // s) + 1 != m:
            expr += f" {MINUS} 1 (the last window would start in the padding)"
        lines.append(f"{name}: {expr} = {m}")
    both = " \u00b7 ".join(f"<span>{line}</span>" for line in lines)
    what = "output size" if plain else "output size, padding counted per side"
    return f'<div class="cbk-shape">{what}: {both}</div>'


def uncovered_note(steps: StepSequence) -> str:
    """In words: which rows and columns of the (padded) input no window reads, and why."""
    if not steps.uncovered:
        return ""
    height = steps.pad_mask.shape[0] - steps.beyond[0]
    width = steps.pad_mask.shape[1] - steps.beyond[1]
    read_rows = {r for step in steps for r, _ in step.cells}
    read_cols = {c for step in steps for _, c in step.cells}
    never_rows = [r for r in range(height) if r not in read_rows]
    never_cols = [c for c in range(width) if c not in read_cols]
    parts = [count_words("row", "row", never_rows, steps.padding.top, steps.input_shape[-2]),
             count_words("column", "column", never_cols, steps.padding.left,
                         steps.input_shape[-1])]
    why = []
    dropped = sum(d is not None for d in steps.dropped)
    if any(r > max(read_rows) for r in never_rows) or any(c > max(read_cols) for c in never_cols):
        why.append(f"ceil_mode drops the window{'s' * (dropped > 1)} that would start in the "
                   "padding" if steps.ceil_mode and dropped else
                   "the last window ends before the edge, and the floor in the formula "
                   "drops what is left")
    if any(r < max(read_rows) for r in never_rows) or any(c < max(read_cols) for c in never_cols):
        gap = "taps of the dilated kernel" if steps.dilation != (1, 1) else "windows"
        why.append(f"some fall between the {gap}")
    return (f'<div class="cbk-note cbk-unread">Never read by any window (hatched): '
            f'{" and ".join(p for p in parts if p)}; {"; ".join(why)}.</div>')


def count_words(noun: str, pad_noun: str, indices, before: int, size: int) -> str:
    """Indices along one axis of a padded input in words: the input `noun`s by their own
    numbers, then how many `pad_noun`s of padding, e.g. "input rows 4, 5 and 1 padding row"."""
    data = [str(i - before) for i in indices if 0 <= i - before < size]
    pads = len(indices) - len(data)
    words = []
    if data:
        words.append(f"input {noun}{'s' if len(data) > 1 else ''} {', '.join(data)}")
    if pads:
        words.append(f"{pads} padding {pad_noun}{'s' if pads > 1 else ''}")
    return " and ".join(words)
