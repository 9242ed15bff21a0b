"""Chapter 4's exercises on worked answers: the numbers the chapter derives pass, other
types of the same answer pass, and each likely mistake gets its own hint."""

import pytest
import torch

import helpers

RIGHT = [
    ("ch4.parameters", 16_640),
    ("ch4.parameters", torch.tensor(16_640)),
    ("ch4.pixel_column", [-3, 10, 17]),
    ("ch4.pixel_column", torch.tensor([-3.0, 10.0, 17.0])),
    ("ch4.merge", torch.tensor([[0.0, 1.0], [1.0, 3.0]])),
    ("ch4.merge", [[0, 1], [1, 3]]),
    ("ch4.reduction_cost", 51_380_224),
]
MISTAKES = [
    ("ch4.parameters", 16_384, "weights only"),
    ("ch4.parameters", 32_768, "every pair of channels its own bias"),
    ("ch4.parameters", 16_448, "one for each of the 256 output channels"),
    ("ch4.pixel_column", [-4, 10, 18], "Add the bias"),
    ("ch4.pixel_column", [-3, 7, 14], "row 0, column 1"),
    ("ch4.pixel_column", [0, 7, 8], "not a row of one channel"),
    ("ch4.pixel_column", [-3, 10], "3 numbers, one per output channel"),
    ("ch4.merge", [[2.0, 3.0], [1.0, 1.0]], "That is A @ B"),
    ("ch4.merge", [[1.0, 3.0], [1.0, 2.0]], "do not add them"),
    ("ch4.reduction_cost", 102_760_448, "Halve it"),
    ("ch4.reduction_cost", 16_384, "cost of one pixel"),
    ("ch4.reduction_cost", 462_422_016, "not 9"),
]


@pytest.mark.parametrize(("name", "answer"), RIGHT)
def test_the_chapters_answers_pass(name, answer):
    assert helpers.check(name, answer)


@pytest.mark.parametrize(("name", "answer", "hint"), MISTAKES)
def test_likely_mistakes_get_their_own_hint(name, answer, hint):
    verdict = helpers.check(name, answer)
    assert not verdict and hint in verdict.message


def test_a_fraction_is_told_what_the_answer_counts():
    assert "multiply-adds are counted in whole numbers" in helpers.check("ch4.reduction_cost",
                                                                         51_380_224.5).message
    assert "parameters are counted" in helpers.check("ch4.parameters", 16_640.5).message


def test_a_vector_of_the_wrong_shape_is_told_what_to_give():
    verdict = helpers.check("ch4.pixel_column", [[-3, 10, 17]])
    assert repr(verdict) == ("Not yet. Your answer has shape (1, 3). Give a list of 3 "
                             "numbers, e.g. [1, 2, 3].")
