"""The browser test's arithmetic reader and the benchmark stay in step with the book."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from frame_math import MathError, check_frame_math

import helpers
from helpers import frames

ROOT = Path(__file__).parent.parent

X3 = torch.arange(9.0).reshape(3, 3)
K2 = torch.arange(4.0).reshape(2, 2)
SEQUENCES = {
    "corr2d": helpers.conv2d_steps(X3, K2),
    "padding, stride, bias": helpers.conv2d_steps(X3 - 4, K2 / 3, padding=1, stride=2, bias=-0.5),
    "two channels": helpers.conv2d_steps(torch.stack([X3, X3 + 1]), torch.stack([K2, K2 + 1]),
                                         bias=1.0),
    "max pool with padding": helpers.pool2d_steps(X3 - 9, 2, padding=1),
    "avg pool": helpers.pool2d_steps(X3 / 7, 3, mode="avg", padding=1, stride=2),
    "avg pool, ceil mode, padding not counted": helpers.pool2d_steps(
        torch.arange(25.0).reshape(5, 5) / 3, 2, mode="avg", padding=1, stride=2,
        ceil_mode=True, count_include_pad=False),
    "max pool, two channels, ceil mode": helpers.pool2d_steps(
        torch.stack([X3, -X3]), 2, stride=2, ceil_mode=True),
    "reflect padding": helpers.conv2d_steps(X3, K2, padding=(1, 2, 0, 1),
                                            padding_mode="reflect"),
    "same, even kernel": helpers.conv2d_steps(X3, K2, padding="same"),
    "uncovered cells": helpers.conv2d_steps(torch.arange(30.0).reshape(3, 10), torch.ones(3, 3),
                                            stride=2, dilation=(1, 2)),
}


def math_lines(frame: str) -> list[str]:
    """The `.cbk-math` lines as a browser's textContent gives them."""
    block = re.search(r'<div class="cbk-math">(.*)</div></div>$', frame).group(1)
    return [re.sub(r"<[^>]+>", "", line) for line in re.findall(r"<div>(.*?)</div>", block)]


@pytest.mark.parametrize("name", SEQUENCES)
def test_every_frame_of_every_kind_passes_the_browser_check(name):
    steps = SEQUENCES[name]
    renderer = frames.renderer(steps)
    for step in steps:
        check_frame_math(math_lines(renderer(step.index)), step.value)


def test_wrong_arithmetic_or_a_result_other_than_the_models_is_caught():
    lines = math_lines(frames.renderer(SEQUENCES["corr2d"])(0))
    assert lines == ["0\u00d70 + 1\u00d71 + 3\u00d72 + 4\u00d73 = 19"]
    with pytest.raises(MathError, match="does not add up"):
        check_frame_math([lines[0].replace("4\u00d73", "4\u00d74")], 19.0)
    with pytest.raises(MathError, match="the step model says 25"):
        check_frame_math(lines, 25.0)
    with pytest.raises(MathError, match="no arithmetic"):
        check_frame_math([], 19.0)


def test_quick_benchmark_writes_every_figure(tmp_path):
    out = tmp_path / "bench.json"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--quick",
                    "--out", str(out)], check=True, capture_output=True, cwd=ROOT)
    results = json.loads(out.read_text())
    assert set(results) == {"frame_ms", "param_change_ms", "notebooks", "total_seconds",
                            "static"}
    for figures in results["frame_ms"].values():
        assert set(figures) == {"median", "p90", "baseline_median"}
        assert 0 < figures["median"] <= figures["p90"] and figures["baseline_median"] > 0
    assert all(set(f) == {"median"} for f in results["param_change_ms"].values())
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(results["notebooks"]) == notebooks
    for name, figures in results["notebooks"].items():
        assert figures["bytes"] == (ROOT / "notebooks" / name).stat().st_size
        assert 0 < figures["widget_state_bytes"] < figures["bytes"]
