"""Chapter 6's recipe exercise trains the reader's recipe; the generic exercise tests
(tests/test_exercises.py) cover its solution, forms and likely mistakes."""

import torch
from torch import nn

from helpers import check
from helpers.exercises.ch6 import D2L_RECIPE, recipe_accuracy


def test_a_recipe_is_trained_once_and_leaves_the_random_state_alone():
    state = torch.random.get_rng_state()
    relu_avg = D2L_RECIPE | {"activation": nn.ReLU, "lr": 0.1}
    verdict = check("ch6.sigmoid_recipe", relu_avg)
    assert not verdict and "try the other pooling" in verdict.message
    assert torch.equal(torch.random.get_rng_state(), state)
    hits = recipe_accuracy.cache_info().hits
    assert check("ch6.sigmoid_recipe", dict(relu_avg)).message == verdict.message
    assert recipe_accuracy.cache_info().hits == hits + 1


def test_the_form_names_what_is_wrong():
    assert "exactly the keys activation, pooling, lr, momentum" in \
        check("ch6.sigmoid_recipe", {"activation": nn.ReLU}).message
    assert "not nn.ReLU()" in check("ch6.sigmoid_recipe", D2L_RECIPE | {"activation": nn.ReLU()}
                                    ).message
    assert "momentum is 1.0; give a number from 0 to below 1" in \
        check("ch6.sigmoid_recipe", D2L_RECIPE | {"momentum": 1.0}).message
