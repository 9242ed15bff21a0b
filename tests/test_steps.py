"""The step model: it rebuilds each operation's output, and each step's arithmetic adds up."""

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given
from hypothesis import strategies as st
from kinds import K2, X3

import helpers


def test_worked_example_steps():
    steps = helpers.conv2d_steps(X3, K2)
    assert [s.value for s in steps] == [19, 25, 37, 43]
    first = steps[0]
    assert first.out_pos == (0, 0)
    assert first.cells == ((0, 0), (0, 1), (1, 0), (1, 1))
    assert first.inputs == ((0, 1, 3, 4),)
    assert first.weights == ((0, 1, 2, 3),)
    assert first.products == ((0, 1, 6, 12),)
    assert steps[3].out_pos == (1, 1) and steps[3].products == ((0, 5, 14, 24),)
    assert repr(steps) == ("StepSequence(corr2d, input 3x3, kernel 2x2, padding (0, 0), "
                           "stride (1, 1), 4 steps)")


def test_multi_input_steps_carry_partial_sums():
    steps = helpers.conv2d_steps(torch.stack([X3, X3 + 1]), torch.stack([K2, K2 + 1]))
    assert [s.value for s in steps] == [56, 72, 104, 120]
    assert steps[0].partial_sums == (19, 37)
    assert steps[0].inputs == ((0, 1, 3, 4), (1, 2, 4, 5))


def test_padding_cells_are_marked():
    steps = helpers.conv2d_steps(X3, K2, padding=1)
    assert steps.padded.shape == (1, 5, 5)
    assert steps.pad_mask.sum() == 25 - 9
    assert steps[0].in_padding == (True, True, True, False)
    assert steps[0].inputs == ((0, 0, 0, 0),)
    assert steps[0].value == 0
    centre = steps[5]  # output [1, 1] of 4x4 covers X[0:2, 0:2]
    assert centre.in_padding == (False,) * 4 and centre.value == 19


def test_pooling_steps():
    X4 = torch.arange(16.0).reshape(4, 4)
    steps = helpers.pool2d_steps(X4, 3, padding=1, stride=2)
    assert [s.value for s in steps] == [5, 7, 13, 15]
    assert steps[0].in_padding.count(True) == 5
    first = steps[0]
    assert all(v == -math.inf
               for v, pad in zip(first.inputs[0], first.in_padding, strict=True) if pad)
    avg = helpers.pool2d_steps(X3, 2, mode="avg")
    assert [s.value for s in avg] == [2, 3, 5, 6]
    assert avg.op == "avg pool" and avg.kernel is None and avg[0].products is None


settings_ = st.fixed_dictionaries({
    "padding": st.tuples(st.integers(0, 2), st.integers(0, 2)),
    "stride": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    "dilation": st.tuples(st.integers(1, 2), st.integers(1, 2)),
})


@given(c=st.integers(0, 3), n=st.tuples(st.integers(1, 7), st.integers(1, 7)),
       k=st.tuples(st.integers(1, 4), st.integers(1, 4)), kw=settings_,
       bias=st.floats(-2, 2), seed=st.integers(0, 999))
def test_conv_steps_rebuild_output_and_add_up(c, n, k, kw, bias, seed):
    g = torch.Generator().manual_seed(seed)
    shape_x, shape_k = ((c, *n), (c, *k)) if c else (n, k)
    X, K = torch.randn(shape_x, generator=g), torch.randn(shape_k, generator=g)
    p, d = kw["padding"], kw["dilation"]
    assume(all(d[a] * (k[a] - 1) + 1 <= n[a] + 2 * p[a] for a in (0, 1)))
    steps = helpers.conv2d_steps(X, K, bias=bias, **kw)
    op = helpers.corr2d_multi_in if c else helpers.corr2d
    expected = op(X, K, **kw) + bias
    m_h, m_w = expected.shape
    assert len(steps) == m_h * m_w
    laid_out = torch.tensor([s.value for s in steps]).reshape(m_h, m_w)
    assert torch.equal(laid_out, expected)
    for index, step in enumerate(steps):
        assert step.index == index and step.out_pos == divmod(index, m_w)
        assert step.value == pytest.approx(sum(step.partial_sums) + bias, abs=1e-4)
        for ch, products in enumerate(step.products):
            assert step.partial_sums[ch] == pytest.approx(sum(products), abs=1e-4)
            assert products == pytest.approx(
                [x * w for x, w in zip(step.inputs[ch], step.weights[ch], strict=True)])
            assert step.inputs[ch] == tuple(steps.padded[ch][r, c_].item() for r, c_ in step.cells)
        for (r, c_), pad in zip(step.cells, step.in_padding, strict=True):
            inside = p[0] <= r < p[0] + n[0] and p[1] <= c_ < p[1] + n[1]
            assert pad is (not inside)
            assert bool(steps.pad_mask[r, c_]) is pad


@given(c=st.integers(0, 2), n=st.tuples(st.integers(1, 7), st.integers(1, 7)),
       k=st.tuples(st.integers(1, 4), st.integers(1, 4)),
       p=st.tuples(st.integers(0, 2), st.integers(0, 2)),
       s=st.tuples(st.integers(1, 3), st.integers(1, 3)), mode=st.sampled_from(["max", "avg"]),
       ceil_mode=st.booleans(), include=st.booleans(), seed=st.integers(0, 999))
def test_pool_steps_rebuild_output(c, n, k, p, s, mode, ceil_mode, include, seed):
    kw = {"padding": p, "stride": s, "ceil_mode": ceil_mode, "count_include_pad": include}
    assume(all(2 * p[a] <= k[a] for a in (0, 1)))
    try:
        expected_shape = helpers.pool_output_shape(n, k, padding=p, stride=s, ceil_mode=ceil_mode)
    except ValueError:
        return
    X = torch.randn((c, *n) if c else n, generator=torch.Generator().manual_seed(seed))
    steps = helpers.pool2d_steps(X, k, mode=mode, **kw)
    expected = helpers.pool2d(X, k, mode, **kw)
    assert expected.shape[-2:] == expected_shape
    laid_out = torch.tensor([st_.value for st_ in steps]).reshape(expected.shape)
    assert torch.equal(laid_out, expected)  # channel after channel, row-major in each
    room = (n[0] + 2 * p[0], n[1] + 2 * p[1])
    assert steps.padded.shape[-2:] == (room[0] + steps.beyond[0], room[1] + steps.beyond[1])
    for step in steps:
        assert step.index == step.channel * expected_shape[0] * expected_shape[1] + \
            step.out_pos[0] * expected_shape[1] + step.out_pos[1]
        values = [v for v, counted in zip(step.inputs[0], step.counted, strict=True) if counted]
        if mode == "max":
            assert step.value == max(values) and step.divisor is None
        else:
            assert step.divisor == len(values)
            assert step.value == pytest.approx(sum(values) / step.divisor, abs=1e-5)
        for (r, c_), pad, counted in zip(step.cells, step.in_padding, step.counted, strict=True):
            past = r >= room[0] or c_ >= room[1]
            assert pad is bool(steps.pad_mask[r, c_]) and (past <= pad)
            assert counted is not (past or (mode == "avg" and not include and pad))
        pads = [v for v, pad in zip(step.inputs[0], step.in_padding, strict=True) if pad]
        assert all(v == (-math.inf if mode == "max" else 0) for v in pads)


def test_ceil_mode_steps_mark_cells_past_the_padding_and_the_dropped_window():
    X5 = torch.arange(25.0).reshape(5, 5)
    steps = helpers.pool2d_steps(X5, 2, stride=2, ceil_mode=True)
    assert [s.value for s in steps] == [6, 8, 9, 16, 18, 19, 21, 23, 24]
    assert steps.beyond == (1, 1) and steps.dropped == (None, None)
    assert steps[2].counted == (True, False, True, False)  # column 5 lies past the input
    dropped = helpers.pool2d_steps(X5, 2, mode="avg", padding=1, stride=2, ceil_mode=True)
    assert len(dropped) == 9 and dropped.dropped == (6, 6) and dropped.beyond == (1, 1)
    assert [s.divisor for s in dropped] == [4] * 9  # padding counted, nothing past it
    exclude = helpers.pool2d_steps(X5, 2, mode="avg", padding=1, stride=2, ceil_mode=True,
                                   count_include_pad=False)
    assert [s.divisor for s in exclude] == [1, 2, 2, 2, 4, 4, 2, 4, 4]
    assert repr(exclude).endswith("stride (2, 2), ceil_mode, count_include_pad=False, 9 steps)")


def test_pooling_steps_go_channel_after_channel():
    X4 = torch.arange(16.0).reshape(4, 4)
    steps = helpers.pool2d_steps(torch.stack([X4, X4 + 1]), 3, padding=1, stride=2)
    assert [s.value for s in steps] == [5, 7, 13, 15, 6, 8, 14, 16]
    assert [s.channel for s in steps] == [0] * 4 + [1] * 4
    assert steps[4].out_pos == (0, 0) and steps.output.shape == (2, 2, 2)


@pytest.mark.parametrize("n, k, p, s, ceil_mode", [
    (4, 3, 0, 3, False), (5, 2, 0, 2, False), (4, 3, 1, 2, False), (5, 2, 1, 2, True),
])
def test_pooling_draws_the_whole_padded_input_even_cells_no_window_reads(n, k, p, s, ceil_mode):
    X = torch.arange(float(n * n)).reshape(n, n)
    steps = helpers.pool2d_steps(X, k, padding=p, stride=s, ceil_mode=ceil_mode)
    rows, cols = steps.padded.shape[-2:]
    assert rows >= n + 2 * p and cols >= n + 2 * p
    assert torch.equal(steps.padded[0, p:p + n, p:p + n], X)
    if p:  # padding on every side, as the book counts it
        assert steps.pad_mask[n + 2 * p - 1, :].all() and steps.pad_mask[:, n + 2 * p - 1].all()


@pytest.mark.parametrize("bias", [None, 2.5, torch.tensor(2.5), [2.5], torch.tensor([2.5])])
def test_a_bias_takes_every_form_f_conv2d_takes(bias):
    X, K = torch.arange(16.0).reshape(4, 4), torch.ones(2, 2)
    torch_bias = None if bias is None else torch.as_tensor(bias, dtype=torch.float32).reshape(1)
    want = F.conv2d(X[None, None], K[None, None], torch_bias)[0, 0]
    steps = helpers.conv2d_steps(X, K, bias=bias)
    torch.testing.assert_close(steps.output, want)
    assert steps.bias == (0.0 if bias is None else 2.5)
