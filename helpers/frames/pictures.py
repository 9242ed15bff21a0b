"""Pictures that are not animations: a receptive field, a speed table, a convolution
matrix, a pooled input beside its shifted copy, and where a pooling gradient goes.

Drawn with the kit like every frame; nothing here knows of ipywidgets.
"""

from __future__ import annotations

import html

from .kit import (
    CELL,
    Grid,
    arrow,
    cell_groups,
    figure,
    fmt,
    font_size,
    labelled,
    square,
    style,
    svg_text,
)


def field_frame(sizes, fields, *, width: int = 880) -> str:
    """Grids of a stack of layers with the receptive field of one output cell marked,
    with cells sized so that all levels fit side by side in about `width` pixels."""
    columns = sum(w for _, w in sizes[: len(fields)])
    cell = max(14, min(34, (width - 70 * len(fields)) // columns)) // 2 * 2
    figures = []
    last = len(fields) - 1
    for level, ((h, w), field) in enumerate(zip(sizes, fields, strict=False)):
        grid = Grid([[""] * w for _ in range(h)], cell=cell,
                     row_labels=list(range(h)), col_labels=list(range(w)))
        mark = "o" if level == last else "w"
        classes = [[mark if (r, c) in field else "d" for c in range(w)] for r in range(h)]
        name = "input" if level == 0 else f"layer {level}"
        count = "the chosen cell" if level == last else f"{len(field)} cells"
        figures.append(figure(grid.svg(classes), f"{name} {h}\u00d7{w} \u00b7 {count}"))
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
# weight of a 3x3 kernel (larger kernels reuse them; every cell also shows its number). The
# looks m0-m8 of css/weights.css draw them, with light text on the four dark ones.
WEIGHT_COLOURS = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255",
                  "#44AA99", "#999933", "#AA4499")
WEIGHT_STYLE = style("weights")
MAX_MATRIX_CELLS = 4096  # entries of a convolution matrix a frame draws at most


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
        grid = Grid([texts[(ch * k_h + a) * k_w:(ch * k_h + a + 1) * k_w] for a in range(k_h)],
                     cell=CELL)
        kernels.append(grid.svg([colour[(ch * k_h + a) * k_w:(ch * k_h + a + 1) * k_w]
                                 for a in range(k_h)]))
    label_w, half, top = 40, cell // 2, 26
    width, height = label_w + cols * cell + 2, top + rows * cell + 2
    parts = [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'font-size="{font_size("", cell)}" aria-hidden="true">']
    for col in range(cols):
        r_, c_ = divmod(col % (h * w), w)
        parts.append(f'<text class="mlbl" x="{label_w + col * cell + half}" y="{top // 2}">'
                     f"{r_},{c_}</text>")
    for row in range(rows):
        i, j = divmod(row, m_w)
        parts.append(f'<text class="mlbl" x="{label_w // 2}" y="{top + row * cell + half}">'
                     f"{i},{j}</text>")
    cells = ((colour[n] if n >= 0 else "z", square(x, y, cell),
              svg_text(texts[n], x + half, y + half, cell) if n >= 0 else "")
             for row in range(rows) for col, n in enumerate(index[row])
             for x, y in [(label_w + col * cell, top + row * cell)])
    parts += [cell_groups(cells), "</svg>"]
    used = {n for row in index for n in row if n >= 0}
    filled = sum(n >= 0 for row in index for n in row)
    caption = (f"M: {rows}\u00d7{cols} = {rows * cols} entries; {filled} hold one of "
               f"{len(used)} kernel weights, {rows * cols - filled} are zero (blank). "
               "Rows: output cells; columns: input cells"
               + (", channel by channel" if c > 1 else ""))
    head = f'<div class="cbk-head">{html.escape(title)}</div>' if title else ""
    legend = "".join(figure(svg, f"kernel {k_h}\u00d7{k_w}" + (f", channel {ch}" if c > 1 else ""))
                     for ch, svg in enumerate(kernels))
    cell_name = [f"{col // (h * w)}:" * (c > 1) + "{},{}".format(*divmod(col % (h * w), w))
                 for col in range(cols)]
    in_words = "; ".join(
        "row {},{}: ".format(*divmod(row, m_w))
        + ", ".join(f"{texts[n]} at {cell_name[col]}" for col, n in enumerate(index[row]) if n >= 0)
        for row in range(rows))
    label = html.escape(f"{title + '. ' if title else ''}{caption}. {in_words}", quote=True)
    return (f'<div class="cbk" data-matrix="{rows}x{cols}" role="img" aria-label="{label}">'
            f'{WEIGHT_STYLE}{head}'
            f'<div class="cbk-row">{legend}<div class="cbk-op">\u2192</div>'
            f'<figure>{"".join(parts)}<figcaption class="cbk-long" style="max-width:{width}px">'
            f'{caption}</figcaption></figure></div></div>')


def shift_frame(result, pool_size, stride, shift, *, mode: str = "max") -> str:
    """An input and its shifted copy, each with its pooled output; changed outputs marked.

    `result` is a `pooling.Shifted`; the pooling windows are outlined on both inputs.
    """
    (k_h, k_w), (s_h, s_w) = pool_size, stride
    m_h, m_w = result.pooled.shape
    figures = []
    for image, pooled, name in ((result.image, result.pooled, "input"),
                                (result.shifted, result.pooled_shifted, _shift_name(shift))):
        grid = labelled(image, cell=36)
        boxes = "".join(grid.outline((i * s_h, j * s_w), (k_h, k_w), cls="pool")
                        for i in range(m_h) for j in range(m_w))
        looks = [["w" if v else "d" for v in row] for row in image.tolist()]
        changed = result.changed.tolist() if pooled is result.pooled_shifted else None
        out_looks = [["o" if changed and changed[i][j] else "d" for j in range(m_w)]
                     for i in range(m_h)]
        pooling = arrow(f"{mode} {k_h}\u00d7{k_w}")
        figures.append(f'<div class="cbk-row">{figure(grid.svg(looks, overlay=boxes), name)}'
                       f"{pooling}{figure(labelled(pooled, cell=36).svg(out_looks), 'pooled')}"
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
    forward, back = arrow(f"{mode} {k_h}\u00d7{k_w}"), arrow("backward", "\u21e2")
    return (f'<div class="cbk"><div class="cbk-head">Backward from {name}: {what}</div>'
            f'<div class="cbk-row">{figure(labelled(X).svg(looks), "input X")}{forward}'
            f'{figure(labelled(routed.output).svg(out_looks), "output Y")}{back}'
            f'{figure(labelled(routed.grad).svg(grad_looks), "X.grad")}</div></div>')

