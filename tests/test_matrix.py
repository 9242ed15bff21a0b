"""Convolution as a matrix: M @ x against corr2d and torch, and its picture."""

import re

import pytest
import svg_cells
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from kinds import K2, X3

import helpers


def test_worked_example():
    M = helpers.conv_matrix(X3.shape, K2)
    assert M.shape == (4, 9)
    assert M[0].tolist() == [0, 1, 0, 2, 3, 0, 0, 0, 0]
    assert (M @ torch.arange(9.0)).tolist() == [19, 25, 37, 43]
    index = helpers.conv_matrix_index((3, 3), (2, 2))
    assert index[3].tolist() == [-1, -1, -1, -1, 0, 1, -1, 2, 3]


def test_padding_drops_columns_of_padding():
    M = helpers.conv_matrix((2, 2), torch.ones(3, 3), padding=1)
    assert M.shape == (4, 4) and torch.equal(M, torch.ones(4, 4))
    corner = helpers.conv_matrix_index((2, 2), 3, padding=1)[0]
    assert corner.tolist() == [4, 5, 7, 8]  # the kernel's centre on X[0, 0]


@given(c=st.integers(0, 3), n=st.tuples(st.integers(1, 7), st.integers(1, 7)),
       k=st.tuples(st.integers(1, 4), st.integers(1, 4)),
       p=st.tuples(st.integers(0, 2), st.integers(0, 2)),
       s=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       d=st.tuples(st.integers(1, 2), st.integers(1, 2)), seed=st.integers(0, 999))
def test_matrix_product_is_the_cross_correlation(c, n, k, p, s, d, seed):
    if not all(d[a] * (k[a] - 1) + 1 <= n[a] + 2 * p[a] for a in (0, 1)):
        with pytest.raises(ValueError, match="needs at least"):
            helpers.conv_matrix(n, torch.ones(k), padding=p, stride=s, dilation=d)
        return
    g = torch.Generator().manual_seed(seed)
    shape_x, shape_k = ((c, *n), (c, *k)) if c else (n, k)
    X, K = torch.randn(shape_x, generator=g), torch.randn(shape_k, generator=g)
    M = helpers.conv_matrix(X.shape, K, padding=p, stride=s, dilation=d)
    op = helpers.corr2d_multi_in if c else helpers.corr2d
    Y = op(X, K, padding=p, stride=s, dilation=d)
    torch_Y = F.conv2d(X.reshape(1, -1, *n), K.reshape(1, -1, *k), padding=p, stride=s,
                       dilation=d)[0, 0]
    assert M.shape == (Y.numel(), X.numel())
    assert torch.allclose(M @ X.flatten(), Y.flatten(), atol=1e-5)
    assert torch.allclose(M @ X.flatten(), torch_Y.flatten(), atol=1e-5)
    # each row holds every kernel weight at most once, the rest zeros
    index = helpers.conv_matrix_index(X.shape, k, padding=p, stride=s, dilation=d)
    for row in index.tolist():
        used = [w for w in row if w >= 0]
        assert len(used) == len(set(used))


def test_bad_inputs():
    with pytest.raises(ValueError, match="does not match an input of size"):
        helpers.conv_matrix((3, 3), torch.ones(2, 2, 2))
    with pytest.raises(ValueError, match="does not match an input of size"):
        helpers.conv_matrix((3, 3, 3), torch.ones(2, 2, 2))
    with pytest.raises(ValueError, match="needs at least"):
        helpers.conv_matrix((3, 3), torch.ones(4, 4))
    with pytest.raises(ValueError, match="too large to draw"):
        helpers.show_conv_matrix((40, 40), torch.ones(3, 3))


def test_a_matrix_too_large_to_build_is_refused_before_anything_is_allocated():
    # 298^2 rows x 300^2 columns: 8.0e9 entries, 32 GB as float32, 96 GB with the weight
    # index it is built from
    message = ("the convolution matrix for an input of size (300, 300) would have "
               "7,992,360,000 entries, about 32.0 GB as float32 (95.9 GB with the int64 "
               "weight index it is built from); it is built only up to "
               "10,000,000 entries, and an input of 57 x 57 fits")
    with pytest.raises(ValueError, match=re.escape(message)):
        helpers.conv_matrix((300, 300), torch.ones(3, 3))
    with pytest.raises(ValueError, match=r"\(300, 300\) would have 7,992,360,000 entries, "
                                         r"about 63\.9 GB as int64;"):  # the index alone
        helpers.conv_matrix_index((300, 300), (3, 3))
    with pytest.raises(ValueError, match=r"\(3, 100, 100\) would have .* an input of 43 x 43"):
        helpers.conv_matrix((3, 100, 100), torch.ones(3, 3, 3))
    with pytest.raises(ValueError, match="no input fits this kernel"):
        helpers.conv_matrix_index((4000, 4000), (4000, 4000))
    assert helpers.conv_matrix((57, 57), torch.ones(3, 3)).numel() <= 10**7  # the size named
    assert helpers.conv_matrix((3, 43, 43), torch.ones(3, 3, 3)).numel() <= 10**7
    with pytest.raises(ValueError, match="would have"):
        helpers.conv_matrix((58, 58), torch.ones(3, 3))


def test_picture_colours_each_weight():
    frame = helpers.show_conv_matrix(X3.shape, K2).data
    assert 'data-matrix="4x9"' in frame
    assert "36 entries; 16 hold one of 4 kernel weights, 20 are zero" in frame
    legend, matrix = frame.split("\u2192")
    cells = svg_cells.cells(matrix)
    assert len(cells) == 36
    assert {cls: {v for c, v in cells if c == cls} for cls in ("m0", "m1", "m2", "m3")} == {
        "m0": {"0"}, "m1": {"1"}, "m2": {"2"}, "m3": {"3"}}
    first_row = [cls for cls, _ in cells[:9]]
    assert first_row == ["m0", "m1", "z", "m2", "m3", "z", "z", "z", "z"]
    assert all(v == "" for cls, v in cells if cls == "z")
    kernel_cells = [look for look, _ in svg_cells.cells(legend)]
    assert kernel_cells == ["m0", "m1", "m2", "m3"]  # the legend: the kernel in the same colours
    label = re.search(r'role="img" aria-label="([^"]*)"', frame).group(1)
    assert label.endswith("row 0,0: 0 at 0,0, 1 at 0,1, 2 at 1,0, 3 at 1,1; row 0,1: 0 at 0,1, "
                          "1 at 0,2, 2 at 1,1, 3 at 1,2; row 1,0: 0 at 1,0, 1 at 1,1, 2 at 2,0, "
                          "3 at 2,1; row 1,1: 0 at 1,1, 1 at 1,2, 2 at 2,1, 3 at 2,2")


def test_picture_of_several_channels():
    frame = helpers.show_conv_matrix((2, 3, 3), torch.stack([K2, -K2])).data
    assert 'data-matrix="4x18"' in frame and "kernel 2\u00d72, channel 1" in frame
    assert "channel by channel" in frame and "\u22123 at 1:1,1" in frame
