"""Pooling beyond its output: shifted inputs and the gradient's route, and the views of both."""

import itertools
import re

import pytest
import torch
import torch.nn.functional as F
from svg_cells import count

import helpers

DOT = torch.zeros(6, 6)
DOT[2, 2] = 1


def test_shift2d_moves_the_picture_and_fills_with_zeros():
    X = torch.arange(1.0, 10).reshape(3, 3)
    assert helpers.shift2d(X, 0, 1).tolist() == [[0, 1, 2], [0, 4, 5], [0, 7, 8]]
    assert helpers.shift2d(X, -1, 0).tolist() == [[4, 5, 6], [7, 8, 9], [0, 0, 0]]
    assert helpers.shift2d(X, 1, -2).tolist() == [[0, 0, 0], [3, 0, 0], [6, 0, 0]]
    assert not helpers.shift2d(X, 0, 3).any()
    with pytest.raises(ValueError, match="rows must be a whole number"):
        helpers.shift2d(X, 0.5, 0)


def test_a_shift_inside_a_window_leaves_max_pooling_unchanged():
    # the dot at (2, 2) sits in the window of columns 2-3: one step right stays inside it
    assert not helpers.pool_shift(DOT, 2, (0, 1)).changed.any()
    result = helpers.pool_shift(DOT, 2, (0, 2))  # crosses into the next window
    assert result.changed.sum() == 2 and result.changed[1].tolist() == [False, True, True]
    moved = torch.zeros(6, 6)
    moved[3, 3] = 1  # at the right edge of its window: one step right already crosses
    assert helpers.pool_shift(moved, 2, (0, 1)).changed.sum() == 2
    expected = F.max_pool2d(helpers.shift2d(DOT, 0, 2)[None], 2)[0]
    assert torch.equal(result.pooled_shifted, expected)


def test_convolution_is_equivariant_and_max_pooling_absorbs_a_small_shift():
    X = torch.ones(6, 8)
    X[:, 2:6] = 0
    K = torch.tensor([[1.0, -1.0]])
    Y, Y_shifted = helpers.corr2d(X, K), helpers.corr2d(helpers.shift2d(X, 0, 1), K)
    assert torch.equal(Y_shifted[:, 2:], Y[:, 1:-1])  # the edges move with the input
    row = torch.tensor([[0.0, 1, 0, 0, 0, -1, 0]])
    assert helpers.pool2d(row, (1, 2)).tolist() == [[1, 1, 0, 0, 0, 0]]
    assert helpers.pool2d(helpers.shift2d(row, 0, 1), (1, 2)).tolist() == [[0, 1, 1, 0, 0, 0]]


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize(("stride", "padding"), [(None, 0), (1, 0), (2, 1)])
def test_the_routed_gradient_is_pytorchs(mode, stride, padding):
    X = torch.randn(5, 5, generator=torch.Generator().manual_seed(3))
    routed = helpers.pool_gradient(X, 3 if padding else 2, mode=mode, stride=stride,
                                   padding=padding)
    leaf = X.clone().requires_grad_()
    k, s = (3 if padding else 2), (stride or (3 if padding else 2))
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    out = pool(leaf[None], k, s, padding)[0]
    out.sum().backward()
    assert torch.allclose(routed.grad, leaf.grad) and torch.allclose(routed.output, out)
    if mode == "max" or not padding:  # each output sends back 1 in all (the padding keeps none)
        assert routed.grad.sum().item() == pytest.approx(out.numel())
    first = helpers.pool_gradient(X, k, mode=mode, stride=stride, padding=padding, out_pos=(0, 0))
    if mode == "max":
        assert first.grad.sum() == 1 and first.grad.flatten()[first.indices[0, 0]] == 1
    else:
        nonzero = first.grad[first.grad != 0]
        assert torch.allclose(nonzero, torch.full_like(nonzero, 1 / k**2))


def test_pool_gradient_refuses_bad_settings():
    with pytest.raises(ValueError, match="outside the output"):
        helpers.pool_gradient(DOT, 2, out_pos=(3, 0))
    with pytest.raises(ValueError, match="mode must be"):
        helpers.pool_gradient(DOT, 2, mode="min")
    with pytest.raises(ValueError, match="more than half"):
        helpers.pool_gradient(DOT, 2, padding=2)


def head(view) -> str:
    return re.search(r'<div class="cbk-head">(.*?)</div>', view.view.value).group(1)


def test_shift_view_marks_the_outputs_that_change():
    view = helpers.shift_view(DOT)
    assert repr(view) == "LiveView(max pooling of a shifted input; controls: down, right)"
    assert head(view) == "Not shifted: the pooled output is unchanged"
    view.set(right=1)
    assert view.key == "down=0;right=1" and 'data-view="down=0;right=1"' in view.view.value
    assert head(view) == "Shifted 1 column right: the pooled output is unchanged"
    view.set(right=2, down=1)
    assert head(view) == "Shifted 1 row down and 2 columns right: 2 of 9 pooled outputs change " \
                         "(marked)"
    assert count(view.view.value, "o") == 2
    assert view.view.value.count('class="pool"') == 2 * 9  # the windows, on both inputs
    with pytest.raises(ValueError, match="no control named 'left'"):
        view.set(left=1)


def test_every_setting_of_the_shift_view_matches_pytorch():
    X = torch.randn(6, 7, generator=torch.Generator().manual_seed(0)).relu()
    view = helpers.shift_view(X, (2, 3), stride=(2, 2), shifts=range(-2, 3))
    for down, right in itertools.product(range(-2, 3), repeat=2):
        view.set(down=down, right=right)
        shifted = helpers.shift2d(X, down, right)
        before, after = (F.max_pool2d(t[None], (2, 3), 2)[0] for t in (X, shifted))
        changed = int((before != after).sum())
        assert f'data-changed="{changed}"' in view.view.value and view.message == ""


def test_gradient_view_follows_mode_and_output():
    X = torch.tensor([[1.0, 3, 2, 0], [4, 0, 1, 5], [2, 2, 6, 1], [0, 7, 3, 3]])
    view = helpers.gradient_view(X, 2, stride=1)
    outputs = view.controls["output"].options
    assert outputs[0] == "every output" and len(outputs) == 1 + 9
    view.set(output="[0, 0]")
    assert head(view).endswith("all of it goes to input [1, 0], the cell that won (4)")
    view.set(mode="avg")
    assert head(view).endswith("each cell of its window gets an equal share, 0.25")
    for mode, output in itertools.product(["max", "avg"], outputs):
        view.set(mode=mode, output=output)
        assert view.message == "" and f"mode={mode};output={output}" == view.key


def test_a_view_reports_bad_settings_and_bugs_as_messages():
    def draw(n):
        if n == 1:
            raise ValueError("n must not be 1")
        if n == 2:
            raise KeyError("boom")
        return f"<p>{n}</p>"

    view = helpers.LiveView(draw, {"n": range(0, 3)})
    assert view.message == "" and "<p>0</p>" in view.view.value
    view.set(n=1)
    assert view.message == "n must not be 1" and 'class="cbk-msg"' in view.view.value
    view.set(n=2)
    assert view.message.startswith("Internal error, please report it: KeyError")
