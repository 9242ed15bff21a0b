"""What the frames of a window sliding over a 2-D input share, convolution and pooling
alike: the input grids with their padding and row and column numbers, the output grids
filling up, the captions, the fit, and the frame in words."""

from __future__ import annotations

from ..steps.window2d import Step, StepSequence
from .base import FrameRenderer
from .kit import (
    CELL,
    HEAD,
    MATH,
    MATH_LINE,
    NOTE_LINE,
    NOTE_PX,
    Grid,
    axis_labels,
    check_size,
    fit_style,
    fmt,
    lines,
    numbers,
    plain,
    row_width,
    smallest,
    span,
    times,
)
from .notes import padding_text, shape_lines, uncovered_note


class Window2dRenderer(FrameRenderer):
    """The parts of a 2-D window's frames that are built once; a kind adds its own."""

    def __init__(self, steps: StepSequence, *, cell: int = CELL, title: str = ""):
        super().__init__(steps, cell=cell, title=title)
        c, height, width = steps.padded.shape
        check_size(c * height * width,
                   f"the input is too large to animate: {c} x {height} x {width} cells with "
                   "padding", "animate a crop such as X[:12, :12]")
        (p_h, p_w), (n_h, n_w) = (steps.padding.top, steps.padding.left), steps.input_shape[-2:]
        rows, cols = axis_labels(height, p_h, n_h), axis_labels(width, p_w, n_w)
        # cells past the padding (ceil-mode pooling) are drawn empty
        self._room = (height - steps.beyond[0], width - steps.beyond[1])
        padded = steps.padded.tolist()
        self._inputs = [Grid([[fmt(v) if not self._past(r, j) else "" for j, v in enumerate(row)]
                              for r, row in enumerate(padded[ch])], cell=cell,
                             row_labels=rows, col_labels=cols) for ch in range(c)]
        mask = steps.pad_mask.tolist()
        self._base = [["x" if self._past(r, j) else ("p" if m else "d") for j, m in enumerate(row)]
                      for r, row in enumerate(mask)]
        outputs = steps.output if steps.output.dim() == 3 else steps.output[None]
        m_h, m_w = outputs.shape[1:]
        self._outputs = [Grid(numbers(out), cell=cell, row_labels=list(range(m_h)),
                              col_labels=list(range(m_w))) for out in outputs]
        self._captions = self._make_captions()
        self._hatch = self._inputs[0].hatch(steps.uncovered)
        # the output-size formula and the cells no window reads (a short window hides both)
        self._notes_under = [note for note in (shape_lines(steps), uncovered_note(steps)) if note]
        self._shape = "".join(self._notes_under)

    def fit_css(self) -> str:
        """The frame's fit (see `kit.fit_style`): its channel rows in a column, or side by
        side when they are several and the window is short."""
        rows = [self._channel_row(ch) for ch in range(len(self._inputs))]
        column = (sum(h for h, _ in rows) + 6 * (len(rows) - 1), max(w for _, w in rows))
        layouts = [self._frame_size(*column)]
        if len(rows) > 1:
            layouts.append(self._frame_size(max(h for h, _ in rows), row_width(
                *(w for _, w in rows))))
        width = layouts[0][1]
        hidden = sum(NOTE_LINE * lines(plain(part), width, NOTE_PX) for part in self._notes_under)
        grids = [*self._inputs, *self._outputs, *self._grids()]
        return fit_style(*layouts[0], hidden=hidden, text=smallest(grids),
                         other=layouts[1] if len(layouts) > 1 else None)

    def _frame_size(self, height: int, width: int) -> tuple[int, int]:
        """The frame's height and width at full size, with its channel rows `height` x
        `width` px: the heading, the grids, the arithmetic and the notes that always show."""
        tall, wide = self._beside(height, width)
        notes = sum(NOTE_LINE * lines(note, wide, NOTE_PX) for note in self._longest_notes())
        return HEAD + tall + MATH + MATH_LINE * self._math_lines() + notes, wide

    def _channel_row(self, ch: int) -> tuple[int, int]:
        """The height and width at full size of what the frame draws for input channel
        `ch`, its caption included."""
        raise NotImplementedError

    def _beside(self, height: int, width: int) -> tuple[int, int]:
        """The height and width of the grids with what stands beside the channel rows."""
        return height, width

    def _grids(self) -> list[Grid]:
        """The grids drawn beside the inputs and outputs (a kernel's)."""
        return []

    def _math_lines(self) -> int:
        return 1

    def _longest_notes(self) -> list[str]:
        """The notes under the arithmetic of the step that has the most."""
        return []

    def _make_captions(self) -> dict[str, str]:
        s = self.steps
        shape = "\u00d7".join(map(str, s.input_shape[-2:]))
        pad = f", padding {padding_text(s.padding)}" if any(s.padding) else ""
        if s.padding_mode != "zeros":
            pad += f" ({s.padding_mode})"
        m_h, m_w = s.output.shape[-2:]
        caps = {"input": f"input {shape}{pad}", "output": f"output {m_h}\u00d7{m_w}"}
        notes = [f"stride {times(s.stride)}"] if s.stride != (1, 1) else []
        notes += ["ceil_mode"] if s.ceil_mode else []
        if notes:
            caps["output"] += f" ({', '.join(notes)})"
        return caps

    def _past(self, r: int, c: int) -> bool:
        """Whether padded cell (r, c) lies past the padding (only in ceil-mode pooling)."""
        return r >= self._room[0] or c >= self._room[1]

    def _window_class(self, step: Step, n: int) -> str:
        (r, c), pad = step.cells[n], step.in_padding[n]
        if self._past(r, c):
            return "wx"
        if step.counted is not None and not step.counted[n]:
            return "wn"
        return "wp" if pad else "w"

    def window_looks(self, step: Step) -> list[list[str]]:
        """Every input cell's look, with the step's window on it."""
        classes = [row[:] for row in self._base]
        for n, (r, c) in enumerate(step.cells):
            classes[r][c] = self._window_class(step, n)
        return classes

    def output_svgs(self, index: int) -> list[str]:
        """The output grids (one per channel) filled up to step `index`, which is marked."""
        m_h, m_w = self.steps.output.shape[-2:]  # a channel's steps, one after the other
        return [grid.filled(ch * m_h * m_w, index) for ch, grid in enumerate(self._outputs)]

    def where(self, step: Step) -> str:
        i, j = step.out_pos
        channel = f"channel {step.out_channel}, " if len(self._outputs) > 1 else ""
        return f"output [{channel}{i}, {j}]"

    def describe(self, step: Step, arithmetic: str) -> str:
        """Step, window, output cell, arithmetic."""
        p_h, p_w = self.steps.padding.top, self.steps.padding.left
        rows = sorted({r - p_h for r, _ in step.cells})
        cols = sorted({c - p_w for _, c in step.cells})
        return (f"the window covers input rows {span(rows)}, columns {span(cols)}; "
                f"{self.where(step)}: {arithmetic}")
