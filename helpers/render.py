"""Frames: a step of a StepSequence drawn as self-contained HTML with SVG grids.

Nothing here knows of ipywidgets. A frame is plain text: cheap to make, crisp at
any zoom (a projector, a phone), and searchable by tests. Colours follow the
Okabe-Ito palette, which colour-blind readers can tell apart.
"""

from __future__ import annotations

import html
import math
import re

from .steps import Step, StepSequence

CELL = 44  # px (even): readable from the back of a lecture room at 100 % zoom
# CSS px of a player that are not grids (JupyterLab's bars, the controls, title, captions,
# arithmetic, output-size formula, PyTorch call): a frame's grids shrink so that the whole
# player fits the window's height.
FIT_RESERVE = 500
CAPTION = 26  # px a caption line takes under a grid
MIN_CELL = 14.1  # px: the smallest cell a frame shrinks to, still readable in a lecture room
MAX_CELLS = 1024  # input cells (padding and channels included) a frame draws at most
MINUS = "\u2212"

# Text outside the grids follows the JupyterLab theme (--jp-* variables, with fallbacks for
# a plain page); the grids draw on their own light cells, dark text, in every theme.
STYLE = """<style>
.cbk{--cbk-fg:var(--jp-content-font-color1,#111);--cbk-panel:var(--jp-layout-color2,#eef1f5);
 --cbk-muted:#4d4d4d;--cbk-accent:#a04000;--cbk-rule:#0072B2;
 font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--cbk-fg);line-height:1.35;
 max-width:100%}
[data-jp-theme-light="false"] .cbk{--cbk-muted:#c8c8c8;--cbk-accent:#ffb870;--cbk-rule:#56B4E9}
.cbk-head{font-size:18px;font-weight:600;margin:2px 0 6px}
.cbk-row{display:flex;flex-wrap:nowrap;align-items:center;gap:10px;min-width:0}
.cbk-col{display:flex;flex-direction:column;gap:6px;min-width:0}
.cbk figure{margin:0;text-align:center;flex:0 1 auto;min-width:0}
.cbk svg{display:block;margin:0 auto;max-width:100%;width:auto;height:auto}
.cbk figcaption{font-size:16px;color:var(--cbk-fg)}
.cbk-op{font-size:32px;padding:0 2px;flex:none;color:var(--cbk-fg)}
.cbk-sum{font-size:17px;font-family:ui-monospace,Menlo,Consolas,monospace;white-space:nowrap;
 flex:none}
.cbk-math{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:19px;margin-top:8px;
 padding:6px 10px;background:var(--cbk-panel);border-left:4px solid var(--cbk-rule);
 overflow-wrap:anywhere}
.cbk-math div{margin:2px 0}
.cbk-math .pad{color:var(--cbk-muted);font-style:italic}
.cbk-math b{color:var(--cbk-accent)}
.cbk-speed{font-size:17px;border-collapse:collapse}
.cbk-speed td,.cbk-speed th{padding:4px 14px;text-align:right;
 border-bottom:1px solid var(--jp-border-color2,#ddd)}
.cbk-speed td:first-child,.cbk-speed th:first-child{text-align:left;font-family:monospace}
.cbk-msg{font-size:17px;padding:10px 14px;border-left:5px solid #D55E00;
 background:color-mix(in srgb,#D55E00 14%,transparent)}
.cbk svg text{font-family:ui-monospace,Menlo,Consolas,monospace;text-anchor:middle;
 dominant-baseline:central;fill:#111}
.cbk svg .lbl{fill:var(--cbk-fg);font-size:16px}
.cbk rect{stroke:#666;stroke-width:1;fill:#fff}
.cbk .p rect{fill:#e6e6e6;stroke:#999;stroke-dasharray:4 3}
.cbk .p text{fill:#4d4d4d;font-style:italic}
.cbk .w rect{fill:#bfe0f5;stroke:#0072B2;stroke-width:3}
.cbk .wp rect{fill:#dce9f2;stroke:#0072B2;stroke-width:3;stroke-dasharray:5 3}
.cbk .wp text{fill:#4d4d4d;font-style:italic}
.cbk .k rect{fill:#f6eea0;stroke:#8a7d00}
.cbk .o rect{fill:#E69F00;stroke:#D55E00;stroke-width:3}
.cbk .o text{font-weight:700}
.cbk .e rect{fill:#f5f5f5;stroke:#ccc}
.cbk .x rect{fill:none;stroke:#bbb;stroke-dasharray:2 3}
.cbk .wx rect{fill:none;stroke:#0072B2;stroke-width:3;stroke-dasharray:2 3}
.cbk .wn rect{fill:#fff;stroke:#0072B2;stroke-width:3;stroke-dasharray:5 3}
.cbk .wn text{fill:#6b6b6b;font-style:italic}
.cbk .drop{fill:none;stroke:#D55E00;stroke-width:3;stroke-dasharray:9 5}
.cbk svg .drop-l{fill:#a04000;font-size:13px;font-weight:600}
.cbk-note{font-size:15px;color:var(--cbk-fg);margin-top:4px}
.cbk .pool{fill:none;stroke:#111;stroke-width:3}
.cbk .hatch{stroke:#CC79A7;stroke-width:2.5;fill:none}
.cbk-shape{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:15px;margin-top:4px;
 overflow-wrap:anywhere}
.cbk-code{font-size:15px;margin-top:2px}
@media (max-height:700px){.cbk-shape,.cbk-unread,.cbk-code{display:none}}
.cbk-code code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:15px;
 padding:2px 6px;background:var(--cbk-panel);border-left:4px solid var(--cbk-rule);
 user-select:all;overflow-wrap:anywhere}
</style>"""


def fmt(v: float) -> str:
    """A number as a reader wants it in a cell: 19, 0.33, −1, −∞."""
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "\u221e" if v > 0 else MINUS + "\u221e"
    r = round(v, 2)
    text = str(int(r)) if r == int(r) else f"{r:.2f}".rstrip("0")
    return text.replace("-", MINUS)


def _factor(v: float) -> str:
    text = fmt(v)
    return f"({text})" if text.startswith(MINUS) else text


class _Grid:
    """An SVG grid of numbers; each frame picks every cell's class and whether its text shows."""

    def __init__(self, texts, *, cell=CELL, row_labels=None, col_labels=None, label_width=28):
        self.shape = (len(texts), len(texts[0]))
        left, top, half = (label_width if row_labels else 2), (22 if col_labels else 2), cell // 2
        self._left, self._top, self._cell = left, top, cell
        width, height = left + self.shape[1] * cell + 2, top + self.shape[0] * cell + 2
        self.width, self.height = width, height
        # drawn at `width` px times the frame's --cbk-fit (at most 1px), never wider than
        # its container; the text alternative is the frame's aria-label
        head = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
                f'style="width:calc(var(--cbk-fit,1px)*{width})" '
                f'font-size="{_font_size("", cell)}" aria-hidden="true">']
        for r, label in enumerate(row_labels or ()):
            head.append(f'<text class="lbl" x="{left // 2 - 1}" y="{top + r * cell + half}">'
                        f"{label}</text>")
        for c, label in enumerate(col_labels or ()):
            head.append(f'<text class="lbl" x="{left + c * cell + half}" y="11">{label}</text>')
        self._head = "".join(head)
        self._rect = [[f'"><rect x="{left + c * cell}" y="{top + r * cell}" width="{cell}" '
                       f'height="{cell}"/>' for c in range(self.shape[1])]
                      for r in range(self.shape[0])]
        self._text = [[_text(t, left + c * cell + half, top + r * cell + half, cell)
                       for c, t in enumerate(row)] for r, row in enumerate(texts)]

    def svg(self, classes, shown=None, overlay: str = "") -> str:
        """`classes[r][c]` names each cell's look; `shown(r, c)` says whether its number shows;
        `overlay` is drawn on top (see `outline`)."""
        parts = [self._head]
        for r, row in enumerate(classes):
            for c, cls in enumerate(row):
                text = self._text[r][c] if shown is None or shown(r, c) else ""
                parts.append(f'<g class="{cls}{self._rect[r][c]}{text}</g>')
        parts.append(overlay + "</svg>")
        return "".join(parts)

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


def _font_size(t: str, cell: int) -> int:
    """Digits at 42 % of the cell, smaller for long numbers so that they fit."""
    return round(min(0.42 * cell, 1.45 * cell / max(len(t), 1)))


def _text(t: str, x: int, y: int, cell: int) -> str:
    size = _font_size(t, cell)
    attr = "" if size == _font_size("", cell) else f' font-size="{size}"'
    return f'<text x="{x}" y="{y}"{attr}>{t}</text>'


def _figure(svg: str, caption: str) -> str:
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


class FrameRenderer:
    """Draws the frames of one StepSequence; the parts shared by all frames are built once."""

    CHANNEL = "channel"  # what the arithmetic calls an input channel

    def __init__(self, steps: StepSequence, *, cell: int = CELL, title: str = ""):
        self.steps = steps
        self.title = title
        c, height, width = steps.padded.shape
        if c * height * width > MAX_CELLS:
            raise ValueError(
                f"the input is too large to animate: {c} x {height} x {width} cells with padding "
                f"(at most {MAX_CELLS} are drawn); animate a crop such as X[:12, :12]"
            )
        (p_h, p_w), (n_h, n_w) = (steps.padding.top, steps.padding.left), steps.input_shape[-2:]
        rows = [str(r - p_h) if 0 <= r - p_h < n_h else "" for r in range(height)]
        cols = [str(j - p_w) if 0 <= j - p_w < n_w else "" for j in range(width)]
        # cells past the padding (ceil-mode pooling) are drawn empty
        self._room = (height - steps.beyond[0], width - steps.beyond[1])
        padded = steps.padded.tolist()
        self._inputs = [_Grid([[fmt(v) if not self._past(r, j) else "" for j, v in enumerate(row)]
                               for r, row in enumerate(padded[ch])], cell=cell,
                              row_labels=rows, col_labels=cols) for ch in range(c)]
        mask = steps.pad_mask.tolist()
        self._base = [["x" if self._past(r, j) else ("p" if m else "d") for j, m in enumerate(row)]
                      for r, row in enumerate(mask)]
        outputs = steps.output if steps.output.dim() == 3 else steps.output[None]
        m_h, m_w = outputs.shape[1:]
        self._outputs = [_Grid([[fmt(v) for v in row] for row in out], cell=cell,
                               row_labels=list(range(m_h)), col_labels=list(range(m_w)))
                         for out in outputs.tolist()]
        self._kernels = [] if steps.kernel is None else self._kernel_svgs(cell)
        self._captions = self._make_captions()
        self._fit = self._fit_css()
        self._hatch = self._inputs[0].hatch(steps.uncovered)
        self._shape = shape_lines(steps) + uncovered_note(steps)

    def _kernel_svgs(self, cell: int) -> list:
        """The kernel's grids: one per input channel."""
        k_h, k_w = self.steps.window
        return [_Grid(_numbers(k), cell=cell).svg([["k"] * k_w for _ in range(k_h)])
                for k in self.steps.kernel]

    def _fit_css(self) -> str:
        """The CSS that scales the frame's grids (see `_fit_style`)."""
        return _fit_style(self._height())

    def _height(self) -> int:
        """Height in px of the grids' composition at full size, captions included: the
        inputs (one per channel) stack in a column, 6 px apart, and so do the outputs."""
        def column(grids):
            return len(grids) * (grids[0].height + CAPTION) + (len(grids) - 1) * 6
        return max(column(self._inputs), column(self._outputs))

    def _make_captions(self) -> dict[str, str]:
        s = self.steps
        shape = "\u00d7".join(map(str, s.input_shape[-2:]))
        pad = f", padding {padding_text(s.padding)}" if any(s.padding) else ""
        if s.padding_mode != "zeros":
            pad += f" ({s.padding_mode})"
        m_h, m_w = s.output.shape[-2:]
        caps = {"input": f"input {shape}{pad}", "output": f"output {m_h}\u00d7{m_w}"}
        k_h, k_w = s.window
        dil = f", dilation {_pair(s.dilation)}" if s.dilation != (1, 1) else ""
        caps["kernel"] = f"kernel {k_h}\u00d7{k_w}{dil}"
        if s.flip:
            caps["kernel"] += ", turned 180\u00b0"
        notes = [f"stride {_pair(s.stride)}"] if s.stride != (1, 1) else []
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

    def __len__(self) -> int:
        return len(self.steps)

    def __call__(self, index: int) -> str:
        """The frame of step `index` as an HTML string."""
        step = self.steps[index]
        classes = [row[:] for row in self._base]
        for n, (r, c) in enumerate(step.cells):
            classes[r][c] = self._window_class(step, n)
        if self.steps.kernel is None:  # pooling: the window is on one channel
            inputs = [grid.svg(classes if ch == step.channel else self._base,
                               overlay=self._hatch + (self._dropped(grid, step)
                                                      if ch == step.channel else ""))
                      for ch, grid in enumerate(self._inputs)]
        else:
            inputs = [grid.svg(classes, overlay=self._hatch) for grid in self._inputs]
        m_h, m_w = self.steps.output.shape[-2:]
        outputs = []
        for ch, grid in enumerate(self._outputs):
            first = ch * m_h * m_w  # the index of the channel's first step

            def look(i, j, first=first):
                done = first + i * m_w + j
                return "o" if done == index else ("d" if done < index else "e")

            outputs.append(grid.svg([[look(i, j) for j in range(m_w)] for i in range(m_h)],
                                    lambda i, j, first=first: first + i * m_w + j <= index))
        i, j = step.out_pos
        where = f"channel {step.out_channel}, " if len(outputs) > 1 else ""
        head = f"step {index + 1} of {len(self.steps)} \u00b7 output [{where}{i}, {j}]"
        head = f"{html.escape(self.title or self.steps.op)} \u00b7 {head}"
        body = self._body(step, inputs, outputs)
        label = html.escape(self._label(step), quote=True)
        return (f'<div class="cbk" data-step="{index}" data-value="{step.value!r}" '
                f'data-out="{i},{j}" role="img" aria-label="{label}" style="{self._fit}">'
                f'<div class="cbk-head">{head}</div>{body}</div>')

    def _label(self, step: Step) -> str:
        """The frame in words, for a screen reader: step, window, output cell, arithmetic."""
        p_h, p_w = self.steps.padding.top, self.steps.padding.left
        rows = sorted({r - p_h for r, _ in step.cells})
        cols = sorted({c - p_w for _, c in step.cells})
        if self._kernels:
            math_html = _conv_math(step, self.CHANNEL).replace("</div><div>", "; ")
        else:
            math_html = _pool_math(self.steps.op, step)
        where = f"channel {step.out_channel}, " if len(self._outputs) > 1 else ""
        i, j = step.out_pos
        return (f"{self.title or self.steps.op}, step {step.index + 1} of {len(self.steps)}: "
                f"the window covers input rows {_span(rows)}, columns {_span(cols)}; "
                f"output [{where}{i}, {j}]: {re.sub(r'<[^>]+>', '', math_html)}")

    def _body(self, step: Step, inputs: list[str], outputs: list[str]) -> str:
        caps = self._captions
        if not self._kernels:
            return self._pool_body(step, inputs, outputs)
        out_fig = _figure(outputs[0], caps["output"])
        many = len(inputs) > 1
        symbol = "\u2217" if self.steps.flip else "\u22c6"  # convolution or cross-correlation
        rows = []
        for ch, (svg, kernel) in enumerate(zip(inputs, self._kernels, strict=True)):
            label = f"channel {ch}: " if many else ""
            row = (f'<div class="cbk-row">{_figure(svg, label + caps["input"])}'
                   f'<div class="cbk-op">{symbol}</div>{_figure(kernel, caps["kernel"])}')
            if many:
                row += f'<div class="cbk-sum">= {fmt(step.partial_sums[ch])}</div>'
            rows.append(row + "</div>")
        return (f'<div class="cbk-row"><div class="cbk-col">{"".join(rows)}</div>'
                f'<div class="cbk-op">=</div>{out_fig}</div>'
                f'{self._shape}<div class="cbk-math">{_conv_math(step)}</div>')

    def _pool_body(self, step: Step, inputs: list[str], outputs: list[str]) -> str:
        """One row per channel (input, window, output), the step's arithmetic and notes."""
        caps, (k_h, k_w), many = self._captions, self.steps.window, len(inputs) > 1
        arrow = _arrow(f"{self.steps.op.split()[0]} {k_h}\u00d7{k_w}")
        rows = []
        for ch, (svg, out) in enumerate(zip(inputs, outputs, strict=True)):
            label = f"channel {ch}: " if many else ""
            rows.append(f'<div class="cbk-row">{_figure(svg, label + caps["input"])}{arrow}'
                        f'{_figure(out, label + caps["output"])}</div>')
        prefix = f"channel {step.channel}: " if many else ""
        notes = "".join(f'<div class="cbk-note">{n}</div>' for n in self._pool_notes(step))
        return (f'<div class="cbk-col">{"".join(rows)}</div>{self._shape}'
                f'<div class="cbk-math"><div>{prefix}{_pool_math(self.steps.op, step)}</div>'
                f"</div>{notes}")

    def _dropped(self, grid: _Grid, step: Step) -> str:
        """The window ceil mode drops after this one, outlined, if there is one."""
        s, (i, j) = self.steps, step.out_pos
        (m_h, m_w), (s_h, s_w) = s.output.shape[-2:], s.stride
        starts = []
        if s.dropped[1] is not None and j == m_w - 1:
            starts.append((i * s_h, s.dropped[1]))
        if s.dropped[0] is not None and i == m_h - 1:
            starts.append((s.dropped[0], j * s_w))
        return "".join(grid.outline(start, s.window, "dropped") for start in starts)

    def _pool_notes(self, step: Step) -> list[str]:
        """Sentences under the arithmetic: what was not counted, which window is dropped."""
        s, notes = self.steps, []
        past = sum(self._past(r, c) for r, c in step.cells)
        if past:
            notes.append(f"{past} cell{'s' * (past > 1)} of this window lie past the padding "
                         "(ceil_mode): they take no part.")
        if s.op == "avg pool" and not s.count_include_pad and any(step.in_padding):
            notes.append(f"count_include_pad=False: the padding is not counted, so the sum "
                         f"is divided by the {step.divisor} input cells.")
        if self._dropped(self._inputs[0], step):
            notes.append("ceil_mode drops the window outlined in orange: it would start in the "
                         "padding past the input.")
        return notes

    def frames(self) -> list[str]:
        return [self(i) for i in range(len(self.steps))]


def _span(values: list[int]) -> str:
    return f"{fmt(values[0])} to {fmt(values[-1])}" if len(values) > 1 else fmt(values[0])


def _fit_style(height: int, reserve: int = FIT_RESERVE) -> str:
    """CSS that scales a frame's grids (--cbk-fit, at most 1px per px) so that a frame
    `height` px tall at full size and `reserve` px of the rest of its player fit the
    window's height, down to cells of MIN_CELL px."""
    return (f"--cbk-fit:clamp({MIN_CELL / CELL:.3f}px, calc((100vh - {reserve}px) / {height}), "
            "1px)")


def _arrow(label: str, symbol: str = "\u2192") -> str:
    return f'<div class="cbk-op"><div class="cbk-sum">{label}</div>{symbol}</div>'


def _pair(p) -> str:
    return str(p[0]) if p[0] == p[1] else f"({p[0]}, {p[1]})"


def padding_text(sides) -> str:
    """Per-side padding as a reader writes it: 1, (2, 1), or left/right/top/bottom."""
    pair = sides.symmetric()
    if pair:
        return _pair(pair)
    return (f"left {sides.left}, right {sides.right}, top {sides.top}, "
            f"bottom {sides.bottom}")


def shape_lines(steps: StepSequence) -> str:
    """The output-size formula per axis with this sequence's numbers filled in."""
    return size_formula(steps, ("rows", "columns"), (steps.padding.rows, steps.padding.cols),
                        ceil_mode=steps.ceil_mode)


def size_formula(steps, names, pads, *, ceil_mode: bool = False) -> str:
    """The output-size formula along the axes `names` (the last ones of the input), padded
    by `pads` ((before, after) per axis), with the numbers of `steps` filled in."""
    lo, hi = ("\u2308", "\u2309") if ceil_mode else ("\u230a", "\u230b")
    lines = []
    for axis, (name, (before, after)) in enumerate(zip(names, pads, strict=True)):
        last = axis - len(names)  # the axes are the last ones, after any channels
        n, k, m = steps.input_shape[last], steps.window[axis], steps.output.shape[last]
        s, d = steps.stride[axis], steps.dilation[axis]
        span = f"{k}" if d == 1 else f"({d}\u00d7({k} {MINUS} 1) + 1)"
        inner = f"{n} + {before} + {after} {MINUS} {span}"
        expr = f"({inner}) + 1" if s == 1 else f"{lo}({inner}) / {s}{hi} + 1"
        room = n + before + after - (d * (k - 1) + 1)
        if s > 1 and ceil_mode and -(-room // s) + 1 != m:
            expr += f" {MINUS} 1 (the last window would start in the padding)"
        lines.append(f"{name}: {expr} = {m}")
    both = " \u00b7 ".join(lines)
    return f'<div class="cbk-shape">output size, padding counted per side: {both}</div>'


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
    parts = [_lines_text("row", never_rows, steps.padding.top, steps.input_shape[-2]),
             _lines_text("column", never_cols, steps.padding.left, steps.input_shape[-1])]
    why = []
    if any(r > max(read_rows) for r in never_rows) or any(c > max(read_cols) for c in never_cols):
        why.append("the last window ends before the edge, and the floor in the formula "
                   "drops what is left")
    if any(r < max(read_rows) for r in never_rows) or any(c < max(read_cols) for c in never_cols):
        gap = "taps of the dilated kernel" if steps.dilation != (1, 1) else "windows"
        why.append(f"some fall between the {gap}")
    return (f'<div class="cbk-note cbk-unread">Never read by any window (hatched): '
            f'{" and ".join(p for p in parts if p)}; {"; ".join(why)}.</div>')


def _lines_text(name: str, lines, before: int, size: int) -> str:
    data = [str(i - before) for i in lines if 0 <= i - before < size]
    pads = len(lines) - len(data)
    words = []
    if data:
        words.append(f"input {name}{'s' if len(data) > 1 else ''} {', '.join(data)}")
    if pads:
        words.append(f"{pads} padding {name}{'s' if pads > 1 else ''}")
    return " and ".join(words)


def _term(text: str, pad: bool) -> str:
    return f'<span class="pad">{text}</span>' if pad else text


def _conv_math(step: Step, channel: str = "channel") -> str:
    """The step's products and sums, one line per input channel (each named `channel` and
    its number when there are several), then the total with the bias."""
    lines = []
    many = len(step.products) > 1
    for ch, (xs, ws) in enumerate(zip(step.inputs, step.weights, strict=True)):
        terms = " + ".join(_term(f"{_factor(x)}\u00d7{_factor(w)}", pad)
                           for x, w, pad in zip(xs, ws, step.in_padding, strict=True))
        prefix = f"{channel} {ch}: " if many else ""
        total = step.partial_sums[ch] if many else step.value - step.bias
        lines.append(f"{prefix}{terms} = {fmt(total)}")
    if many:
        lines.append(" + ".join(fmt(s) for s in step.partial_sums)
                     + (f" + {_factor(step.bias)} (bias)" if step.bias else "")
                     + f" = <b>{fmt(step.value)}</b>")
    elif step.bias:
        lines.append(f"{fmt(step.value - step.bias)} + {_factor(step.bias)} (bias) "
                     f"= <b>{fmt(step.value)}</b>")
    else:
        lines[-1] = lines[-1].rsplit(" = ", 1)[0] + f" = <b>{fmt(step.value)}</b>"
    return "".join(f"<div>{line}</div>" for line in lines)


def _pool_math(op: str, step: Step) -> str:
    """`max(a, b, …) = m` or `(a + b + …) / divisor = m`, over the cells that take part."""
    terms = [_term(fmt(x), pad) for x, pad, counted
             in zip(step.inputs[0], step.in_padding, step.counted, strict=True) if counted]
    if op == "max pool":
        expr = f"max({', '.join(terms)})"
    else:
        expr = f"({' + '.join(terms)}) / {step.divisor}"
    return f"{expr} = <b>{fmt(step.value)}</b>"


def field_frame(sizes, fields, *, width: int = 880) -> str:
    """Grids of a stack of layers with the receptive field of one output cell marked,
    with cells sized so that all levels fit side by side in about `width` pixels."""
    columns = sum(w for _, w in sizes[: len(fields)])
    cell = max(14, min(34, (width - 70 * len(fields)) // columns)) // 2 * 2
    figures = []
    last = len(fields) - 1
    for level, ((h, w), field) in enumerate(zip(sizes, fields, strict=False)):
        grid = _Grid([[""] * w for _ in range(h)], cell=cell,
                     row_labels=list(range(h)), col_labels=list(range(w)))
        mark = "o" if level == last else "w"
        classes = [[mark if (r, c) in field else "d" for c in range(w)] for r in range(h)]
        name = "input" if level == 0 else f"layer {level} output"
        count = "the chosen cell" if level == last else f"{len(field)} cells"
        figures.append(_figure(grid.svg(classes), f"{name} {h}\u00d7{w}: {count}"))
    (r, c), = fields[-1]
    rows = sorted({cell[0] for cell in fields[0]})
    cols = sorted({cell[1] for cell in fields[0]})
    span = f"rows {rows[0]}..{rows[-1]}, columns {cols[0]}..{cols[-1]}"
    arrow = '<div class="cbk-op">\u2192</div>'
    return (f'<div class="cbk" data-field="{len(fields[0])}"><div class="cbk-head">'
            f"Output [{r}, {c}] of layer {last} depends on {len(fields[0])} input cells "
            f"({span})</div><div class=\"cbk-row\">{arrow.join(figures)}</div></div>")


def speed_table(medians: dict[str, float]) -> str:
    """Median milliseconds per call, and how many times slower than the fastest."""
    fastest = min(medians.values())
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{ms:.3g} ms</td>"
        f"<td>{_ratio(ms / fastest)}\u00d7</td></tr>"
        for name, ms in medians.items()
    )
    return (f'<div class="cbk"><table class="cbk-speed"><tr><th>call</th><th>median time</th>'
            f"<th>vs fastest</th></tr>{rows}</table></div>")


def _ratio(r: float) -> str:
    return f"{r:,.0f}" if r >= 10 else f"{r:.1f}"


# Paul Tol's "muted" scheme: nine colours that colour-blind readers can tell apart, one per
# weight of a 3x3 kernel (larger kernels reuse them; every cell also shows its number).
WEIGHT_COLOURS = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255",
                  "#44AA99", "#999933", "#AA4499")
_LIGHT_TEXT = {"#332288", "#117733", "#882255", "#AA4499"}
MAX_MATRIX_CELLS = 4096  # entries of a convolution matrix a frame draws at most


def _weight_style() -> str:
    rules = [f".cbk .m{n} rect{{fill:{colour};stroke:#444}}"
             + (f".cbk .m{n} text{{fill:#fff}}" if colour in _LIGHT_TEXT else "")
             for n, colour in enumerate(WEIGHT_COLOURS)]
    return ("<style>" + "".join(rules) + ".cbk .z rect{fill:#fff;stroke:#ddd}"
            ".cbk svg .mlbl{fill:var(--cbk-fg);font-size:12px}</style>")


def matrix_frame(index, weights, *, kernel_shape, input_shape, output_shape, cell: int = 34,
                 title: str = "") -> str:
    """A convolution matrix drawn with each kernel weight in its own colour.

    `index[r][c]` is the flat kernel index at that entry, or -1 for a zero (left
    blank); `weights` are the kernel's values, flattened; `kernel_shape` is
    `(c, k_h, k_w)`, `input_shape` `(h, w)` and `output_shape` `(m_h, m_w)`. Rows
    are output cells, columns input cells (channel after channel), labelled `row,column`.
    """
    rows, cols = len(index), len(index[0])
    if rows * cols > MAX_MATRIX_CELLS:
        raise ValueError(f"the matrix is too large to draw: {rows} x {cols} entries (at most "
                         f"{MAX_MATRIX_CELLS}); try a smaller input")
    c, k_h, k_w = kernel_shape
    (h, w), m_w = input_shape, output_shape[1]
    colour = [f"m{n % len(WEIGHT_COLOURS)}" for n in range(len(weights))]
    texts = [fmt(v) for v in weights]
    kernels = []
    for ch in range(c):
        grid = _Grid([texts[(ch * k_h + a) * k_w:(ch * k_h + a + 1) * k_w] for a in range(k_h)],
                     cell=CELL)
        kernels.append(grid.svg([colour[(ch * k_h + a) * k_w:(ch * k_h + a + 1) * k_w]
                                 for a in range(k_h)]))
    label_w, half, top = 40, cell // 2, 26
    width, height = label_w + cols * cell + 2, top + rows * cell + 2
    parts = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'font-size="{_font_size("", cell)}" aria-hidden="true">']
    for col in range(cols):
        r_, c_ = divmod(col % (h * w), w)
        parts.append(f'<text class="mlbl" x="{label_w + col * cell + half}" y="{top // 2}">'
                     f"{r_},{c_}</text>")
    for row in range(rows):
        i, j = divmod(row, m_w)
        parts.append(f'<text class="mlbl" x="{label_w // 2}" y="{top + row * cell + half}">'
                     f"{i},{j}</text>")
        for col, n in enumerate(index[row]):
            x, y = label_w + col * cell, top + row * cell
            text = _text(texts[n], x + half, y + half, cell) if n >= 0 else ""
            parts.append(f'<g class="{colour[n] if n >= 0 else "z"}"><rect x="{x}" y="{y}" '
                         f'width="{cell}" height="{cell}"/>{text}</g>')
    parts.append("</svg>")
    used = {n for row in index for n in row if n >= 0}
    filled = sum(n >= 0 for row in index for n in row)
    caption = (f"M: {rows}\u00d7{cols} = {rows * cols} entries; {filled} hold one of "
               f"{len(used)} kernel weights, {rows * cols - filled} are zero (blank). "
               "Rows: output cells; columns: input cells"
               + (", channel by channel" if c > 1 else ""))
    head = f'<div class="cbk-head">{html.escape(title)}</div>' if title else ""
    legend = "".join(_figure(svg, f"kernel {k_h}\u00d7{k_w}" + (f", channel {ch}" if c > 1 else ""))
                     for ch, svg in enumerate(kernels))
    cell_name = [f"{col // (h * w)}:" * (c > 1) + "{},{}".format(*divmod(col % (h * w), w))
                 for col in range(cols)]
    in_words = "; ".join(
        "row {},{}: ".format(*divmod(row, m_w))
        + ", ".join(f"{texts[n]} at {cell_name[col]}" for col, n in enumerate(index[row]) if n >= 0)
        for row in range(rows))
    label = html.escape(f"{title + '. ' if title else ''}{caption}. {in_words}", quote=True)
    return (f'<div class="cbk" data-matrix="{rows}x{cols}" role="img" aria-label="{label}">'
            f'{_weight_style()}{head}'
            f'<div class="cbk-row">{legend}<div class="cbk-op">\u2192</div>'
            f'{_figure("".join(parts), caption)}</div></div>')


def _numbers(t) -> list[list[str]]:
    return [[fmt(v) for v in row] for row in t.tolist()]


def _labelled(t, cell: int = CELL) -> _Grid:
    h, w = t.shape
    return _Grid(_numbers(t), cell=cell, row_labels=list(range(h)), col_labels=list(range(w)))


def shift_frame(result, pool_size, stride, shift, *, mode: str = "max") -> str:
    """An input and its shifted copy, each with its pooled output; changed outputs marked.

    `result` is a `pooling.Shifted`; the pooling windows are outlined on both inputs.
    """
    (k_h, k_w), (s_h, s_w) = pool_size, stride
    m_h, m_w = result.pooled.shape
    figures = []
    for image, pooled, name in ((result.image, result.pooled, "input"),
                                (result.shifted, result.pooled_shifted, _shift_name(shift))):
        grid = _labelled(image, cell=36)
        boxes = "".join(grid.outline((i * s_h, j * s_w), (k_h, k_w), cls="pool")
                        for i in range(m_h) for j in range(m_w))
        looks = [["w" if v else "d" for v in row] for row in image.tolist()]
        changed = result.changed.tolist() if pooled is result.pooled_shifted else None
        out_looks = [["o" if changed and changed[i][j] else "d" for j in range(m_w)]
                     for i in range(m_h)]
        arrow = _arrow(f"{mode} {k_h}\u00d7{k_w}")
        figures.append(f'<div class="cbk-row">{_figure(grid.svg(looks, overlay=boxes), name)}'
                       f"{arrow}{_figure(_labelled(pooled, cell=36).svg(out_looks), 'pooled')}"
                       "</div>")
    count, total = int(result.changed.sum()), result.changed.numel()
    verdict = ("the pooled output is unchanged" if count == 0 else
               f"{count} of {total} pooled outputs change (marked)")
    return (f'<div class="cbk" data-changed="{count}"><div class="cbk-head">'
            f"{_shift_name(shift).capitalize()}: {verdict}</div>"
            f'<div class="cbk-col">{"".join(figures)}</div></div>')


def _shift_name(shift) -> str:
    rows, cols = shift
    moves = ((rows, "row", ("down", "up")), (cols, "column", ("right", "left")))
    parts = [f"{abs(n)} {unit}{'s' * (abs(n) != 1)} {way[n < 0]}" for n, unit, way in moves if n]
    return "shifted " + " and ".join(parts) if parts else "not shifted"


def gradient_frame(X, routed, pool_size, stride, padding, out_pos, *, mode: str = "max") -> str:
    """Where the gradient of one pooled output (or of their sum) lands in the input."""
    (k_h, k_w), (s_h, s_w), (p_h, p_w) = pool_size, stride, padding
    m_h, m_w = routed.output.shape
    h, w = X.shape
    window = set()
    if out_pos is not None:
        i, j = out_pos
        window = {(r, c) for r in range(i * s_h - p_h, i * s_h - p_h + k_h)
                  for c in range(j * s_w - p_w, j * s_w - p_w + k_w) if 0 <= r < h and 0 <= c < w}
    looks = [["w" if (r, c) in window else "d" for c in range(w)] for r in range(h)]
    out_looks = [["o" if out_pos in (None, (i, j)) else "d" for j in range(m_w)]
                 for i in range(m_h)]
    grad = routed.grad.tolist()
    grad_looks = [["o" if v else "e" for v in row] for row in grad]
    name = "every output" if out_pos is None else f"output [{out_pos[0]}, {out_pos[1]}]"
    if out_pos is None:
        what = ("each output sends 1 back to the cell that won its window; a cell that wins "
                "several windows collects several" if mode == "max" else
                "each output spreads 1 evenly over its window; overlapping windows add up")
    elif mode == "max":
        r, c = divmod(int(routed.indices[out_pos]), w)
        what = f"all of it goes to input [{r}, {c}], the cell that won ({fmt(X[r, c].item())})"
    else:
        share = next(v for row in grad for v in row if v)
        what = f"each cell of its window gets an equal share, {fmt(share)}"
    arrow, back = _arrow(f"{mode} {k_h}\u00d7{k_w}"), _arrow("backward", "\u21e2")
    return (f'<div class="cbk"><div class="cbk-head">Backward from {name}: {what}</div>'
            f'<div class="cbk-row">{_figure(_labelled(X).svg(looks), "input X")}{arrow}'
            f'{_figure(_labelled(routed.output).svg(out_looks), "output Y")}{back}'
            f'{_figure(_labelled(routed.grad).svg(grad_looks), "X.grad")}</div></div>')
