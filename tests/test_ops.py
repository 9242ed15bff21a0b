"""The operations against torch.nn.functional, on the syllabus examples and on random settings."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given
from hypothesis import strategies as st
from kinds import K2, X3
from torch import nn

import helpers

X4 = torch.arange(16.0).reshape(4, 4)


def test_worked_example_chapter_1():
    assert helpers.corr2d(X3, K2).tolist() == [[19, 25], [37, 43]]


def test_edge_detection_example():
    X = torch.ones(6, 8)
    X[:, 2:6] = 0
    Y = helpers.corr2d(X, torch.tensor([[1.0, -1.0]]))
    assert Y.shape == (6, 7)
    assert (Y[:, 1] == 1).all() and (Y[:, 5] == -1).all()
    assert Y.abs().sum() == 12
    assert torch.equal(Y, X[:, :-1] - X[:, 1:])  # a difference along the width
    assert not helpers.corr2d(X.t(), torch.tensor([[1.0, -1.0]])).any()


def test_multi_input_example():
    X = torch.stack([X3, X3 + 1])
    K = torch.stack([K2, K2 + 1])
    assert helpers.corr2d_multi_in(X, K).tolist() == [[56, 72], [104, 120]]
    K3 = torch.stack([K, K + 1, K + 2])
    Y = helpers.corr2d_multi_in_out(X, K3)
    assert Y.shape == (3, 2, 2)
    assert Y[0].tolist() == [[56, 72], [104, 120]]
    assert torch.equal(Y, F.conv2d(X[None], K3)[0])


def test_1x1_convolution_equals_linear_layer():
    weight = torch.arange(12.0).reshape(4, 3)
    conv = nn.Conv2d(3, 4, kernel_size=1)
    linear = nn.Linear(3, 4)
    with torch.no_grad():
        conv.weight.copy_(weight.reshape(4, 3, 1, 1))
        linear.weight.copy_(weight)
        conv.bias.fill_(3)
        linear.bias.fill_(3)
    X = torch.arange(12.0).reshape(1, 3, 2, 2)
    by_linear = linear(X.reshape(1, 3, 4).transpose(1, 2)).transpose(1, 2).reshape(1, 4, 2, 2)
    assert torch.equal(conv(X), by_linear)
    assert sum(p.numel() for p in conv.parameters()) == 16
    mine = helpers.corr2d_multi_in_out_1x1(X[0], weight.reshape(4, 3, 1, 1)) + 3
    assert torch.equal(mine, conv(X)[0].detach())


def test_1x1_matches_general_version():
    torch.manual_seed(0)
    X, K = torch.rand(3, 3, 3), torch.rand(2, 3, 1, 1)
    assert torch.allclose(helpers.corr2d_multi_in_out_1x1(X, K), helpers.corr2d_multi_in_out(X, K))


def test_pooling_examples():
    assert helpers.pool2d(X3, (2, 2)).tolist() == [[4, 5], [7, 8]]
    assert helpers.pool2d(X3, (2, 2), "avg").tolist() == [[2, 3], [5, 6]]
    assert helpers.pool2d(X4, 3, stride=3).tolist() == [[10]]
    assert nn.MaxPool2d(3)(X4[None, None])[0, 0].tolist() == [[10]]
    assert helpers.pool2d(X4, 3, padding=1, stride=2).tolist() == [[5, 7], [13, 15]]
    two = torch.stack([X4, X4 + 1])
    assert helpers.pool2d(two, 3, padding=1, stride=2).tolist() == [
        [[5, 7], [13, 15]], [[6, 8], [14, 16]]]


def test_average_pooling_counts_padding_like_pytorch():
    ours = helpers.pool2d(X4, 3, "avg", padding=1, stride=2)
    assert torch.allclose(ours, F.avg_pool2d(X4[None], 3, 2, 1, count_include_pad=True)[0])
    assert ours[0, 0] == pytest.approx((0 + 1 + 4 + 5) / 9)
    assert not torch.allclose(ours, F.avg_pool2d(X4[None], 3, 2, 1, count_include_pad=False)[0])


def test_max_pooling_padding_never_wins():
    negative = -1 - X4
    assert helpers.pool2d(negative, 3, padding=1, stride=2).max() < 0


@pytest.mark.parametrize(("kernel", "padding", "stride", "expected"), [
    (3, 1, 1, (8, 8)),
    ((5, 3), (2, 1), 1, (8, 8)),
    (3, 1, 2, (4, 4)),
    ((3, 5), (0, 1), (3, 4), (2, 2)),
])
def test_shape_cases_on_8x8(kernel, padding, stride, expected):
    assert helpers.conv_output_shape(8, kernel, padding=padding, stride=stride) == expected
    conv = nn.Conv2d(1, 1, kernel_size=kernel, padding=padding, stride=stride)
    assert helpers.comp_conv2d(conv, torch.rand(8, 8)).shape == expected


sizes = st.integers(1, 9)
settings_ = st.fixed_dictionaries({
    "padding": st.tuples(st.integers(0, 3), st.integers(0, 3)),
    "stride": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    "dilation": st.tuples(st.integers(1, 3), st.integers(1, 3)),
})


def _fits(n, k, p, d):
    return all(d[a] * (k[a] - 1) + 1 <= n[a] + 2 * p[a] for a in (0, 1))


@given(n=st.tuples(sizes, sizes), k=st.tuples(st.integers(1, 5), st.integers(1, 5)),
       kw=settings_, seed=st.integers(0, 2**16))
def test_corr2d_matches_conv2d(n, k, kw, seed):
    g = torch.Generator().manual_seed(seed)
    X, K = torch.randn(n, generator=g), torch.randn(k, generator=g)
    if not _fits(n, k, kw["padding"], kw["dilation"]):
        with pytest.raises(ValueError, match="needs at least"):
            helpers.corr2d(X, K, **kw)
        with pytest.raises(RuntimeError):
            F.conv2d(X[None, None], K[None, None], **kw)
        return
    expected = F.conv2d(X[None, None], K[None, None], **kw)[0, 0]
    got = helpers.corr2d(X, K, **kw)
    assert got.shape == expected.shape == helpers.conv_output_shape(n, k, **kw)
    assert torch.allclose(got, expected, atol=1e-5)


@given(c_i=st.integers(1, 4), c_o=st.integers(1, 3), n=st.tuples(sizes, sizes),
       k=st.tuples(st.integers(1, 3), st.integers(1, 3)), kw=settings_, seed=st.integers(0, 99))
def test_multi_channel_matches_conv2d(c_i, c_o, n, k, kw, seed):
    assume(_fits(n, k, kw["padding"], kw["dilation"]))
    g = torch.Generator().manual_seed(seed)
    X, K = torch.randn((c_i, *n), generator=g), torch.randn((c_o, c_i, *k), generator=g)
    expected = F.conv2d(X[None], K, **kw)[0]
    assert torch.allclose(helpers.corr2d_multi_in_out(X, K, **kw), expected, atol=1e-5)
    assert torch.allclose(helpers.corr2d_multi_in(X, K[0], **kw), expected[0], atol=1e-5)
    if k == (1, 1) and kw["padding"] == (0, 0) and kw["stride"] == (1, 1):
        assert torch.allclose(helpers.corr2d_multi_in_out_1x1(X, K), expected, atol=1e-5)


@given(c=st.integers(1, 3), n=st.tuples(sizes, sizes), k=st.tuples(st.integers(1, 4),
       st.integers(1, 4)), p=st.tuples(st.integers(0, 2), st.integers(0, 2)),
       s=st.tuples(st.integers(1, 3), st.integers(1, 3)), ceil_mode=st.booleans(),
       include=st.booleans(), seed=st.integers(0, 99))
def test_pooling_matches_pytorch(c, n, k, p, s, ceil_mode, include, seed):
    assume(all(2 * p[a] <= k[a] for a in (0, 1)))
    X = torch.randn((c, *n), generator=torch.Generator().manual_seed(seed))
    kw = {"padding": p, "stride": s, "ceil_mode": ceil_mode}
    try:
        expected = F.max_pool2d(X, k, s, p, ceil_mode=ceil_mode)
    except RuntimeError:  # the window does not fit: PyTorch and the book both refuse
        with pytest.raises(ValueError, match="needs at least"):
            helpers.pool2d(X, k, **kw)
        return
    assert torch.equal(helpers.pool2d(X, k, **kw), expected)
    assert torch.equal(helpers.pool2d(X[0], k, **kw), expected[0])
    assert helpers.pool_output_shape(n, k, **kw) == expected.shape[1:]
    average = F.avg_pool2d(X, k, s, p, ceil_mode=ceil_mode, count_include_pad=include)
    got = helpers.pool2d(X, k, "avg", count_include_pad=include, **kw)
    assert torch.allclose(got, average, atol=1e-6)


def test_padding_in_average_pooling_both_ways():
    include = helpers.pool2d(X4, 3, "avg", padding=1, stride=2)
    exclude = helpers.pool2d(X4, 3, "avg", padding=1, stride=2, count_include_pad=False)
    assert torch.allclose(include, torch.tensor([[10 / 9, 24 / 9], [51 / 9, 90 / 9]]))
    assert exclude.tolist() == [[2.5, 4], [8.5, 10]]
    assert F.avg_pool2d(X4[None], 3, 2, 1, divisor_override=1)[0].tolist() == [[10, 24],
                                                                                [51, 90]]


def test_max_pooling_pads_with_minus_infinity():
    negative = -torch.arange(1.0, 10).reshape(3, 3)
    expected = [[-1, -1, -2], [-1, -1, -2], [-4, -4, -5]]
    assert helpers.pool2d(negative, 3, padding=1).tolist() == expected
    assert nn.MaxPool2d(3, 1, 1)(negative[None])[0].tolist() == expected


def test_ceil_mode_examples():
    X5 = torch.arange(25.0).reshape(5, 5)
    assert helpers.pool2d(X5, 2, stride=2).tolist() == [[6, 8], [16, 18]]
    assert helpers.pool2d(X5, 2, stride=2, ceil_mode=True).tolist() == [
        [6, 8, 9], [16, 18, 19], [21, 23, 24]]
    row = torch.arange(1.0, 6).reshape(1, 5)
    assert helpers.pool2d(row, (1, 2), "avg", stride=2, ceil_mode=True).tolist() == [
        [1.5, 3.5, 5.0]]
    # the ceiling formula says 4, but the 4th window would start in the right padding
    assert helpers.pool_output_shape(5, 2, padding=1, stride=2, ceil_mode=True) == (3, 3)
    assert nn.MaxPool2d(2, 2, 1, ceil_mode=True)(X5[None]).shape == (1, 3, 3)


def test_last_ceil_window_divides_by_the_cells_it_covers():
    x = torch.arange(5.0).reshape(1, 5)  # padded: pad 0 1 2 3 4 pad | past
    got = helpers.pool2d(x, (1, 4), "avg", padding=(0, 1), stride=(1, 2), ceil_mode=True)
    assert got[0].tolist() == pytest.approx([(0 + 0 + 1 + 2) / 4, (1 + 2 + 3 + 4) / 4,
                                             (3 + 4 + 0) / 3])
    assert torch.allclose(got, F.avg_pool2d(x[None], (1, 4), (1, 2), (0, 1), ceil_mode=True)[0])


def test_ceil_mode_accepts_a_window_wider_than_the_padded_input_like_pytorch():
    one = torch.ones(1, 1)
    assert helpers.pool2d(one, 4, padding=1, stride=2, ceil_mode=True).tolist() == [[1]]
    assert F.max_pool2d(one[None], 4, 2, 1, ceil_mode=True).tolist() == [[[1]]]
    with pytest.raises(ValueError, match="needs at least"):
        helpers.pool2d(one, 4, padding=1, stride=1, ceil_mode=True)


def test_pool2d_default_stride_is_one():
    assert helpers.pool2d(X4, 2).shape == (3, 3)


def test_gradients_flow_like_conv2d():
    torch.manual_seed(1)
    X = torch.rand(5, 6)
    K1 = torch.rand(2, 3, requires_grad=True)
    K2 = K1.detach().clone().requires_grad_()
    helpers.corr2d(X, K1, padding=1, stride=2).square().sum().backward()
    F.conv2d(X[None, None], K2[None, None], padding=1, stride=2).square().sum().backward()
    assert torch.allclose(K1.grad, K2.grad)


def test_dtypes():
    ints = torch.arange(9).reshape(3, 3)
    assert helpers.corr2d(ints, [[0, 1], [2, 3]]).tolist() == [[19, 25], [37, 43]]
    doubles = helpers.corr2d(X3.double(), K2.double())
    assert doubles.dtype == torch.float64
    assert helpers.corr2d(X3.double(), K2).dtype == torch.float64


def test_comp_conv2d_same_padding_and_dtype():
    conv = nn.Conv2d(1, 1, kernel_size=(3, 5), padding="same")
    Y = helpers.comp_conv2d(conv, torch.arange(64).reshape(8, 8))
    assert Y.shape == (8, 8)
    assert Y.dtype == torch.float32  # integers run in the layer's dtype
    with torch.no_grad():
        expected = conv(torch.arange(64.0).reshape(1, 1, 8, 8))[0, 0]
    assert torch.equal(Y.detach(), expected)
    double = nn.Conv2d(1, 1, kernel_size=(3, 5), padding="same", dtype=torch.float64)
    assert helpers.comp_conv2d(double, X4).dtype == torch.float64
