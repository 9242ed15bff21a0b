"""Read the arithmetic a frame shows and check it against the step model.

A frame's `.cbk-math` lines look like `0×0 + 1×1 + 3×2 + 4×3 = 19`,
`input channel 0: ... = 19` (`channel 0: max(...)` in pooling),
`K[0]: ... = 19` (a 3-D kernel's slice 0), `19 + 37 = 56`, `max(1, −∞, 3) = 3` or
`(1 + 2 + 0) / 3 = 1`. Each line must add up, and the last must end with the
model's value as the book prints it. A 1x1 convolution's value is a vector, one
number per output channel: its frame has one line per output channel, `output
channel 0: 0×0 + 1×4 + 2×8 + 3 (bias) = 23`, and line o ends with entry o of the
model's value.
"""

from __future__ import annotations

import math
import re

from helpers.frames.kit import MINUS, fmt


class MathError(ValueError):
    """A frame's arithmetic that does not add up, or disagrees with the model."""


def number(text: str) -> float:
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    text = text.replace(MINUS, "-").replace("\u221e", "inf")
    try:
        return float(text)
    except ValueError:
        raise MathError(f"{text!r} is not a number") from None


def _evaluate(expression: str) -> tuple[float, float]:
    """The value of one line's left side, and how far display rounding may move it."""
    if expression.startswith("max(") and expression.endswith(")"):
        values = [number(t) for t in expression[4:-1].split(", ")]
        return max(values), 0.006
    pooled = re.fullmatch(r"\((.*)\) / (\d+)", expression)
    if pooled:
        values = [number(t) for t in pooled.group(1).split(" + ")]
        return sum(values) / int(pooled.group(2)), 0.006 * len(values)
    total, slack = 0.0, 0.006
    for term in expression.split(" + "):
        term = term.removesuffix(" (bias)")
        if "\u00d7" in term:
            x, w = (number(t) for t in term.split("\u00d7"))
            total += x * w
            slack += 0.006 * (abs(x) + abs(w) + 1)
        else:
            total += number(term)
            slack += 0.006
    return total, slack


def shown_value(text: str) -> float | list[float]:
    """A frame's `data-value`: one number, or `[a, b, ...]` for a 1x1 convolution's column."""
    if text.startswith("["):
        return [float(t) for t in text[1:-1].split(", ")]
    return float(text)


def check_frame_math(lines: list[str], value: float | list[float]) -> None:
    """Raise MathError unless every line adds up and the last shows `value` (or, for a
    vector value, line o shows entry o)."""
    if not lines:
        raise MathError("the frame shows no arithmetic")
    if isinstance(value, (list, tuple)):
        if len(lines) != len(value):
            raise MathError(f"the frame shows {len(lines)} lines for {len(value)} output "
                            "channels")
        for line, entry in zip(lines, value, strict=True):
            check_frame_math([line], entry)
        return
    for line in lines:
        line = re.sub(r"^(?:(?:output |input )?channel \d+|K\[\d+\]): ", "", line.strip())
        if " = " not in line:
            raise MathError(f"no result in {line!r}")
        expression, result = line.rsplit(" = ", 1)
        computed, slack = _evaluate(expression)
        shown = number(result)
        if not (computed == shown or math.isclose(computed, shown, abs_tol=slack)):
            raise MathError(f"{line!r} does not add up: the terms give {computed:g}")
    last = lines[-1].rsplit(" = ", 1)[1].strip()
    if last != fmt(value):
        raise MathError(f"the frame's result is {last}, the step model says {fmt(value)}")
