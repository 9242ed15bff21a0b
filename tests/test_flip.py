"""The true convolution (`flip=True`): its steps, frames and player, against PyTorch and numpy."""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given
from hypothesis import strategies as st
from kinds import K2, X3, math_lines

import helpers
from helpers import frames


def convolve2d(X, K, padding=(0, 0), stride=(1, 1), dilation=(1, 1)):
    """A true 2-D convolution from numpy.convolve, row by row ("valid" positions only)."""
    X = np.pad(np.asarray(X, dtype=float), [(padding[0],) * 2, (padding[1],) * 2])
    k_h, k_w = K.shape
    D = np.zeros((dilation[0] * (k_h - 1) + 1, dilation[1] * (k_w - 1) + 1))
    D[:: dilation[0], :: dilation[1]] = np.asarray(K, dtype=float)  # the dilated kernel
    rows = X.shape[0] - D.shape[0] + 1
    Y = sum(np.stack([np.convolve(X[i + D.shape[0] - 1 - a], D[a], "valid") for i in range(rows)])
            for a in range(D.shape[0]))
    return torch.tensor(Y[:: stride[0], :: stride[1]])


def test_worked_example_flips_kernel_and_reads_window_backwards():
    steps = helpers.conv2d_steps(X3, K2, flip=True)
    assert [s.value for s in steps] == [5, 11, 23, 29]
    first = steps[0]
    assert first.weights == ((0, 1, 2, 3),)  # K in its own order
    assert first.cells == ((1, 1), (1, 0), (0, 1), (0, 0))  # the window from its last cell
    assert first.inputs == ((4, 3, 1, 0),) and first.products == ((0, 3, 2, 0),)
    assert torch.equal(steps.kernel[0], torch.tensor([[3.0, 2], [1, 0]]))  # as drawn
    assert steps.op == "convolution" and steps.flip
    assert repr(steps).startswith("StepSequence(convolution, input 3x3, kernel 2x2")
    full = F.conv_transpose2d(X3[None, None], K2[None, None])[0, 0]  # every overlap
    assert torch.equal(steps.output, full[1:-1, 1:-1])
    assert torch.equal(steps.output, convolve2d(X3, K2).float())


def test_flip_frame_draws_turned_kernel_and_flipped_products():
    frame = frames.renderer(helpers.conv2d_steps(X3, K2, flip=True))(0)
    assert "kernel 2\u00d72, turned 180\u00b0" in frame and "\u2217" in frame
    assert math_lines(frame) == ["4\u00d70 + 3\u00d71 + 1\u00d72 + 0\u00d73 = 5"]
    kernel_svg = frame.split("\u2217")[1]
    assert [t for t in re.findall(r">(\d+)</text>", kernel_svg)[:4]] == ["3", "2", "1", "0"]
    plain = frames.renderer(helpers.conv2d_steps(X3, K2))(0)
    assert "turned" not in plain and "\u22c6" in plain


def test_flip_is_validated():
    with pytest.raises(ValueError, match="flip must be True or False"):
        helpers.conv2d_steps(X3, K2, flip="yes")


def test_player_switches_between_correlation_and_convolution():
    player = helpers.conv_player(X3, K2, flip={"cross-correlation": False, "convolution": True})
    assert [s.value for s in player.steps] == [19, 25, 37, 43]
    assert 'class="cbk-head">cross-correlation' in player.frame  # the operation, as the menu
    player.set(flip="convolution")
    assert [s.value for s in player.steps] == [5, 11, 23, 29]
    assert repr(player).startswith("Player(convolution, input 3x3")
    assert "turned 180\u00b0" in player.frame and 'class="cbk-head">convolution' in player.frame


@given(c=st.integers(0, 2), n=st.tuples(st.integers(1, 7), st.integers(1, 7)),
       k=st.tuples(st.integers(1, 4), st.integers(1, 4)),
       p=st.tuples(st.integers(0, 2), st.integers(0, 2)),
       s=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       d=st.tuples(st.integers(1, 2), st.integers(1, 2)), seed=st.integers(0, 999))
def test_flipped_steps_are_a_true_convolution(c, n, k, p, s, d, seed):
    assume(all(d[a] * (k[a] - 1) + 1 <= n[a] + 2 * p[a] for a in (0, 1)))
    g = torch.Generator().manual_seed(seed)
    shape_x, shape_k = ((c, *n), (c, *k)) if c else (n, k)
    X, K = torch.randn(shape_x, generator=g), torch.randn(shape_k, generator=g)
    steps = helpers.conv2d_steps(X, K, padding=p, stride=s, dilation=d, flip=True)
    X3, K3 = (X, K) if c else (X[None], K[None])
    expected = sum(convolve2d(x, w, p, s, d) for x, w in zip(X3, K3, strict=True))
    m_h, m_w = expected.shape
    laid_out = torch.tensor([st_.value for st_ in steps]).reshape(m_h, m_w)
    assert torch.allclose(laid_out.double(), expected, atol=1e-4)
    for step in steps:
        for ch in range(len(K3)):
            assert step.weights[ch] == tuple(K3[ch].flatten().tolist())
            assert step.inputs[ch] == tuple(steps.padded[ch][r, c_].item() for r, c_ in step.cells)
            assert step.products[ch] == pytest.approx(
                [x * w for x, w in zip(step.inputs[ch], step.weights[ch], strict=True)])
