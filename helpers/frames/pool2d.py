"""Frames of 2-D max and average pooling: each channel's input with the window on the
channel at work, its pooled output filling up, the arithmetic and what ceil mode and
count_include_pad do."""

from __future__ import annotations

from ..steps.window2d import Step
from .kit import (
    CAPTION,
    OP,
    SUM_PX,
    Grid,
    arrow,
    figure,
    figure_width,
    fmt,
    row_width,
    term,
    text_width,
)
from .window2d import Window2dRenderer


class Pool2dRenderer(Window2dRenderer):
    """Draws the frames of a PoolSequence."""

    def arithmetic(self, step: Step) -> str:
        """`max(a, b, …) = m` or `(a + b + …) / divisor = m`, over the cells that take part."""
        terms = [term(fmt(x), pad) for x, pad, counted
                 in zip(step.inputs[0], step.in_padding, step.counted, strict=True) if counted]
        if self.steps.mode == "max":
            expr = f"max({', '.join(terms)})"
        else:
            expr = f"({' + '.join(terms)}) / {step.divisor}"
        return f"{expr} = <b>{fmt(step.value)}</b>"

    def _channel_row(self, ch: int) -> tuple[int, int]:
        """A channel's input, the pooling arrow and its output."""
        label = f"channel {ch}: " if len(self._inputs) > 1 else ""
        (k_h, k_w), caps = self.steps.window, self._captions
        grid, out = self._inputs[ch], self._outputs[ch]
        return (max(grid.height, out.height) + CAPTION,
                row_width(figure_width(grid, label + caps["input"]),
                          max(OP, text_width(f"{self.steps.mode} {k_h}\u00d7{k_w}", SUM_PX,
                                             mono=True)),
                          figure_width(out, caps["output"])))

    def _longest_notes(self) -> list[str]:
        return max((self._notes(step) for step in self.steps), key=lambda n: len("".join(n)))

    def body(self, step: Step, index: int, arithmetic: str) -> str:
        """One row per channel (input, window, output), the step's arithmetic and notes."""
        looks = self.window_looks(step)
        inputs = [grid.svg(looks if ch == step.channel else self._base,
                           overlay=self._hatch + (self._dropped(grid, step)
                                                  if ch == step.channel else ""))
                  for ch, grid in enumerate(self._inputs)]
        outputs = self.output_svgs(index)
        caps, (k_h, k_w), many = self._captions, self.steps.window, len(inputs) > 1
        pooling = arrow(f"{self.steps.mode} {k_h}\u00d7{k_w}")
        rows = []
        for ch, (svg, out) in enumerate(zip(inputs, outputs, strict=True)):
            label = f"channel {ch}: " if many else ""
            rows.append(f'<div class="cbk-row">{figure(svg, label + caps["input"])}{pooling}'
                        f'{figure(out, caps["output"])}</div>')
        prefix = f"channel {step.channel}: " if many else ""
        notes = "".join(f'<div class="cbk-note">{n}</div>' for n in self._notes(step))
        return (f'<div class="cbk-chans">{"".join(rows)}</div>{self._shape}'
                f'<div class="cbk-math"><div>{prefix}{arithmetic}</div>'
                f"</div>{notes}")

    def _dropped(self, grid: Grid, step: Step) -> str:
        """The window ceil mode drops after this one, outlined, if there is one."""
        s, (i, j) = self.steps, step.out_pos
        (m_h, m_w), (s_h, s_w) = s.output.shape[-2:], s.stride
        starts = []
        if s.dropped[1] is not None and j == m_w - 1:
            starts.append((i * s_h, s.dropped[1]))
        if s.dropped[0] is not None and i == m_h - 1:
            starts.append((s.dropped[0], j * s_w))
        return "".join(grid.outline(start, s.window, "dropped") for start in starts)

    def _notes(self, step: Step) -> list[str]:
        """Sentences under the arithmetic: what was not counted, which window is dropped."""
        s, notes = self.steps, []
        past = sum(self._past(r, c) for r, c in step.cells)
        if past:
            notes.append(f"{past} cell{'s' * (past > 1)} of this window lie past the padding "
                         "(ceil_mode): they take no part.")
        if s.mode == "avg" and not s.count_include_pad and any(step.in_padding):
            notes.append(f"count_include_pad=False: the padding is not counted, so the sum "
                         f"is divided by the {step.divisor} input cells.")
        dropped = self._dropped(self._inputs[0], step).count('class="drop"')
        if dropped:
            notes.append("ceil_mode drops the windows outlined in orange: each would start in "
                         "the padding past the input." if dropped > 1 else
                         "ceil_mode drops the window outlined in orange: it would start in the "
                         "padding past the input.")
        return notes
