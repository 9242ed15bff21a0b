"""Chapter 5's exercises beyond the generic tests (tests/test_exercises.py): a pooled map
pasted as nn's layers return it, and the two global poolings side by side."""

import torch
import torch.nn.functional as F
from torch import nn

from helpers import check


def test_a_map_pasted_from_an_nn_layer_passes():
    """nn.MaxPool2d(2) on the exercise's (1, 6, 6) input returns (1, 3, 3): that will do."""
    pooled = nn.MaxPool2d(2)(torch.arange(36.0).reshape(1, 6, 6))
    assert pooled.shape == (1, 3, 3) and check("ch5.default_stride", pooled)
    assert check("ch5.default_stride", pooled[None])  # (1, 1, 3, 3), from a batch of one
    assert check("ch5.default_stride", pooled[0].tolist())
    assert "shape (2, 3, 3)" in check("ch5.default_stride", pooled.expand(2, 3, 3)).message
    average = nn.AvgPool2d(2, stride=2, padding=1, count_include_pad=False)(
        torch.arange(16.0).reshape(1, 4, 4))
    assert check("ch5.average_without_padding", average)
    assert "shape (2, 3, 3), not (3, 3)" in check("ch5.average_without_padding",
                                                  average.expand(2, 3, 3)).message


def test_maxima_then_means_in_any_of_the_usual_layouts():
    def by_layers(X):  # fastai's AdaptiveConcatPool2d, on one (c, h, w) example
        return torch.cat([F.adaptive_max_pool2d(X, 1), F.adaptive_avg_pool2d(X, 1)])

    def rows(X):
        return torch.stack([X.amax(dim=(1, 2)), X.mean(dim=(1, 2))])

    def by_hand(X):
        flat = X.flatten(start_dim=1)
        return torch.cat([flat.max(dim=1).values, flat.mean(dim=1)])

    def batch_of_one(X):  # nn's layers on a batch of one: (1, 2c, 1, 1)
        return torch.cat([nn.AdaptiveMaxPool2d(1)(X[None]), nn.AdaptiveAvgPool2d(1)(X[None])], 1)

    def flat_batch(X):  # and flattened, (1, 2c)
        return batch_of_one(X).flatten(start_dim=1)

    for answer in (by_layers, rows, by_hand, batch_of_one, flat_batch):
        verdict = check("ch5.max_and_average", answer)
        assert verdict, (answer.__name__, verdict)
    assert not check("ch5.max_and_average", lambda X: X.amax(dim=(1, 2)))  # the maxima alone
    assert not check("ch5.max_and_average", lambda X: torch.cat([X.amax(dim=(1, 2))] * 2))
