"""Receptive fields from layer shapes, checked against autograd."""

import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

import helpers

layer_specs = st.fixed_dictionaries({
    "kernel_size": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    "padding": st.tuples(st.integers(0, 1), st.integers(0, 1)),
    "stride": st.tuples(st.integers(1, 2), st.integers(1, 2)),
    "dilation": st.tuples(st.integers(1, 2), st.integers(1, 2)),
})


@given(specs=st.lists(layer_specs, min_size=1, max_size=3), data=st.data())
def test_receptive_field_matches_autograd(specs, data):
    layers = [nn.Conv2d(1, 1, **spec) for spec in specs]
    try:
        sizes = helpers.fields.layer_sizes((9, 9), layers)
    except ValueError:
        return
    for layer in layers:
        nn.init.ones_(layer.weight)
    r = data.draw(st.integers(0, sizes[-1][0] - 1))
    c = data.draw(st.integers(0, sizes[-1][1] - 1))
    x = torch.rand(1, 1, 9, 9, requires_grad=True)
    nn.Sequential(*layers)(x)[0, 0, r, c].backward()
    touched = {tuple(p) for p in (x.grad[0, 0] != 0).nonzero().tolist()}
    assert helpers.receptive_field((9, 9), layers, (r, c))[0] == touched


def test_pooling_layers_count_too():
    layers = [nn.Conv2d(1, 1, 3, padding=1), nn.MaxPool2d(2)]
    fields = helpers.receptive_field(8, layers, (1, 1))
    assert fields[1] == {(2, 2), (2, 3), (3, 2), (3, 3)}
    assert fields[0] == {(r, c) for r in range(1, 5) for c in range(1, 5)}
