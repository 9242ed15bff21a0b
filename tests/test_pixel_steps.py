"""The 1x1 convolution, pixel by pixel: steps against F.conv2d, frames as text, the player."""

import re

import pytest
import torch
import torch.nn.functional as F
from frame_math import MathError, check_frame_math, shown_value
from kinds import fit_layouts, math_lines, read_frame
from svg_cells import count
from torch import nn

import helpers
from helpers.frames import kit
from helpers.frames.conv1x1 import Conv1x1Renderer

X = torch.arange(12.0).reshape(3, 2, 2)  # the syllabus example, without its batch axis
W = torch.arange(12.0).reshape(4, 3)


def test_syllabus_example_matches_conv2d_and_linear():
    steps = helpers.conv1x1_steps(X, W, 3)
    conv = nn.Conv2d(3, 4, 1)
    with torch.no_grad():
        conv.weight.copy_(W.reshape(4, 3, 1, 1))
        conv.bias.fill_(3)
        expected = conv(X[None])[0]
    assert torch.equal(steps.output, expected)
    assert steps.output.tolist() == [[[23, 26], [29, 32]], [[59, 71], [83, 95]],
                                     [[95, 116], [137, 158]], [[131, 161], [191, 221]]]
    first = steps[0]
    assert first.out_pos == (0, 0) and first.v == (0, 4, 8)
    assert first.value == (23, 59, 95, 131)
    assert first.products[1] == (0, 16, 40) and first.bias == (3, 3, 3, 3)
    assert first.weights == tuple(map(tuple, W.tolist()))
    assert [s.out_pos for s in steps] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert repr(steps) == "PixelSequence(1x1 conv, input 3x2x2, W 4x3, 4 steps)"


@pytest.mark.parametrize("seed", range(5))
def test_random_examples_match_conv2d(seed):
    g = torch.Generator().manual_seed(seed)
    c_i, c_o, h, w = (int(n) for n in torch.randint(1, 6, (4,), generator=g))
    X_, W_, b = (torch.randn(c_i, h, w, generator=g), torch.randn(c_o, c_i, 1, 1, generator=g),
                 torch.randn(c_o, generator=g))
    steps = helpers.conv1x1_steps(X_, W_, b)
    expected = F.conv2d(X_[None], W_, b)[0]
    assert steps.output.shape == (c_o, h, w)
    assert torch.allclose(steps.output, expected, atol=1e-5)
    assert torch.allclose(steps.output, helpers.corr2d_multi_in_out(X_, W_) + b[:, None, None],
                          atol=1e-5)
    for step in steps:
        i, j = step.out_pos
        assert torch.allclose(torch.tensor(step.value), expected[:, i, j], atol=1e-5)
        assert torch.allclose(torch.tensor(step.products).sum(1) + b, expected[:, i, j],
                              atol=1e-5)


@pytest.mark.parametrize(("W_", "bias", "code"), [
    (W, 3, "F.conv2d(X, W[:, :, None, None], torch.full((4,), 3.0))"),
    (W.reshape(4, 3, 1, 1), torch.arange(4.0), "F.conv2d(X, W, b)"),
    (W.tolist(), 0, "F.conv2d(X, torch.tensor(W, dtype=torch.get_default_dtype())"
                    "[:, :, None, None])"),
    # a 4-D W given as nested lists is used as it is, as nn.Conv2d's weight would be
    (W.reshape(4, 3, 1, 1).tolist(), [1, 2, 3, 4],
     "F.conv2d(X, torch.tensor(W, dtype=torch.get_default_dtype()), "
     "torch.tensor(b, dtype=torch.get_default_dtype()))"),
])
def test_code_reproduces_the_output(W_, bias, code):
    steps = helpers.conv1x1_steps(X, W_, bias)
    assert steps.code == code
    got = eval(code, {"torch": torch, "F": F, "X": X, "W": W_, "b": bias})
    assert torch.equal(got, steps.output)


def test_frame_writes_out_w_v_plus_b():
    frames = Conv1x1Renderer(helpers.conv1x1_steps(X, W, 3)).frames()
    first = frames[0]
    assert math_lines(first) == [
        "output channel 0: 0\u00d70 + 1\u00d74 + 2\u00d78 + 3 (bias) = 23",
        "output channel 1: 3\u00d70 + 4\u00d74 + 5\u00d78 + 3 (bias) = 59",
        "output channel 2: 6\u00d70 + 7\u00d74 + 8\u00d78 + 3 (bias) = 95",
        "output channel 3: 9\u00d70 + 10\u00d74 + 11\u00d78 + 3 (bias) = 131",
    ]
    assert 'data-value="[23.0, 59.0, 95.0, 131.0]"' in first and 'data-out="0,0"' in first
    assert "step 1 of 4 \u00b7 pixel [0, 0]" in first
    assert "v = X[:, 0, 0]" in first and "W 4\u00d73" in first and "Y[:, 0, 0]" in first
    # the column through the input is marked in every channel, once each
    assert count(first, "w") == 3 + 3  # 3 input channels, 3 entries of v
    # the output fills one column at a time: the 4 channels show the pixels done so far
    assert count(frames[0], "o") == 4 + 4 and count(frames[0], "e") == 12
    assert count(frames[3], "e") == 0 and ">221<" in frames[3]
    assert ">221<" not in frames[2]
    label = re.search(r'aria-label="([^"]+)"', first).group(1)
    assert label.startswith("1x1 convolution, step 1 of 4: pixel [0, 0], channel vector "
                            "v = (0, 4, 8); output column Y[:, 0, 0] = W v + b: output "
                            "channel 0: 0\u00d70")
    # the outputs, 4 channels two abreast, are the tallest grids; a line of arithmetic each
    (height, hidden, _), = fit_layouts(first)
    outputs = 2 * (22 + 2 * 44 + 2 + kit.CAPTION) + 6
    assert 'role="img"' in first and hidden == 0
    assert height == kit.HEAD + outputs + kit.MATH + 4 * kit.MATH_LINE


def test_frame_arithmetic_adds_up_with_negative_and_fractional_numbers():
    g = torch.Generator().manual_seed(1)
    steps = helpers.conv1x1_steps(torch.randn(2, 3, 2, generator=g),
                                  torch.randn(3, 2, generator=g), torch.tensor([-1.5, 0, 2]))
    frame = Conv1x1Renderer(steps, title="random")(4)
    assert frame.startswith('<div class="cbk" data-step="4"')
    assert "random \u00b7 step 5 of 6 \u00b7 pixel [2, 0]" in frame
    assert "+ (\u22121.5) (bias)" in frame


def test_too_large_an_input_is_refused_with_a_crop_to_try():
    with pytest.raises(ValueError, match="too large to animate.*X\\[:, :4, :4\\]"):
        Conv1x1Renderer(helpers.conv1x1_steps(torch.zeros(3, 20, 20), torch.zeros(2, 3)))


BAD = [
    ("batch axis", lambda: helpers.conv1x1_steps(X[None], W),
     r"X must be 3-D \(c_i, height, width; for a batch of one, pass X\[0\]\), got shape "
     r"\(1, 3, 2, 2\)"),
    ("kernel not 1x1", lambda: helpers.conv1x1_steps(X, torch.ones(4, 3, 2, 2)),
     r"W must be c_o x c_i or c_o x c_i x 1 x 1, got shape \(4, 3, 2, 2\)"),
    ("3-D W", lambda: helpers.conv1x1_steps(X, torch.ones(4, 3, 1)), "W must be 2-D or 4-D"),
    ("channels", lambda: helpers.conv1x1_steps(X, torch.ones(4, 2)),
     r"W has 2 input channel\(s\) \(columns\) but X has 3"),
    ("bias count", lambda: helpers.conv1x1_steps(X, W, torch.ones(3)),
     r"bias has 3 numbers but W has 4 output channel\(s\)"),
    # as F.conv2d: a 1-D bias has one number per output channel, even when it is one number
    ("bias of one for four", lambda: helpers.conv1x1_steps(X, W, torch.ones(1)),
     r"bias has 1 numbers but W has 4 output channel\(s\)"),
    ("bias text", lambda: helpers.conv1x1_steps(X, W, "3"), "bias must be a tensor of numbers"),
    ("bias bool", lambda: helpers.conv1x1_steps(X, W, True), "bias must be a number or 4"),
    ("empty X", lambda: helpers.conv1x1_steps(torch.ones(3, 0, 2), W), "X must not be empty"),
]


@pytest.mark.parametrize(("name", "call", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_inputs_name_the_problem(name, call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_player_steps_pixel_by_pixel_and_shows_messages():
    player = helpers.pixel_player(X, {"W 4x3": W, "W 4x2": torch.ones(4, 2)},
                                  bias={"3": 3.0, "none": 0.0}, title="1x1")
    assert repr(player) == "Player(1x1 conv, input 3x2x2, W 4x3, 4 steps)"
    seen = []
    for _ in range(4):
        assert player.stack.children[player.step].value == player.frame
        seen.append(re.search(r'data-value="([^"]+)"', player.frame).group(1))
        player.next()
    assert seen[0] == "[23.0, 59.0, 95.0, 131.0]" and seen[3].startswith("[32.0,")
    player.set(bias="none")
    assert player.step == 0 and player.steps[0].value == (20, 56, 92, 128)
    player.set(W="W 4x2")
    assert player.steps is None and "W has 2 input channel(s)" in player.frame
    assert 'class="cbk-msg" role="status"' in player.frame and player.play.disabled
    player.set(W="W 4x3")
    assert player.message == "" and len(player.stack.children) == 4


def test_player_draws_live_above_the_frame_cap():
    player = helpers.Player(lambda: helpers.conv1x1_steps(torch.ones(2, 3, 4), torch.ones(1, 2)),
                            max_frames=5)
    assert player.frame_area.children == (player.live,)
    player.step = 7
    assert "pixel [1, 3]" in player.frame and player.frame == player.live.value


def test_every_pixel_frame_passes_the_browser_check():
    g = torch.Generator().manual_seed(2)
    for steps in (helpers.conv1x1_steps(X, W, 3),
                  helpers.conv1x1_steps(torch.randn(3, 2, 3, generator=g) / 3,
                                        torch.randn(2, 3, generator=g), torch.tensor([0.5, -2]))):
        renderer = Conv1x1Renderer(steps)
        for step in steps:
            frame = renderer(step.index)
            shown = read_frame(frame)
            lines = shown["math"]
            check_frame_math(lines, list(step.value))
            assert shown_value(shown["value"]) == list(step.value)
    with pytest.raises(MathError, match="the step model says 24"):
        check_frame_math(lines[:1], [24.0])
    with pytest.raises(MathError, match="2 lines for 3 output channels"):
        check_frame_math(lines, [1.0, 2.0, 3.0])
