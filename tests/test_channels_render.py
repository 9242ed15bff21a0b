"""Frames of a convolution with several output channels, and its Player, checked as text."""

import re

import pytest
import torch
from kinds import K_OUT, X2, fit_layouts, math_lines
from svg_cells import cells

import helpers
from helpers.frames import kit
from helpers.frames.conv2d_channels import ChannelsRenderer
from helpers.frames.kit import fmt

X, K = X2, K_OUT
BIAS = [0.5, -1.0, 2.0]


def rows(frame: str) -> dict[int, str]:
    """Each output channel's row (its kernel slices and output map), by channel."""
    found = re.findall(r'<div class="cbk-oc[^"]*"[^>]*data-channel="(\d+)".*?Y\[\d+\]</div></div>',
                       frame)
    parts = re.split(r'(?=<div class="cbk-oc)', frame)[1:]
    assert len(found) == len(parts)
    return {int(o): part for o, part in zip(found, parts, strict=True)}


def numbers(svg_html: str, look: str) -> list[str]:
    """The numbers of the cells drawn with class `look`."""
    return [number for _, number in cells(svg_html, look)]


@pytest.fixture(scope="module")
def frames():
    return ChannelsRenderer(helpers.conv2d_steps(X, K, bias=BIAS), title="demo").frames()


def test_every_channel_is_drawn_with_the_window_on_each_input(frames):
    frame = frames[5]  # output channel 1, cell [0, 1]
    assert frame.count("<svg") == 2 + 3 * 2 + 3  # inputs, kernel slices, output maps
    assert numbers(frame, "w") == ["1", "2", "4", "5", "2", "3", "5", "6"]
    assert "<figcaption>X[0]</figcaption>" in frame and "X: 2 channels, 3\u00d73<" in frame
    assert sorted(rows(frame)) == [0, 1, 2]
    assert all(f"Y[{o}]" in rows(frame)[o] for o in range(3))


@pytest.mark.parametrize("index", range(12))
def test_the_kernel_at_work_is_marked_and_its_output_map_fills(frames, index):
    frame, (o, rest) = frames[index], divmod(index, 4)
    by_channel = rows(frame)
    for channel, row in by_channel.items():
        at_work = channel == o
        assert ('class="cbk-oc now" aria-current="step"' in row) is at_work
        slices = numbers(row, "k" if at_work else "ko")
        assert slices == [fmt(v) for v in K[channel].flatten().tolist()]
        assert not numbers(row, "ko" if at_work else "k")
        assert f"+ {fmt(BIAS[channel])} =" in row.replace("(", "").replace(")", "")
        done, current = numbers(row, "d"), numbers(row, "o")
        if channel < o:  # filled
            assert len(done) == 4 and not current
        elif channel > o:  # still empty
            assert not done and not current and len(numbers(row, "e")) == 4
        else:
            assert len(done) == rest and len(current) == 1
    assert f'data-out="{rest // 2},{rest % 2}"' in frame


def test_arithmetic_per_input_channel_then_total_and_bias(frames):
    lines = math_lines(frames[5])
    assert lines == ["input channel 0: 1\u00d71 + 2\u00d72 + 4\u00d73 + 5\u00d74 = 37",
                     "input channel 1: 2\u00d72 + 3\u00d73 + 5\u00d74 + 6\u00d75 = 63",
                     "37 + 63 + (\u22121) (bias) = 99"]
    steps = helpers.conv2d_steps(X, K, bias=BIAS)
    for frame, step in zip(frames, steps, strict=True):
        assert math_lines(frame)[-1].endswith(f"= {fmt(step.value)}")
        assert f'data-value="{step.value!r}"' in frame


def test_a_bias_of_zero_is_written_too_where_each_output_channel_has_one():
    steps = helpers.conv2d_steps(X, K, bias=[0.0, 10.0, 100.0])
    first, sums = steps[0], " + ".join(fmt(s) for s in steps[0].partial_sums)
    assert math_lines(ChannelsRenderer(steps)(0))[-1] == f"{sums} + 0 (bias) = {fmt(first.value)}"
    one_out = helpers.conv2d_steps(X, K[0])  # one output channel, no bias: none is written
    assert "(bias)" not in helpers.frames.renderer(one_out)(0)


def test_aria_label_says_which_kernel_made_the_output(frames):
    label = re.search(r'aria-label="([^"]*)"', frames[5]).group(1)
    assert label.startswith("demo, step 6 of 12: the window covers input rows 0 to 1, "
                            "columns 1 to 2; output [channel 1, 0, 1]: input channel 0: ")
    assert "37 + 63 + (\u22121) (bias) = 99" in label
    assert label.endswith("Output channel 1 is made by filter K[1] (2 slices, one per input "
                          "channel) and bias (\u22121).")
    assert 'role="img"' in frames[5]
    assert "demo \u00b7 step 6 of 12 \u00b7 output [channel 1, 0, 1]" in frames[5]


def test_flip_padding_and_one_input_channel_are_said():
    steps = helpers.conv2d_steps(X[:1], K[:, :1], padding=1, stride=2, flip=True)
    frame = ChannelsRenderer(steps)(0)
    assert "K 3\u00d71\u00d72\u00d72, turned 180\u00b0: a filter of 1 slice per output channel, " \
           "output 2\u00d72 (stride 2)" in frame
    assert "X: 1 channel, 3\u00d73, padding 1" in frame
    assert '<div class="cbk-op">\u2217</div>' in frame
    assert math_lines(frame)[-1].endswith(f"= {fmt(steps[0].value)}")  # one channel: no prefix
    assert not math_lines(frame)[0].startswith("input channel")


def test_too_much_to_draw_is_refused_with_a_crop_to_try():
    with pytest.raises(ValueError, match=r"too much to animate: .* X\[:, :6, :6\]"):
        ChannelsRenderer(helpers.conv2d_steps(torch.ones(2, 12, 12), torch.ones(8, 2, 3, 3)))


def test_conv_player_takes_a_4d_kernel_and_shows_bad_bias_as_a_message():
    player = helpers.conv_player(X, K, bias={"per channel": BIAS, "one for all": 1.0,
                                             "two numbers": [1.0, 2.0]}, title="3 out")
    assert repr(player) == ("Player(corr2d, input 2x3x3, kernel 3x2x2x2, padding (0, 0), "
                            "stride (1, 1), 12 steps)")
    assert len(player.stack.children) == 12 and "cbk-oc now" in player.frame
    player.step = 11
    assert player.frame == player.stack.children[11].value
    assert 'data-channel="2" style' in player.frame
    player.set(bias="one for all")
    assert "+ 1 =" in player.frame and player.message == ""
    player.set(bias="two numbers")
    assert player.steps is None
    assert player.message.startswith("bias has 2 numbers but K has 3 output channel(s)")
    assert 'class="cbk-msg"' in player.frame and "Traceback" not in player.frame
    assert player.code_line.value == ""
    player.set(bias="per channel")
    assert "F.conv2d(X[None], K, bias=torch.tensor([0.5, -1.0, 2.0]))[0]" in \
        player.code_line.value


def test_the_grids_scale_to_the_window_in_both_layouts():
    """Side by side or in a column, whichever fits the window better: the two layouts the
    fit weighs differ by the width and height of the extra inputs."""
    frame = ChannelsRenderer(helpers.conv2d_steps(X, K))(0)
    (h_wide, _, w_wide), (h_narrow, _, w_narrow) = fit_layouts(frame)
    input_grid = 28 + 3 * 44 + 2  # row labels, 3 cells, border
    column = max(input_grid, kit.text_width("X: 2 channels, 3\u00d73"))  # or its caption
    assert w_wide - w_narrow == 2 * input_grid + kit.GAP - column
    assert h_narrow >= h_wide
    assert "clamp(0.32px, max(min(max(0.637px, " in frame
    assert '<div class="cbk-ch">' in frame and '<div class="cbk-chin">' in frame
    assert ".cbk-chin{display:flex;flex-wrap:wrap" in frame  # the column is a wrap
