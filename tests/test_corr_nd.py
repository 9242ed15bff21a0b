"""corr1d and corr3d against F.conv1d and F.conv3d: values, shapes, padding forms, errors."""

import warnings

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import helpers

CONV = {1: F.conv1d, 3: F.conv3d}
CORR = {1: helpers.corr1d, 3: helpers.corr3d}


def torch_corr(x, k, *, padding, stride, dilation):
    """F.convNd's answer for one unbatched channel; a 2N-tuple of sides goes through F.pad."""
    x, k = x[None, None], k[None, None]
    if isinstance(padding, tuple) and len(padding) == 2 * k.dim() - 4:
        x, padding = F.pad(x, padding), 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # 'same' with an even kernel pads a copy
        return CONV[k.dim() - 2](x, k, padding=padding, stride=stride, dilation=dilation)[0, 0]


def test_small_examples():
    assert helpers.corr1d(torch.arange(5.0), torch.tensor([1.0, 0, -1])).tolist() == [-2] * 3
    assert helpers.corr1d([1, 2, 3, 4], [1, 1], padding=1, stride=2).tolist() == [1, 5, 4]
    X = torch.arange(27.0).reshape(3, 3, 3)
    # a 2x2x2 kernel of ones sums a cube: cells d*9 + r*3 + c over d, r, c in {0, 1} (+ offset)
    assert helpers.corr3d(X, torch.ones(2, 2, 2)).tolist() == [[[52, 60], [76, 84]],
                                                                [[124, 132], [148, 156]]]
    # 'same' with an even kernel: the extra cell after, as PyTorch puts it
    assert helpers.corr1d([1, 2, 3], [1, 1], padding="same").tolist() == [3, 5, 3]


def paddings(axes):
    return st.one_of(
        st.integers(0, 2),
        st.tuples(*[st.integers(0, 2)] * axes),
        st.tuples(*[st.integers(0, 2)] * (2 * axes)),
        st.sampled_from(["valid", "same"]),
    )


def sizes(axes, low, high):
    return st.tuples(*[st.integers(low, high)] * axes)


@st.composite
def settings(draw, axes):
    n, k = draw(sizes(axes, 1, 6 if axes == 1 else 4)), draw(sizes(axes, 1, 3))
    padding = draw(paddings(axes))
    stride = (1,) * axes if padding == "same" else draw(sizes(axes, 1, 7))  # can exceed n
    dilation = draw(st.one_of(st.integers(1, 3), sizes(axes, 1, 3)))
    return n, k, padding, stride, dilation


@pytest.mark.parametrize("axes", [1, 3])
@given(data=st.data(), seed=st.integers(0, 99))
def test_matches_pytorch(axes, data, seed):
    n, k, padding, stride, dilation = data.draw(settings(axes))
    g = torch.Generator().manual_seed(seed)
    x, kernel = torch.randn(n, generator=g), torch.randn(k, generator=g)
    try:
        expected = torch_corr(x, kernel, padding=padding, stride=stride, dilation=dilation)
    except RuntimeError:  # the kernel does not fit: PyTorch refuses, and so must corr
        with pytest.raises(ValueError, match="needs at least"):
            CORR[axes](x, kernel, padding=padding, stride=stride, dilation=dilation)
        return
    got = CORR[axes](x, kernel, padding=padding, stride=stride, dilation=dilation)
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)


def test_stride_larger_than_the_input_gives_one_output():
    assert helpers.corr1d([1, 2, 3], [1, 1], stride=9).tolist() == [3]
    X = torch.ones(2, 3, 3)
    assert helpers.corr3d(X, torch.ones(1, 2, 2), stride=(5, 5, 5)).tolist() == [[[4]]]


def test_dtypes_and_gradients_like_pytorch():
    assert helpers.corr1d(torch.arange(4), torch.ones(2, dtype=torch.int64)).dtype == \
        torch.get_default_dtype()
    x = torch.randn(6, dtype=torch.float64, requires_grad=True)
    k = torch.randn(3, dtype=torch.float64, requires_grad=True)
    helpers.corr1d(x, k, padding=1, dilation=2).sum().backward()
    gx, gk = x.grad, k.grad
    x.grad = k.grad = None
    F.conv1d(x[None, None], k[None, None], padding=1, dilation=2).sum().backward()
    torch.testing.assert_close((gx, gk), (x.grad, k.grad))


X1, K1 = torch.arange(4.0), torch.ones(2)
X3, K3 = torch.ones(2, 3, 3), torch.ones(2, 2, 2)
CASES = [
    ("1-D kernel larger", lambda: helpers.corr1d(X1, torch.ones(5)),
     "^a 5-wide kernel needs at least 5 values; this input has 4$"),
    ("1-D padded too small", lambda: helpers.corr1d(X1[:1], torch.ones(4), padding=1),
     r"^a 4-wide kernel needs at least 4 values; this input has 1 \(3 with padding 1 on each "
     r"side\)$"),
    ("1-D dilated", lambda: helpers.corr1d(X1, K1, dilation=4),
     "dilation 4 spans 5 values, so it needs at least 5 values; this input has 4$"),
    ("1-D one side", lambda: helpers.corr1d(X1, torch.ones(6), padding=(1, 0)),
     r"this input has 4 \(5 with padding 1 before and 0 after\)$"),
    ("1-D rank x", lambda: helpers.corr1d(X1[None], K1), r"x must be 1-D \(length\)"),
    ("1-D rank k", lambda: helpers.corr1d(X1, K1[None]), "k must be 1-D"),
    ("1-D stride 0", lambda: helpers.corr1d(X1, K1, stride=0), "stride must be at least 1"),
    ("1-D stride pair", lambda: helpers.corr1d(X1, K1, stride=(1, 2)),
     r"stride must be an int or a \(length,\) 1-tuple, got 2 values"),
    ("1-D dilation 0", lambda: helpers.corr1d(X1, K1, dilation=(0,)), "dilation must be at least"),
    ("1-D negative padding", lambda: helpers.corr1d(X1, K1, padding=-1),
     "padding must be 0 or more"),
    ("1-D negative side", lambda: helpers.corr1d(X1, K1, padding=(0, -1)),
     "0 or more on every side"),
    ("1-D three paddings", lambda: helpers.corr1d(X1, K1, padding=(1, 1, 1)),
     r"padding must be an int, a \(length,\) 1-tuple, a \(left, right\) pair, 'valid' or "
     "'same'; got 3 values"),
    ("1-D same strided", lambda: helpers.corr1d(X1, K1, padding="same", stride=2),
     "not supported for strided convolutions"),
    ("1-D empty", lambda: helpers.corr1d([], K1), "x must not be empty"),
    ("1-D text", lambda: helpers.corr1d("abc", K1), "x must be a tensor of numbers"),
    ("3-D kernel deeper", lambda: helpers.corr3d(X3, torch.ones(3, 1, 1)),
     "^a 3 x 1 x 1 kernel needs at least 3 slices; this input has 2$"),
    ("3-D kernel wider", lambda: helpers.corr3d(X3, torch.ones(1, 1, 4), padding=(0, 0, 0)),
     "^a 1 x 1 x 4 kernel needs at least 4 columns; this input has 3$"),
    ("3-D dilated rows", lambda: helpers.corr3d(X3, K3, dilation=(1, 3, 1)),
     "dilation 3 spans 4 rows"),
    ("3-D rank X", lambda: helpers.corr3d(X3[0], K3), r"X must be 3-D \(depth, height, width\)"),
    ("3-D rank K", lambda: helpers.corr3d(X3, K3[0]), "K must be 3-D"),
    ("3-D stride pair", lambda: helpers.corr3d(X3, K3, stride=(1, 2)),
     r"stride must be an int or a \(depth, rows, cols\) triple, got 2 values"),
    ("3-D stride 0", lambda: helpers.corr3d(X3, K3, stride=(1, 0, 1)), "stride must be at least"),
    ("3-D fractional dilation", lambda: helpers.corr3d(X3, K3, dilation=1.5),
     "dilation must be a whole number"),
    ("3-D padding pair", lambda: helpers.corr3d(X3, K3, padding=(1, 1)),
     r"\(left, right, top, bottom, front, back\) 6-tuple, 'valid' or 'same'; got 2 values"),
    ("3-D padding string", lambda: helpers.corr3d(X3, K3, padding="full"),
     "got the string 'full'"),
    ("3-D same strided", lambda: helpers.corr3d(X3, K3, padding="same", stride=(1, 1, 2)),
     "not supported for strided convolutions"),
    ("3-D complex", lambda: helpers.corr3d(X3.to(torch.complex64), K3), "real numbers"),
]


@pytest.mark.parametrize(("call", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
