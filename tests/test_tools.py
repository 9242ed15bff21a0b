"""The browser test's arithmetic reader and the benchmark stay in step with the book."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from frame_math import MathError, check_frame_math
from kinds import K2, X3, math_lines, read_frame

import helpers
from helpers import frames

ROOT = Path(__file__).parent.parent

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


def test_a_frame_is_read_as_the_browser_reads_it():
    """`.cbk-math > div` text (markup dropped, entities decoded) and the frame's data."""
    frame = ('<div class="cbk" data-step="3" data-value="-1.5" data-out="0,1"><div class="cbk-x">'
             '<div>not arithmetic</div><svg><rect x="1"/><text>9</text></svg></div>'
             '<div class="cbk-math"><div>max(<span class="pad">\u2212\u221e</span>, 1) = '
             '<b>1</b></div><div class="line">2 &lt; 3 + 1 = 4<br></div></div>'
             '<div class="cbk-note"><div>a note</div></div></div><div class="cbk-math">'
             '<div>outside the frame</div></div>')
    assert read_frame(frame) == {"step": 3, "value": "-1.5", "out": "0,1",
                                 "math": ["max(\u2212\u221e, 1) = 1", "2 < 3 + 1 = 4"]}
    assert math_lines(frame) == read_frame(frame)["math"]
    with pytest.raises(ValueError, match="no .cbk.data-step. frame"):
        read_frame('<div class="cbk-msg">no frame</div>')


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
