"""The baseline a frame is compared with: the same grids drawn as a matplotlib figure.

This is how a notebook usually animates a sliding window: for every step, a new
figure with the padded input, the kernel and the output as grids of numbered
cells, the window and the current output outlined, rendered to the PNG that the
inline backend would send.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from helpers.frames.kit import fmt  # noqa: E402
from helpers.steps import (  # noqa: E402
    NdSequence,
    NdStep,
    PixelSequence,
    PixelStep,
    Step,
    StepSequence,  # noqa: E402
)


def _grid(ax, values, *, title: str, marked=(), mark_colour="#0072B2") -> None:
    rows, cols = len(values), len(values[0])
    ax.set_xlim(0, cols)
    ax.set_ylim(rows, 0)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=9)
    for r in range(rows):
        for c in range(cols):
            ax.add_patch(Rectangle((c, r), 1, 1, fill=(r, c) in marked, facecolor="#cde6f5",
                                   edgecolor=mark_colour if (r, c) in marked else "#666"))
            if values[r][c] != "":
                ax.text(c + 0.5, r + 0.5, values[r][c], ha="center", va="center", fontsize=9)


def _png(grids, *, width: float, output: str) -> bytes:
    """A new figure of `(values, title, marked)` grids in a row, saved as PNG; grids whose
    title starts with `output` mark their cell in orange, the others in blue."""
    fig, axes = plt.subplots(1, len(grids), figsize=(width * len(grids), 2.2), dpi=100)
    for ax, (values, title, marked) in zip(axes, grids, strict=True):
        colour = "#D55E00" if title.startswith(output) else "#0072B2"
        _grid(ax, values, title=title, marked=marked, mark_colour=colour)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def matplotlib_frame(steps: StepSequence, step: Step) -> bytes:
    """One frame drawn from scratch as a PNG: each input channel and its kernel slice
    (if any; of the step's output channel when there are several), and the outputs so far."""
    out_h, out_w = steps.output.shape[-2:]
    channels = steps.output.shape[0] if steps.output.dim() == 3 else 1  # output channels
    outputs = [[[""] * out_w for _ in range(out_h)] for _ in range(channels)]
    for done in steps[: step.index + 1]:
        outputs[done.out_channel][done.out_pos[0]][done.out_pos[1]] = fmt(done.value)
    kernel = steps.kernel
    if kernel is not None and kernel.dim() == 4:
        kernel = kernel[step.out_channel]
    grids = []
    for ch, padded in enumerate(steps.padded.tolist()):
        grids.append(([[fmt(v) for v in row] for row in padded], f"input {ch}", set(step.cells)))
        if kernel is not None:
            grids.append(([[fmt(v) for v in row] for row in kernel[ch].tolist()],
                          f"kernel {ch}", set()))
    for ch, output in enumerate(outputs):
        marked = {tuple(step.out_pos)} if ch == step.out_channel else set()
        grids.append((output, f"output {ch}", marked))
    return _png(grids, width=2.2, output="output")


def matplotlib_pixel_frame(steps: PixelSequence, step: PixelStep) -> bytes:
    """A 1x1 convolution's frame drawn from scratch as a PNG: each input channel with the
    pixel marked, W, v, b, W v + b, and each output channel so far."""
    c_o, h, w = steps.output.shape
    done = [[[""] * w for _ in range(h)] for _ in range(c_o)]
    for record in steps[: step.index + 1]:
        i, j = record.out_pos
        for o, value in enumerate(record.value):
            done[o][i][j] = fmt(value)
    pixel = {tuple(step.out_pos)}
    grids = [([[fmt(v) for v in row] for row in plane], f"X[{ch}]", pixel)
             for ch, plane in enumerate(steps.input.tolist())]
    grids.append(([[fmt(v) for v in row] for row in steps.weight.tolist()], "W", set()))
    for values, title in ((step.v, "v"), (step.bias, "b"), (step.value, "W v + b")):
        grids.append(([[fmt(v)] for v in values], title, set()))
    grids += [(plane, f"Y[{o}]", pixel) for o, plane in enumerate(done)]
    return _png(grids, width=1.6, output="Y")


def matplotlib_nd_frame(steps: NdSequence, step: NdStep) -> bytes:
    """A 1-D or 3-D cross-correlation's frame drawn from scratch as a PNG: the padded input
    (each depth slice) with the window marked, the kernel's slices, the output so far."""
    def volume(t):  # a signal is a volume of one slice of one row
        return t.reshape((1,) * (3 - t.dim()) + tuple(t.shape)).tolist()

    def lift(cell):
        return (0,) * (3 - len(cell)) + tuple(cell)

    done = [""] * steps.output.numel()
    for record in steps[: step.index + 1]:
        done[record.index] = fmt(record.value)
    window, (o, i, j) = {lift(c) for c in step.cells}, lift(step.out_pos)
    grids = [([[fmt(v) for v in row] for row in plane], f"input {z}",
              {(r, c) for q, r, c in window if q == z})
             for z, plane in enumerate(volume(steps.padded))]
    grids += [([[fmt(v) for v in row] for row in plane], f"kernel {a}", set())
              for a, plane in enumerate(volume(steps.kernel))]
    out = volume(steps.output)
    m_d, m_h, m_w = len(out), len(out[0]), len(out[0][0])
    grids += [([done[(d * m_h + r) * m_w:(d * m_h + r + 1) * m_w] for r in range(m_h)],
               f"output {d}", {(i, j)} if d == o else set()) for d in range(m_d)]
    return _png(grids, width=2.2, output="output")
