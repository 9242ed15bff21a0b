"""Several output channels: `conv2d_steps` with a `c_o x c_i x k_h x k_w` kernel and a bias
per output channel, checked against F.conv2d."""

import warnings

import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given
from hypothesis import strategies as st
from kinds import K_OUT, X2, X3
from torch import nn

import helpers

X, K = X2, K_OUT  # the worked example: 2 input channels; kernels K, K + 1, K + 2
MODES = ("zeros", "reflect", "replicate", "circular")


def f_conv2d(X, K, bias, *, padding=0, stride=1, dilation=1, padding_mode="zeros"):
    """`F.conv2d(X[None], K, bias, ...)[0]`; a per-side 4-tuple goes to F.pad first, a padding
    mode to nn.Conv2d (F.conv2d takes neither)."""
    x = X[None]
    if isinstance(padding, tuple) and len(padding) == 4:
        x = F.pad(x, padding, mode="constant" if padding_mode == "zeros" else padding_mode)
        padding = 0
    elif padding_mode != "zeros":
        return nn_conv2d(X, K, bias, padding=padding, stride=stride, dilation=dilation,
                         padding_mode=padding_mode)
    return F.conv2d(x, K, bias, padding=padding, stride=stride, dilation=dilation)[0]


def nn_conv2d(X, K, bias, **options):
    layer = nn.Conv2d(K.shape[1], K.shape[0], tuple(K.shape[2:]), bias=bias is not None,
                      **options)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # 'same' with an even kernel pads a copy
        layer.weight.copy_(K)
        if bias is not None:
            layer.bias.copy_(bias)
        return layer(X[None])[0]


def test_worked_example_three_output_channels():
    steps = helpers.conv2d_steps(X, K)
    assert steps.output.tolist() == [[[56, 72], [104, 120]], [[76, 100], [148, 172]],
                                     [[96, 128], [192, 224]]]
    assert len(steps) == 12
    assert [s.out_channel for s in steps] == [0] * 4 + [1] * 4 + [2] * 4
    assert [s.out_pos for s in steps[:4]] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    first_of_1 = steps[4]
    assert first_of_1.index == 4 and first_of_1.out_pos == (0, 0)
    assert first_of_1.weights == ((1, 2, 3, 4), (2, 3, 4, 5))
    assert first_of_1.inputs == ((0, 1, 3, 4), (1, 2, 4, 5))
    assert first_of_1.partial_sums == (0 + 2 + 9 + 16, 2 + 6 + 16 + 25)
    assert first_of_1.value == 76 and first_of_1.bias == 0
    assert steps.kernel.shape == (3, 2, 2, 2) and steps.bias == (0.0, 0.0, 0.0)
    assert repr(steps) == ("StepSequence(corr2d, input 2x3x3, kernel 3x2x2x2, padding (0, 0), "
                           "stride (1, 1), 12 steps)")
    one_filter = helpers.conv2d_steps(X, K[0])  # c_i x k_h x k_w: its shape, not the window's
    assert repr(one_filter).startswith("StepSequence(corr2d, input 2x3x3, kernel 2x2x2, ")
    assert steps.code == "F.conv2d(X[None], K)[0]"
    torch.testing.assert_close(helpers.corr2d_multi_in_out(X, K), steps.output)


@pytest.mark.parametrize("bias", [1.5, [1.0, -2.0, 0.5], torch.tensor([1.0, -2.0, 0.5]),
                                  torch.tensor(2.0), torch.tensor([0.25, 0.0, 0.0])])
def test_bias_one_number_or_one_per_output_channel(bias):
    steps = helpers.conv2d_steps(X, K, bias=bias)
    b = torch.as_tensor(bias, dtype=torch.float32).expand(3)
    assert torch.equal(steps.output, F.conv2d(X[None], K, b)[0])
    assert [s.bias for s in steps] == [b[o].item() for o in range(3) for _ in range(4)]
    assert all(s.value == pytest.approx(sum(s.partial_sums) + s.bias) for s in steps)
    got = eval(steps.code, {"torch": torch, "F": F, "X": X, "K": K})
    assert torch.equal(got, steps.output)


@pytest.mark.parametrize("bias, words", [
    ([1.0, 2.0], "bias has 2 numbers but K has 3 output channel"),
    (torch.ones(4), "bias has 4 numbers but K has 3 output channel"),
    (torch.ones(1), "bias has 1 numbers but K has 3 output channel"),
    (torch.ones(3, 1), "bias must be 0-D or 1-D"),
    ("one", "bias must be"),
    (True, "bias must be a single number"),
])
def test_a_bias_of_another_length_is_refused(bias, words):
    with pytest.raises(ValueError, match=words):
        helpers.conv2d_steps(X, K, bias=bias)
    with pytest.raises((RuntimeError, TypeError)):  # PyTorch refuses these too
        F.conv2d(X[None], K, torch.as_tensor(bias, dtype=torch.float32)
                 if not isinstance(bias, str) else bias)


def test_the_kernel_needs_one_slice_per_input_channel():
    with pytest.raises(ValueError, match="K has 3 input channel.* but X has 2"):
        helpers.conv2d_steps(X, torch.ones(4, 3, 2, 2))
    with pytest.raises(ValueError, match="K must be 2-D"):
        helpers.conv2d_steps(X3, K)
    with pytest.raises(ValueError, match="K must be 3-D or 4-D"):
        helpers.conv2d_steps(X, torch.ones(1, 1, 1, 2, 2))


def test_existing_kinds_keep_their_records():
    """A 2-D or 3-D kernel still gives one output channel without its axis, a single bias."""
    steps = helpers.conv2d_steps(X, K[0], bias=0.5)
    assert steps.output.shape == (2, 2) and steps.bias == 0.5 and steps.kernel.shape == (2, 2, 2)
    assert {s.out_channel for s in steps} == {0}
    assert steps.code == "F.conv2d(X[None], K[None], bias=torch.tensor([0.5]))[0, 0]"
    one = helpers.conv2d_steps(X[:1], K[:1, :1])  # c_o = c_i = 1 keeps the output-channel axis
    assert one.output.shape == (1, 2, 2) and one.code == "F.conv2d(X[None], K)[0]"


paddings = st.one_of(
    st.integers(0, 2), st.tuples(st.integers(0, 2), st.integers(0, 2)),
    st.tuples(*[st.integers(0, 2)] * 4), st.sampled_from(["same", "valid"]),
)
biases = st.one_of(st.floats(-3, 3, width=32), st.just("per channel"), st.just("tensor"))


@given(c_i=st.integers(1, 3), c_o=st.integers(1, 3),
       n=st.tuples(st.integers(1, 6), st.integers(1, 6)),
       k=st.tuples(st.integers(1, 3), st.integers(1, 3)), padding=paddings,
       stride=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       dilation=st.tuples(st.integers(1, 2), st.integers(1, 2)),
       mode=st.sampled_from(MODES), bias=biases, flip=st.booleans(), seed=st.integers(0, 999))
def test_steps_match_f_conv2d(c_i, c_o, n, k, padding, stride, dilation, mode, bias, flip, seed):
    g = torch.Generator().manual_seed(seed)
    X_, K_ = torch.randn(c_i, *n, generator=g), torch.randn(c_o, c_i, *k, generator=g)
    b = torch.randn(c_o, generator=g)
    given_bias = {"per channel": b.tolist(), "tensor": b}.get(bias, bias)
    b = b if isinstance(given_bias, (list, torch.Tensor)) else torch.full((c_o,), bias)
    if padding == "same":
        stride = (1, 1)
    options = {"padding": padding, "stride": stride, "dilation": dilation, "padding_mode": mode}
    laid = K_.flip(-2, -1) if flip else K_
    try:
        expected = f_conv2d(X_, laid, b, **options)
    except (RuntimeError, ValueError):
        with pytest.raises(ValueError):
            helpers.conv2d_steps(X_, K_, bias=given_bias, flip=flip, **options)
        return
    assume(expected.numel() > 0)
    steps = helpers.conv2d_steps(X_, K_, bias=given_bias, flip=flip, **options)
    torch.testing.assert_close(steps.output, expected, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(eval(steps.code, {"torch": torch, "F": F, "X": X_, "K": K_}),
                               expected, atol=1e-5, rtol=1e-5)
    c, m_h, m_w = expected.shape
    assert len(steps) == c * m_h * m_w
    for index, step in enumerate(steps):
        o, rest = divmod(index, m_h * m_w)
        assert (step.index, step.out_channel, step.out_pos) == (index, o, divmod(rest, m_w))
        assert step.value == steps.output[o][step.out_pos].item()
        assert step.bias == pytest.approx(b[o].item())
        assert len(step.partial_sums) == c_i
        assert step.value == pytest.approx(sum(step.partial_sums) + step.bias, abs=1e-4)
        assert step.weights == tuple(map(tuple, K_[o].reshape(c_i, -1).tolist()))
        for ch in range(c_i):
            assert step.partial_sums[ch] == pytest.approx(sum(step.products[ch]), abs=1e-4)
            assert step.inputs[ch] == tuple(steps.padded[ch][cell].item() for cell in step.cells)
