"""The steps, frames and players of corr1d and corr3d."""

import re
import warnings

import pytest
import torch
import torch.nn.functional as F
from frame_math import check_frame_math, shown_value
from hypothesis import given, settings
from hypothesis import strategies as st
from kinds import fit_layouts, read_frame
from svg_cells import count

import helpers
from helpers import frames
from helpers.frames import kit
from helpers.frames.corr_nd import MAX_COLUMNS, corr_nd_renderer

SIGNAL = torch.arange(1.0, 8.0)
EDGE = torch.tensor([1.0, 0.0, -1.0])
VOLUME = torch.arange(48.0).reshape(3, 4, 4)
CUBE = torch.ones(2, 2, 2)


def check_records(steps, x):
    """Every record against the padded input, the kernel and the output."""
    assert len(steps) == steps.output.numel()
    flat = steps.output.flatten().tolist()
    weights = steps.kernel.flatten().tolist()
    for n, step in enumerate(steps):
        assert step.index == n and step.value == flat[n]
        assert steps.output[step.out_pos].item() == step.value
        assert list(step.weights) == weights
        assert [steps.padded[c].item() for c in step.cells] == list(step.inputs)
        assert [steps.pad_mask[c].item() for c in step.cells] == list(step.in_padding)
        assert step.products == pytest.approx(
            [a * b for a, b in zip(step.inputs, step.weights, strict=True)], rel=1e-6)
        assert step.value == pytest.approx(sum(step.products), abs=1e-4)
    covered = {c for step in steps for c in step.cells}
    every = {tuple(i.tolist()) for i in torch.nonzero(torch.ones_like(steps.pad_mask))}
    assert set(steps.uncovered) == every - covered
    assert int((~steps.pad_mask).sum()) == x.numel()


@st.composite
def cases(draw, axes):
    n = draw(st.tuples(*[st.integers(1, 7 if axes == 1 else 4)] * axes))
    k = draw(st.tuples(*[st.integers(1, 3)] * axes))
    padding = draw(st.one_of(st.integers(0, 2), st.sampled_from(["same", "valid"]),
                             st.tuples(*[st.integers(0, 2)] * (2 * axes))))
    stride = 1 if padding == "same" else draw(st.integers(1, 3))
    return n, k, padding, stride, draw(st.integers(1, 2)), draw(st.integers(0, 99))


@pytest.mark.parametrize("axes", [1, 3])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_steps_frames_and_code_agree_with_pytorch(axes, data):
    n, k, padding, stride, dilation, seed = data.draw(cases(axes))
    g = torch.Generator().manual_seed(seed)
    x, kernel = torch.randn(n, generator=g), torch.randn(k, generator=g)
    make = helpers.corr1d_steps if axes == 1 else helpers.corr3d_steps
    try:
        steps = make(x, kernel, padding=padding, stride=stride, dilation=dilation)
    except ValueError:
        with pytest.raises(ValueError):
            (helpers.corr1d if axes == 1 else helpers.corr3d)(
                x, kernel, padding=padding, stride=stride, dilation=dilation)
        return
    expected = (helpers.corr1d if axes == 1 else helpers.corr3d)(
        x, kernel, padding=padding, stride=stride, dilation=dilation)
    torch.testing.assert_close(steps.output, expected)
    names = {"torch": torch, "F": F, "x": x, "k": kernel, "X": x, "K": kernel}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # 'same' with an even kernel pads a copy
        torch.testing.assert_close(eval(steps.code, names), expected, atol=1e-5, rtol=1e-5)
    check_records(steps, x)
    try:
        renderer = corr_nd_renderer(steps)
    except ValueError as error:  # too wide a volume to draw: says so
        assert "too wide" in str(error) or "too long" in str(error)
        return
    for step in steps:
        check_frame(renderer(step.index), step)


def check_frame(frame: str, step) -> None:
    """What the browser test reads: step, value, output cell, arithmetic adding up."""
    shown = read_frame(frame)
    assert shown["step"] == step.index
    assert shown_value(shown["value"]) == step.value
    assert shown["out"] == ",".join(map(str, step.out_pos))
    assert re.search(r'role="img" aria-label="[^"]+window covers input', frame)
    check_frame_math(shown["math"], step.value)


def test_1d_frame_slides_the_kernel_under_the_window():
    steps = helpers.corr1d_steps(SIGNAL, EDGE, padding=1, stride=2, dilation=2)
    assert repr(steps) == ("NdSequence(corr1d, input 7, kernel 3, padding 1, stride 2, "
                           "dilation 2, 3 steps)")
    assert steps.output.tolist() == [-4, -4, 4]
    assert steps.code == "F.conv1d(x[None, None], k[None, None], padding=1, stride=2, " \
        "dilation=2)[0, 0]"
    assert steps[1].cells == ((2,), (4,), (6,)) and steps.uncovered == ((1,), (3,), (5,), (7,))
    frame = corr_nd_renderer(steps, title="edges")(1)
    assert count(frame, "k") == 3 and count(frame, "w") == 3
    assert "2\u00d71 + 4\u00d70 + 6\u00d7(\u22121) = <b>\u22124</b>" in frame
    assert "input positions 0, 2, 4, 6" in frame and 'class="hatch"' in frame
    assert "edges \u00b7 step 2 of 3 \u00b7 output [1]" in frame
    assert "length: \u230a(7 + 1 + 1 \u2212 (2\u00d7(3 \u2212 1) + 1)) / 2\u230b + 1 = 3" in frame
    assert "window covers input positions 1 to 5" in frame


def test_3d_frame_shows_every_slice_and_the_window_through_depth():
    steps = helpers.corr3d_steps(VOLUME, CUBE, padding=(1, 0, 0))
    assert len(steps) == 4 * 3 * 3 and steps.output.shape == (4, 3, 3)
    assert steps.code == "F.conv3d(X[None, None], K[None, None], padding=(1, 0, 0))[0, 0]"
    step = steps[14]  # output [1, 1, 2]: slices 1 and 2 of the padded volume
    assert step.out_pos == (1, 1, 2) and {c[0] for c in step.cells} == {1, 2}
    frame = corr_nd_renderer(steps)(14)
    assert frame.count("<svg") == 5 + 2 + 4  # padded slices, kernel slices, output slices
    assert "X[0] \u00b7 K[0]" in frame and "X[1] \u00b7 K[1]" in frame
    assert count(frame, "w") == 8 and count(frame, "o") == 1
    assert ("K[0]: 6\u00d71 + 7\u00d71 + 10\u00d71 + 11\u00d71 = 34</div>"
            "<div>K[1]: 22\u00d71") in frame
    assert "34 + 98 = <b>132</b>" in frame
    # the padding slice in front, under the window at the first steps
    first = corr_nd_renderer(steps)(0)
    assert "pad \u00b7 K[0]" in first and count(first, "wp") == 4
    assert "padding (1, 0, 0)" in first
    # a line of arithmetic per kernel slice plus the total, under two rows of grids
    (height, _, _), = fit_layouts(first)
    grids = (22 + 4 * 44 + 2) + kit.CAPTION + 6 + (22 + 3 * 44 + 2) + kit.CAPTION
    assert height == kit.HEAD + grids + kit.MATH + 3 * kit.MATH_LINE


def test_players_animate_change_and_show_messages_for_bad_settings():
    player = helpers.corr1d_player(SIGNAL, {"edge": EDGE, "long": torch.ones(12)},
                                   padding=range(0, 3), title="signal")
    assert repr(player) == "Player(corr1d, input 7, kernel 3, 5 steps)"
    assert player.stack.children[2].value == corr_nd_renderer(player.steps, title="signal")(2)
    assert 'In PyTorch: <code>F.conv1d(x[None, None], k[None, None])[0, 0]' in \
        player.code_line.value
    player.set(padding=2)
    assert len(player.steps) == 9 and "padding=2" in player.code_line.value
    player.set(k="long")
    assert player.steps is None and player.code_line.value == ""
    assert "a 12-wide kernel needs at least 12 values; this input has 7 (11 with padding 2" \
        in player.frame and 'class="cbk-msg"' in player.frame
    volume = helpers.corr3d_player(VOLUME, CUBE, stride={"1": 1, "(1, 2, 2)": (1, 2, 2)})
    assert len(volume.steps) == 18
    volume.set(stride="(1, 2, 2)")
    assert repr(volume) == "Player(corr3d, input 3x4x4, kernel 2x2x2, stride (1, 2, 2), 8 steps)"
    assert "Y<br>2\u00d72\u00d72<br>stride 1\u00d72\u00d72" in volume.frame


def test_inputs_too_large_to_draw_get_a_message():
    long = helpers.corr1d_player(torch.ones(MAX_COLUMNS), torch.ones(2), padding=1)
    assert long.steps is None and long.message.endswith(f"such as x[:{MAX_COLUMNS - 2}]")
    wide = helpers.corr3d_player(torch.ones(5, 3, 7), torch.ones(1, 1, 1))
    assert wide.steps is None and "too wide to draw" in wide.message
    big = helpers.corr3d_player(torch.ones(11, 10, 10), torch.ones(1, 1, 1))
    assert "too large to animate" in big.message
    bad = helpers.corr3d_player(VOLUME, torch.ones(2, 2))
    assert bad.message.startswith("K must be 3-D")


def test_the_size_formula_reads_the_sliding_axes_after_any_channels():
    two = helpers.conv2d_steps(torch.ones(2, 3, 4), torch.ones(2, 2, 2))
    frame = frames.renderer(two)(0)
    assert ("<span>rows: 3 \u2212 2 + 1 = 2</span> \u00b7 <span>columns: 4 \u2212 2 + 1 = 3"
            "</span>" in frame)
    pooled = frames.renderer(helpers.pool2d_steps(torch.ones(2, 5, 3), 2, stride=2))(0)
    assert "rows: \u230a(5 + 0 + 0 \u2212 2) / 2\u230b + 1 = 2" in pooled
