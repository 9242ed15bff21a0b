"""Chapter 3's exercises on worked answers: the numbers the chapter derives pass, other
types of the same answer pass, each likely mistake gets its own hint, and a fraction is
told what the answer counts."""

import pytest
import torch

import helpers

RIGHT = [
    ("ch3.multi_in_value", 15),
    ("ch3.parameters", torch.tensor(1_216)),
    ("ch3.multiply_adds", 221_184.0),
    ("ch3.separable_weights", 9_792),
]
MISTAKES = [
    ("ch3.separable_weights", 204_800, "ordinary 5 x 5 layer"),
    ("ch3.separable_weights", 110_592, "groups=64"),
    ("ch3.separable_weights", 1_600, "depthwise layer alone"),
    ("ch3.separable_weights", 8_768, "3 x 3 kernels"),
    ("ch3.separable_weights", 2_336, "worked example"),
]


@pytest.mark.parametrize(("name", "answer"), RIGHT)
def test_the_chapters_answers_pass(name, answer):
    assert helpers.check(name, answer)


@pytest.mark.parametrize(("name", "answer", "hint"), MISTAKES)
def test_likely_mistakes_get_their_own_hint(name, answer, hint):
    verdict = helpers.check(name, answer)
    assert not verdict and hint in verdict.message


@pytest.mark.parametrize(("name", "unit"), [("ch3.parameters", "parameters"),
                                            ("ch3.multiply_adds", "multiply-adds"),
                                            ("ch3.separable_weights", "weights")])
def test_a_fraction_is_told_what_the_answer_counts(name, unit):
    message = helpers.check(name, 1216.5).message
    assert f"1216.5, which is not a whole number; {unit} are counted in whole numbers." in message


def test_an_output_value_is_no_count():
    message = helpers.check("ch3.multi_in_value", 15.5).message
    assert "15.5, which is not a whole number. Give a whole number" in message
