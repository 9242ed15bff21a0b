"""The browser test's arithmetic reader and the benchmark stay in step with the book."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from frame_math import MathError, check_frame_math, shown_value
from kinds import KINDS, math_lines, read_frame, stored_frames

from helpers import frames

ROOT = Path(__file__).parent.parent

@pytest.mark.parametrize("name", KINDS)
def test_every_frame_of_every_kind_passes_the_browser_check(name):
    """What e2e/check_book.py checks of each frame a Player shows: its step, value and output
    cell are the step model's, and its arithmetic adds up to the value."""
    steps = KINDS[name].steps()
    drawn = stored_frames(steps)
    assert len(drawn) == len(steps)
    for step, html in zip(steps, drawn, strict=True):
        frame = read_frame(html)
        value = list(step.value) if isinstance(step.value, tuple) else step.value  # 1x1: a column
        assert frame["step"] == step.index
        assert shown_value(frame["value"]) == value
        assert frame["out"] == ",".join(map(str, step.out_pos))
        check_frame_math(frame["math"], value)


def test_wrong_arithmetic_or_a_result_other_than_the_models_is_caught():
    lines = math_lines(frames.renderer(KINDS["corr2d 3x3 * 2x2"].steps())(0))
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
    assert set(results) == {"frame_ms", "param_change_ms", "kernel_floor_seconds", "notebooks",
                            "total_seconds", "static"}
    assert results["kernel_floor_seconds"] > 0  # a kernel started and did the book's imports
    assert list(results["frame_ms"]) == list(KINDS)  # a frame of every kind, by its name
    for figures in results["frame_ms"].values():
        assert set(figures) == {"median", "p90", "baseline_median"}
        assert 0 < figures["median"] <= figures["p90"] and figures["baseline_median"] > 0
    assert all(set(f) == {"median"} for f in results["param_change_ms"].values())
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(results["notebooks"]) == notebooks
    for name, figures in results["notebooks"].items():
        assert figures["bytes"] == (ROOT / "notebooks" / name).stat().st_size
        assert 0 < figures["widget_state_bytes"] < figures["bytes"]
        assert figures["floor_multiple"] == figures["seconds"] / results["kernel_floor_seconds"]
