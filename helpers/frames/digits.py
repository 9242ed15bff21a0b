"""Frames for the digits chapter: feature maps as shaded grids, class probabilities as bars,
a training curve. Plain HTML/SVG text, like every frame of the book; nothing here knows
of ipywidgets.
"""

from __future__ import annotations

import html

import torch

from .kit import OKABE_ITO, style

INK = (17, 17, 17)  # the darkest shade: a full-ink pixel, or a map's largest value
PAPER = (255, 255, 255)
POSITIVE = (94, 60, 153)  # purple, as in show_images' PuOr map
NEGATIVE = (230, 97, 1)  # orange


LEVELS = 16  # shades per sign: as many as the digits' ink levels above 0


def shade(value: float, limit: float, signed: bool) -> str:
    """The colour of `value` on a scale from 0 (white) to `limit`, in LEVELS steps: grey,
    or purple and orange for positive and negative values when `signed`."""
    level = _level(value, limit)
    far = INK if not signed else (POSITIVE if level >= 0 else NEGATIVE)
    t = abs(level) / LEVELS
    rgb = (round(p + (f - p) * t) for p, f in zip(PAPER, far, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _level(value: float, limit: float) -> int:
    return 0 if limit <= 0 else round(LEVELS * max(-1.0, min(1.0, value / limit)))


def maps_svg(grids: torch.Tensor, *, cell: int, signed: bool, limit: float, per_row: int = 16,
             label: str = "") -> str:
    """The 2-D grids `grids` (`c x h x w`) side by side, `per_row` to a row, as one SVG of
    shaded cells (no numbers): one path per shade keeps it small."""
    c, h, w = grids.shape
    cols, rows = min(c, per_row), -(-c // per_row)
    gap = 5 / cell  # 5 px between grids
    width, height = cols * (w + gap) - gap, rows * (h + gap) - gap
    paths: dict[str, list[str]] = {}
    boxes = []
    for k, grid in enumerate(grids.tolist()):
        x0, y0 = (k % per_row) * (w + gap), (k // per_row) * (h + gap)
        boxes.append(f"M{_num(x0)} {_num(y0)}h{w}v{h}h{-w}z")
        for r, row in enumerate(grid):
            for j, v in enumerate(row):
                if _level(v, limit):
                    paths.setdefault(shade(v, limit, signed), []).append(
                        f"M{_num(x0 + j)} {_num(y0 + r)}h1v1h-1z")
    body = "".join(f'<path fill="{colour}" d="{"".join(d)}"/>' for colour, d in paths.items())
    frame = (f'<path d="{"".join(boxes)}" fill="none" stroke="#777" '
             f'stroke-width="{1.5 / cell:.3f}"/>')
    pad = 2 / cell  # room for the outline
    return (f'<svg width="{round(width * cell) + 4}" height="{round(height * cell) + 4}" '
            f'viewBox="{_num(-pad)} {_num(-pad)} {_num(width + 2 * pad)} {_num(height + 2 * pad)}" '
            f'role="img" aria-label="{html.escape(label)}" '
            f'shape-rendering="crispEdges"><path fill="#fff" d="{"".join(boxes)}"/>'
            f"{body}{frame}</svg>")


def _num(x: float) -> str:
    return f"{x:.3f}".rstrip("0").rstrip(".")


def maps_frame(maps: list[tuple[str, torch.Tensor]], *, width: int = 40) -> str:
    """One row per layer: each channel of a `c x h x w` output as a shaded grid about
    `width` pixels wide, a vector output as one strip. Each layer has its own scale."""
    rows = []
    for name, out in maps:
        out = out.detach().float()
        grids = out if out.dim() == 3 else out.reshape(1, 1, -1)
        cell = max(4, width // grids.shape[-1]) if out.dim() == 3 else 6
        shape = "\u00d7".join(map(str, out.shape))
        svg = maps_svg(grids, cell=cell, signed=bool((out < 0).any()),
                       limit=float(out.abs().max()), label=f"{name}: output {shape}")
        rows.append(f'<div class="cbk-maps-row"><div class="cbk-maps-name">{html.escape(name)}'
                    f"<br><small>{shape}</small></div>{svg}</div>")
    return f'<div class="cbk cbk-maps">{MAPS_STYLE}{"".join(rows)}</div>'


MAPS_STYLE = style("digits")  # a row per layer: its name, then its maps


def probability_bars(probabilities: torch.Tensor | None, *, note: str = "",
                     classes: int = 10) -> str:
    """The predicted class in large type and one bar per class, with its probability;
    without probabilities (nothing drawn yet), the classes with empty rows and no prediction."""
    probs = [None] * classes if probabilities is None else probabilities.tolist()
    best = None if probabilities is None else max(range(len(probs)), key=probs.__getitem__)
    bar_w, row_h = 200, 24
    parts = [f'<svg width="{bar_w + 90}" height="{row_h * len(probs)}" role="img" '
             f'aria-label="probability of each class">']
    for k, p in enumerate(probs):
        y = k * row_h
        parts.append(f'<text x="10" y="{y + row_h / 2}">{k}</text>')
        if p is None:
            continue
        colour = OKABE_ITO["blue"] if k == best else "#9ec9e2"
        parts.append(f'<rect x="24" y="{y + 3}" width="{max(1, round(p * bar_w))}" '
                     f'height="{row_h - 6}" style="fill:{colour};stroke:none"/>'
                     f'<text x="{bar_w + 56}" y="{y + row_h / 2}" font-size="14">'
                     f"{100 * p:.0f} %</text>")
    parts.append("</svg>")
    extra = f'<div class="cbk-note">{html.escape(note)}</div>' if note else ""
    big = '<span style="font-size:44px;vertical-align:middle">{}</span>'
    head = ("prediction: " + big.format("\u2013") + " (none yet)" if best is None else
            "prediction: " + big.format(best) + f" ({100 * probs[best]:.0f} %)")
    shown = "" if best is None else f' data-prediction="{best}"'
    return (f'<div class="cbk"{shown}><div class="cbk-head">{head}</div>{extra}'
            f'{"".join(parts)}</div>')


def training_line(epoch: int, epochs: int, loss: float | None = None,
                  accuracy: float | None = None) -> str:
    """One line about the training so far (epoch 0: not started)."""
    if epoch == 0:
        text = f"{epochs} epochs to go"
    else:
        acc = "" if accuracy is None else f" \u00b7 test accuracy {accuracy:.3f}"
        text = f"epoch {epoch} of {epochs} \u00b7 training loss {loss:.4f}{acc}"
    return f'<div class="cbk" data-epoch="{epoch}"><div class="cbk-sum">{text}</div></div>'
