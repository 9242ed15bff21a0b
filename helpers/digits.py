"""A small network on 8 x 8 digits: train it, measure it, look inside it.

The layers are torch.nn's; what is computed here is what the book teaches about
them: shapes from `conv_output_shape`, parameter counts, the output of every
layer for one image.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from .fields import layer_geometry
from .ops import conv_output_shape

WINDOW_LAYERS = (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)
SHAPELESS_LAYERS = (nn.ReLU, nn.Sigmoid, nn.Tanh, nn.Identity, nn.Dropout)


def lenet(activation=nn.ReLU, pooling=nn.MaxPool2d) -> nn.Sequential:
    """The chapter's LeNet-style network for 8 x 8 digits (3,350 parameters), with a
    choice of activation and pooling layer classes."""
    return nn.Sequential(nn.Conv2d(1, 6, 3, padding=1), activation(), pooling(2),
                         nn.Conv2d(6, 16, 3, padding=1), activation(), pooling(2),
                         nn.Flatten(), nn.Linear(64, 32), activation(), nn.Linear(32, 10))


def load_digits() -> tuple[torch.Tensor, torch.Tensor]:
    """scikit-learn's 1,797 handwritten digits: images `(1797, 8, 8)` with values 0 (paper)
    to 16 (ink), and their labels 0..9.

    Reads the file scikit-learn ships, as `sklearn.datasets.load_digits` does, but
    without importing scikit-learn, whose import takes about 80 MB of memory (a test
    checks that the two agree).
    """
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ValueError("scikit-learn is not installed; it ships the digits (make setup)")
    path = Path(spec.submodule_search_locations[0], "datasets", "data", "digits.csv.gz")
    data = torch.from_numpy(np.loadtxt(path, delimiter=",", dtype=np.float32))
    return data[:, :-1].reshape(-1, 8, 8), data[:, -1].long()


def stratified_split(labels: torch.Tensor, test_share: float = 0.25, *, seed: int = 0):
    """A boolean mask marking the test examples: `test_share` of each class (rounded),
    picked at random with a seeded generator."""
    if not 0 < test_share < 1:
        raise ValueError(f"test_share must be between 0 and 1, got {test_share!r}")
    order = torch.Generator().manual_seed(seed)
    is_test = torch.zeros(len(labels), dtype=torch.bool)
    for label in labels.unique():
        members = (labels == label).nonzero()[:, 0]
        shuffled = members[torch.randperm(len(members), generator=order)]
        is_test[shuffled[: int(test_share * len(members) + 0.5)]] = True
    return is_test


def load_split():
    """The chapter's data: the digits split 75/25 by `stratified_split` (seed 0), scaled
    by the training set's mean and standard deviation.

    Returns `X_train, y_train, X_test, y_test`, images as `(n, 1, 8, 8)`.
    """
    images, labels = load_digits()
    is_test = stratified_split(labels, 0.25, seed=0)
    train_images, test_images = images[~is_test], images[is_test]
    mean, std = train_images.mean(), train_images.std()
    X_train, X_test = ((train_images - mean) / std)[:, None], ((test_images - mean) / std)[:, None]
    return X_train, labels[~is_test], X_test, labels[is_test]


def train(net, X, y, *, epochs=20, lr=0.02, momentum=0.9, batch_size=64, seed=0,
          progress=None):
    """Minimise the cross-entropy of `net` on `(X, y)` by stochastic gradient descent with
    momentum, on mini-batches in a seeded order.

    Returns the mean training loss of every epoch; calls `progress(epoch, loss)` after
    each epoch when it is given. (The update is written out rather than taken from
    torch.optim, whose first use imports the compiler stack: seconds and 80 MB.)
    """
    order = torch.Generator().manual_seed(seed)
    params = list(net.parameters())
    velocity = [torch.zeros_like(p) for p in params]
    losses = []
    for epoch in range(1, epochs + 1):
        net.train()
        total = 0.0
        for batch in torch.randperm(len(y), generator=order).split(batch_size):
            loss = nn.functional.cross_entropy(net(X[batch]), y[batch])
            net.zero_grad()
            loss.backward()
            with torch.no_grad():
                for p, v in zip(params, velocity, strict=True):
                    v.mul_(momentum).add_(p.grad)
                    p -= lr * v
            total += loss.item() * len(batch)
        losses.append(total / len(y))
        if progress is not None:
            progress(epoch, losses[-1])
    net.eval()
    return torch.tensor(losses, dtype=torch.float64)


@torch.no_grad()
def accuracy(net: nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    """The share of examples whose highest score is the right class."""
    net.eval()
    return (net(X).argmax(1) == y).float().mean().item()


class LayerRow(NamedTuple):
    """One layer of a network: its name, the shape it outputs for one example, its weights."""

    name: str
    shape: tuple[int, ...]
    params: int


class LayerTable(list):
    """LayerRows that print as a table, with the total parameter count."""

    def __repr__(self) -> str:
        width = max(len(row.name) for row in self)
        lines = [f"{'layer':{width}}  {'output shape':>14}  {'parameters':>10}"]
        for row in self:
            shape = " x ".join(map(str, row.shape))
            lines.append(f"{row.name:{width}}  {shape:>14}  {row.params:>10,}")
        lines.append(f"{'total':{width}}  {'':>14}  {self.total:>10,}")
        return "\n".join(lines)

    @property
    def total(self) -> int:
        return sum(row.params for row in self)


def layer_table(net: nn.Sequential, input_shape) -> LayerTable:
    """Every layer's output shape and parameter count, from the layer's settings alone.

    `input_shape` is one example's `(channels, height, width)`. Window layers
    (Conv2d, MaxPool2d, AvgPool2d) get their size from `conv_output_shape`;
    nothing is run through the network.
    """
    if not isinstance(net, nn.Sequential):
        raise ValueError(f"net must be an nn.Sequential, got {type(net).__name__}")
    shape = tuple(input_shape)
    if len(shape) != 3 or min(shape) < 1:
        raise ValueError(f"input_shape must be (channels, height, width), got {input_shape!r}")
    rows = LayerTable()
    for index, layer in enumerate(net):
        try:
            shape = _output_shape(layer, shape)
        except ValueError as error:
            raise ValueError(f"layer {index} ({_name(layer)}): {error}") from None
        params = sum(p.numel() for p in layer.parameters())
        rows.append(LayerRow(_name(layer), shape, params))
    return rows


def _output_shape(layer: nn.Module, shape: tuple[int, ...]) -> tuple[int, ...]:
    if isinstance(layer, SHAPELESS_LAYERS):
        return shape
    if isinstance(layer, nn.Flatten):
        if (layer.start_dim, layer.end_dim) != (1, -1):
            raise ValueError("only Flatten() with its default axes is supported")
        return (math.prod(shape),)
    if isinstance(layer, nn.Linear):
        if shape != (layer.in_features,):
            raise ValueError(f"expects {layer.in_features} inputs, gets shape {shape}")
        return (layer.out_features,)
    if isinstance(layer, WINDOW_LAYERS):
        if len(shape) != 3:
            raise ValueError(f"needs (channels, height, width), gets shape {shape}")
        if getattr(layer, "ceil_mode", False):
            raise ValueError("ceil_mode=True is not supported here")
        channels = shape[0]
        if isinstance(layer, nn.Conv2d):
            if layer.in_channels != channels or layer.groups != 1:
                raise ValueError(f"expects {layer.in_channels} channels, gets {channels}")
            channels = layer.out_channels
        return (channels, *conv_output_shape(shape[1:], **layer_geometry(layer)))
    raise ValueError(f"{type(layer).__name__} layers are not supported")


def _name(layer: nn.Module) -> str:
    kind = type(layer).__name__
    if isinstance(layer, nn.Conv2d):
        k_h, k_w = layer.kernel_size
        return f"{kind}({layer.in_channels}, {layer.out_channels}, {k_h}x{k_w})"
    if isinstance(layer, (nn.MaxPool2d, nn.AvgPool2d)):
        k = layer.kernel_size
        return f"{kind}({k if isinstance(k, int) else 'x'.join(map(str, k))})"
    if isinstance(layer, nn.Linear):
        return f"{kind}({layer.in_features}, {layer.out_features})"
    return kind


@torch.no_grad()
def feature_maps(net: nn.Sequential, x: torch.Tensor) -> list[tuple[str, torch.Tensor]]:
    """The output of every layer of `net` for one example `x` (`channels x h x w`).

    Returns `(layer name, output)` pairs, each output without its batch axis.
    """
    if not isinstance(net, nn.Sequential):
        raise ValueError(f"net must be an nn.Sequential, got {type(net).__name__}")
    net.eval()
    out, maps = x[None], []
    for layer in net:
        out = layer(out)
        maps.append((_name(layer), out[0]))
    return maps


@torch.no_grad()
def predict(net: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Class probabilities (softmax of the scores) for one example."""
    net.eval()
    return torch.softmax(net(x[None])[0], 0)
