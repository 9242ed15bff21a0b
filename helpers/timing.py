"""Median wall time of small calls, for the speed comparisons a reader runs."""

from __future__ import annotations

import statistics
import timeit
from collections.abc import Callable


def median_ms(calls: dict[str, Callable[[], object]], *, repeat: int = 5) -> dict[str, float]:
    """Median milliseconds per call of each function, each timed over `repeat` runs."""
    result = {}
    for name, call in calls.items():
        timer = timeit.Timer(call)
        number, _ = timer.autorange()
        runs = timer.repeat(repeat=repeat, number=number)
        result[name] = statistics.median(runs) / number * 1000
    return result
