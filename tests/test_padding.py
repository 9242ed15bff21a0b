"""Padding forms, padding modes, the PyTorch call behind a sequence and the cells no window
reads: all checked against PyTorch (F.conv2d, nn.Conv2d, F.pad, nn.ZeroPad2d)."""

import warnings

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from kinds import K2, KINDS, X3
from torch import nn

import helpers
from helpers import frames

MODES = ("zeros", "reflect", "replicate", "circular")


def torch_conv(X, K, *, padding, stride=1, dilation=1, padding_mode="zeros"):
    """nn.Conv2d's answer for a 2-D input and kernel (4-tuples go through nn.ZeroPad2d/F.pad)."""
    x = X[None, None]
    if isinstance(padding, tuple) and len(padding) == 4:
        x = (nn.ZeroPad2d(padding)(x) if padding_mode == "zeros"
             else F.pad(x, padding, mode=padding_mode))
        padding = 0
    layer = nn.Conv2d(1, 1, tuple(K.shape), padding=padding, stride=stride, dilation=dilation,
                      padding_mode=padding_mode, bias=False)
    layer.weight.data = K[None, None]
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # 'same' with an even kernel pads a copy
        return layer(x)[0, 0]


def test_syllabus_numbers():
    assert helpers.corr2d(X3, K2, padding="same").tolist() == [[19, 25, 10], [37, 43, 16],
                                                                [7, 8, 0]]
    # a rule that puts the extra cell on top/left instead
    assert helpers.corr2d(X3, K2, padding=(1, 0, 1, 0)).tolist() == [[0, 3, 8], [9, 19, 25],
                                                                      [21, 37, 43]]
    x, ones = torch.tensor([[1.0, 2, 3, 4]]), torch.ones(1, 3)
    got = {m: helpers.corr2d(x, ones, padding=(0, 1), padding_mode=m)[0].tolist() for m in MODES}
    assert got == {"zeros": [3, 6, 9, 7], "reflect": [5, 6, 9, 10], "replicate": [4, 6, 9, 11],
                   "circular": [7, 6, 9, 8]}
    row = torch.arange(1.0, 6).reshape(1, 5)
    assert helpers.corr2d(row, torch.ones(1, 4), padding="same")[0].tolist() == [6, 10, 14, 12, 9]
    assert helpers.corr2d(X3, K2, padding=1, stride=(3, 2)).tolist() == [[0, 8], [6, 8]]
    for k, p, s, shape in [(3, 1, 1, (8, 8)), ((5, 3), (2, 1), 1, (8, 8)), (3, 1, 2, (4, 4)),
                           ((3, 5), (0, 1), (3, 4), (2, 2))]:
        assert helpers.conv_output_shape(8, k, padding=p, stride=s) == shape
        assert nn.Conv2d(1, 1, k, padding=p, stride=s)(torch.zeros(1, 1, 8, 8)).shape[2:] == shape


paddings = st.one_of(
    st.integers(0, 3),
    st.tuples(st.integers(0, 3), st.integers(0, 3)),
    st.tuples(*[st.integers(0, 3)] * 4),
    st.sampled_from(["valid", "same"]),
)


@given(n_h=st.integers(1, 7), n_w=st.integers(1, 7), k_h=st.integers(1, 4), k_w=st.integers(1, 4),
       padding=paddings, stride=st.integers(1, 3), dilation=st.integers(1, 3),
       mode=st.sampled_from(MODES), seed=st.integers(0, 99))
def test_every_padding_form_and_mode_matches_pytorch(n_h, n_w, k_h, k_w, padding, stride,
                                                      dilation, mode, seed):
    g = torch.Generator().manual_seed(seed)
    X, K = torch.randn(n_h, n_w, generator=g), torch.randn(k_h, k_w, generator=g)
    if padding == "same":
        stride = 1
    try:
        expected = torch_conv(X, K, padding=padding, stride=stride, dilation=dilation,
                              padding_mode=mode)
    except (RuntimeError, ValueError):
        with pytest.raises(ValueError):
            helpers.corr2d(X, K, padding=padding, stride=stride, dilation=dilation,
                           padding_mode=mode)
        return
    got = helpers.corr2d(X, K, padding=padding, stride=stride, dilation=dilation,
                         padding_mode=mode)
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)
    assert helpers.conv_output_shape((n_h, n_w), (k_h, k_w), padding=padding, stride=stride,
                                     dilation=dilation) == tuple(expected.shape)
    steps = helpers.conv2d_steps(X, K, padding=padding, stride=stride, dilation=dilation,
                                 padding_mode=mode)
    torch.testing.assert_close(steps.output, expected, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(eval(steps.code, {"torch": torch, "F": F, "X": X, "K": K}),
                               expected, atol=1e-5, rtol=1e-5)


def test_strided_same_is_refused_like_nn_conv2d():
    with pytest.raises(ValueError, match="not supported for strided convolutions"):
        nn.Conv2d(1, 1, 3, stride=2, padding="same")
    for call in (lambda: helpers.corr2d(X3, K2, padding="same", stride=2),
                 lambda: helpers.conv_output_shape(8, 3, padding="same", stride=(1, 2)),
                 lambda: helpers.conv2d_steps(X3, K2, padding="same", stride=2)):
        with pytest.raises(ValueError, match="not supported for strided convolutions"):
            call()


@pytest.mark.parametrize("mode", ["reflect", "circular"])
@pytest.mark.parametrize("pads", [(2, 2, 0, 0), (3, 0, 0, 0), (0, 3, 0, 0), (0, 0, 3, 1),
                                  (4, 0, 0, 0), (0, 0, 0, 4)])
def test_large_reflect_and_circular_padding_is_refused_where_f_pad_refuses_it(mode, pads):
    try:
        F.pad(X3[None, None], pads, mode=mode)
    except RuntimeError:
        with pytest.raises(ValueError, match=f"{mode} padding . is too large"):
            helpers.corr2d(X3, torch.ones(1, 1), padding=pads, padding_mode=mode)
    else:
        assert helpers.corr2d(X3, torch.ones(1, 1), padding=pads,
                              padding_mode=mode).shape == (3 + sum(pads[2:]), 3 + sum(pads[:2]))


def test_multi_channel_versions_take_every_padding_and_mode():
    g = torch.Generator().manual_seed(1)
    X, K = torch.randn(2, 5, 6, generator=g), torch.randn(3, 2, 3, 2, generator=g)
    for mode in MODES:
        for padding in [(1, 2), (0, 2, 1, 0), "same"]:
            x = X[None]
            if isinstance(padding, tuple) and len(padding) == 4:
                x, pad = F.pad(x, padding, mode="constant" if mode == "zeros" else mode), 0
            else:
                pad = padding
            layer = nn.Conv2d(2, 3, (3, 2), padding=pad, padding_mode=mode, bias=False)
            layer.weight.data = K
            with torch.no_grad(), warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                expected = layer(x)[0]
            got = helpers.corr2d_multi_in_out(X, K, padding=padding, padding_mode=mode)
            torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)
            torch.testing.assert_close(
                helpers.corr2d_multi_in(X, K[0], padding=padding, padding_mode=mode),
                expected[0], atol=1e-5, rtol=1e-5)


def test_replicate_padding_may_be_larger_than_the_input_as_in_f_pad():
    x = torch.tensor([[2.0]])
    expected = F.pad(x[None, None], (3, 3, 2, 2), mode="replicate")[0, 0]
    assert helpers.corr2d(x, torch.ones(1, 1), padding=(2, 3), padding_mode="replicate").equal(
        expected)


@pytest.mark.parametrize("name", KINDS)
def test_the_code_of_every_kind_of_sequence_computes_its_output(name):
    kind = KINDS[name]
    steps = kind.steps()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # 'same' with an even kernel pads a copy
        got = eval(steps.code, {"torch": torch, "F": F, **kind.names})
    torch.testing.assert_close(got, steps.output, atol=1e-5, rtol=1e-5)


def test_code_reads_like_the_issue_example():
    X8 = torch.arange(64.0).reshape(8, 8)
    steps = helpers.conv2d_steps(X8, torch.ones(3, 3), padding=1, stride=2)
    assert steps.code == "F.conv2d(X[None, None], K[None, None], padding=1, stride=2)[0, 0]"
    assert helpers.pool2d_steps(X8, 3, padding=1, stride=2).code == (
        "F.max_pool2d(X[None], 3, stride=2, padding=1)[0]")


def _brute_uncovered(steps):
    covered = {cell for step in steps for cell in step.cells}
    h, w = steps.pad_mask.shape
    return tuple((r, c) for r in range(h) for c in range(w) if (r, c) not in covered)


@given(n=st.integers(1, 9), k=st.integers(1, 4), p=st.integers(0, 2), s=st.integers(1, 4),
       d=st.integers(1, 3))
def test_uncovered_cells_are_those_no_window_covers(n, k, p, s, d):
    try:
        steps = helpers.conv2d_steps(torch.ones(n, n + 1), torch.ones(k, k), padding=p, stride=s,
                                     dilation=d)
    except ValueError:
        return
    assert steps.uncovered == _brute_uncovered(steps)


def test_ten_columns_kernel_three_stride_two_never_read_column_nine():
    steps = helpers.conv2d_steps(torch.arange(10.0).reshape(1, 10), torch.ones(1, 3), stride=2)
    assert steps.output.shape == (1, 4) and steps.uncovered == ((0, 9),)
    frame = frames.renderer(steps)(0)
    assert 'class="hatch"' in frame
    assert "Never read by any window (hatched): input column 9" in frame
    assert "columns: \u230a(10 + 0 + 0 \u2212 3) / 2\u230b + 1 = 4" in frame
    assert "hatch" not in frames.renderer(helpers.conv2d_steps(X3, K2))(0)


def test_frames_show_the_formula_with_their_numbers_and_the_padding_mode():
    X8 = torch.arange(64.0).reshape(8, 8)
    frame = frames.renderer(helpers.conv2d_steps(X8, torch.ones(3, 3), padding=1,
                                                      stride=2))(0)
    assert "rows: \u230a(8 + 1 + 1 \u2212 3) / 2\u230b + 1 = 4" in frame
    assert "padding counted per side" in frame
    steps = helpers.conv2d_steps(X3, K2, padding=(0, 1, 2, 0), padding_mode="reflect",
                                 dilation=(2, 1))
    frame = frames.renderer(steps)(0)
    assert "padding left 0, right 1, top 2, bottom 0 (reflect)" in frame
    assert "rows: (3 + 2 + 0 \u2212 (2\u00d7(2 \u2212 1) + 1)) + 1 = 3" in frame
    # the padded cells show the values the mode puts there, still marked as padding
    assert steps.padded[0, 0].tolist() == [6, 7, 8, 7]  # row 2 (reflected), then column 1
    assert steps[0].in_padding == (True, True, False, False)  # dilated: rows 0 and 2


def test_lazy_layer_is_initialised_by_comp_conv2d():
    torch.manual_seed(0)
    layer = nn.LazyConv2d(1, kernel_size=3, padding=1)
    X = torch.rand(8, 8)
    assert helpers.comp_conv2d(layer, X).shape == (8, 8)
    assert layer.in_channels == 1 and layer.weight.shape == (1, 1, 3, 3)
    assert helpers.comp_conv2d(nn.LazyConv2d(1, (5, 3), padding=(2, 1)), X).shape == (8, 8)
    assert helpers.comp_conv2d(nn.Conv2d(1, 1, 2, padding="same"), X).shape == (8, 8)
    with pytest.raises(ValueError, match="out_channels=2"):
        helpers.comp_conv2d(nn.LazyConv2d(2, 3), X)


def test_player_shows_the_code_and_updates_it():
    player = helpers.conv_player(X3, K2, padding={"none": 0, "1": 1, "same": "same"},
                                 stride=range(1, 3))
    assert "F.conv2d(X[None, None], K[None, None])[0, 0]" in player.code_line.value
    player.set(padding="1", stride=2)
    assert "padding=1, stride=2" in player.code_line.value
    player.set(padding="same")
    assert "not supported for strided" in player.message and player.code_line.value == ""
    player.set(stride=1)
    assert "F.pad(X[None, None], (0, 1, 0, 1))" in player.code_line.value
    pool = helpers.pool_player(X3, 2)
    assert "F.max_pool2d(X[None], 2, stride=1)[0]" in pool.code_line.value


def test_player_shows_the_message_of_a_bad_mode():
    player = helpers.conv_player(X3, K2, padding=3,
                                 padding_mode={m: m for m in (*MODES, "mirror")})
    for mode, message in [("reflect", "reflect padding 3 is too large"),
                          ("mirror", "padding_mode must be one of")]:
        player.set(padding_mode=mode)
        assert message in player.message and message in player.frame
    player.set(padding_mode="circular")
    assert player.message == ""
    assert player.steps.padded[0, 0].tolist() == [0, 1, 2] * 3  # wrapped around once


def test_explorer_controls_change_the_animation_and_refuse_impossible_settings():
    player = helpers.padding_explorer(rows=7)
    menus = player.controls.values()  # menus: seven narrow sliders would be fiddly to set
    assert all(type(menu).__name__ == "Dropdown" for menu in menus)
    assert [len(menu.options) for menu in menus] == [10, 10, 5, 5, 8, 4, 4, 4, 3]
    assert player.controls["input_columns"].label == "10"
    assert player.steps.output.shape == (3, 4) and player.steps.uncovered[0] == (0, 9)
    assert "Never read by any window (hatched): input column 9" in player.frame
    player.set(padding="'same'")
    assert "not supported for strided convolutions" in player.message
    player.set(stride_rows=1, stride_columns=1)
    assert player.steps.output.shape == (7, 10) and "padding='same'" in player.steps.code
    player.set(kernel_columns=4)
    assert player.steps.padding == (1, 2, 1, 1)
    player.set(padding="3", padding_mode="reflect", input_rows=3)
    assert "reflect padding 3 is too large for an input of 3 rows" in player.frame
    player.set(padding="0", padding_mode="zeros", kernel_rows=5)
    assert "needs at least 5 rows; this input has 3" in player.message
    assert player.code_line.value == ""
    player.set(input_rows=10, dilation=2)
    assert player.steps.output.shape == (2, 4)
    assert "rows: (10 + 0 + 0 \u2212 (2\u00d7(5 \u2212 1) + 1)) + 1 = 2" in player.frame
