"""Chapter 3's exercises on worked answers: a fraction is told what the answer counts."""

import pytest

import helpers


@pytest.mark.parametrize(("name", "unit"), [("ch3.parameters", "parameters"),
                                            ("ch3.multiply_adds", "multiply-adds"),
                                            ("ch3.separable_weights", "weights")])
def test_a_fraction_is_told_what_the_answer_counts(name, unit):
    message = helpers.check(name, 1216.5).message
    assert f"1216.5, which is not a whole number; {unit} are counted in whole numbers." in message


def test_an_output_value_is_no_count():
    message = helpers.check("ch3.multi_in_value", 15.5).message
    assert "15.5, which is not a whole number. Give a whole number" in message
