"""Chapters 3 and 4's exercises on worked answers: the numbers the chapters derive pass,
other types of the same answer pass, each likely mistake gets its own hint, and a fraction
is told what the answer counts."""

import subprocess
import sys

import pytest
import torch

import helpers

RIGHT = [
    ("ch3.multi_in_value", 15),
    ("ch3.parameters", torch.tensor(1_216)),
    ("ch3.multiply_adds", 221_184.0),
    ("ch3.separable_weights", 9_792),
    ("ch4.parameters", 16_640),
    ("ch4.parameters", torch.tensor(16_640)),
    ("ch4.pixel_column", [-3, 10, 17]),
    ("ch4.pixel_column", torch.tensor([-3.0, 10.0, 17.0])),
    ("ch4.merge", torch.tensor([[0.0, 1.0], [1.0, 3.0]])),
    ("ch4.merge", [[0, 1], [1, 3]]),
    ("ch4.squeeze_cost", 12_443_648),
    ("ch4.pixel_rows", [[0, 4], [1, 5], [2, 6], [3, 7]]),
    ("ch4.pixel_rows", torch.arange(8.0).reshape(2, 2, 2).permute(1, 2, 0).reshape(4, 2)),
]
MISTAKES = [
    ("ch3.multiply_adds", 229_376, "leaves the bias out"),
    ("ch3.separable_weights", 204_800, "ordinary 5 x 5 layer"),
    ("ch3.separable_weights", 110_592, "groups=64"),
    ("ch3.separable_weights", 1_600, "depthwise layer alone"),
    ("ch3.separable_weights", 8_768, "3 x 3 kernels"),
    ("ch3.separable_weights", 2_336, "worked example"),
    ("ch3.separable_weights", 8_192, "1 x 1 layer alone"),
    ("ch3.separable_weights", 9_984, "count weights only"),
    ("ch4.parameters", 16_384, "weights only"),
    ("ch4.parameters", 32_768, "every pair of channels its own bias"),
    ("ch4.parameters", 16_448, "one for each of the 256 output channels"),
    ("ch4.pixel_column", [-4, 10, 18], "Add the bias"),
    ("ch4.pixel_column", [-3, 7, 14], "row 0, column 1"),
    ("ch4.pixel_column", [0, 7, 8], "not a row of one channel"),
    ("ch4.pixel_column", [-3, 10], "3 numbers, one per output channel"),
    ("ch4.merge", [[2.0, 3.0], [1.0, 1.0]], "That is A @ B"),
    ("ch4.merge", [[1.0, 3.0], [1.0, 2.0]], "do not add them"),
    ("ch4.squeeze_cost", 24_887_296, "Halve it"),
    ("ch4.squeeze_cost", 2_408_448, "the 1x1 layer alone"),
    ("ch4.squeeze_cost", 10_035_200, "the 5x5 layer alone"),
    ("ch4.squeeze_cost", 120_422_400, "without the squeeze"),
    ("ch4.squeeze_cost", 9_781_248, "not 24 x 24"),
    ("ch4.pixel_rows", [[0, 1], [2, 3], [4, 5], [6, 7]], "without permute"),
    ("ch4.pixel_rows", [[0, 1, 2, 3], [4, 5, 6, 7]], "pixels as columns"),
    ("ch4.pixel_rows", [[0, 4], [2, 6], [1, 5], [3, 7]], "column by column"),
]


@pytest.mark.parametrize(("name", "answer"), RIGHT)
def test_the_chapters_answers_pass(name, answer):
    assert helpers.check(name, answer)


@pytest.mark.parametrize(("name", "answer", "hint"), MISTAKES)
def test_likely_mistakes_get_their_own_hint(name, answer, hint):
    verdict = helpers.check(name, answer)
    assert not verdict and hint in verdict.message


def test_a_tensor_given_for_its_shape_is_told_to_give_the_shape():
    out_4 = torch.zeros(4, 100, 48)
    assert helpers.check("ch3.conv1d_shape", out_4.shape)
    assert helpers.check("ch3.conv1d_shape", torch.tensor([4, 100, 48]))  # a 1-D tensor of 3
    assert repr(helpers.check("ch3.conv1d_shape", out_4)) == (
        "Not yet. That is a tensor, not a shape: give tuple(out.shape) for a tensor out. "
        "Give 3 whole numbers, e.g. (2, 8, 10).")


def test_a_vector_of_the_wrong_shape_is_told_what_to_give():
    verdict = helpers.check("ch4.pixel_column", [[-3, 10, 17]])
    assert repr(verdict) == ("Not yet. Your answer has shape (1, 3). Give a list of 3 "
                             "numbers, e.g. [1, 2, 3].")


@pytest.mark.parametrize(("name", "unit"), [("ch3.parameters", "parameters"),
                                            ("ch3.multiply_adds", "multiply-adds"),
                                            ("ch3.separable_weights", "weights"),
                                            ("ch4.parameters", "parameters"),
                                            ("ch4.squeeze_cost", "multiply-adds")])
def test_a_fraction_is_told_what_the_answer_counts(name, unit):
    message = helpers.check(name, 1216.5).message
    assert f"1216.5, which is not a whole number; {unit} are counted in whole numbers." in message


def test_an_output_value_is_no_count():
    message = helpers.check("ch3.multi_in_value", 15.5).message
    assert "15.5, which is not a whole number. Give a whole number" in message


def test_the_squeeze_mistakes_are_counted_as_pytorch_counts():
    """ch4's mistakes are counted by the formula at import; FlopCounterMode agrees."""
    from helpers.exercises import ch4

    layer_sets = [(ch4._squeeze(), {}), (ch4._squeeze()[:1], {}),
                  (ch4._squeeze()[1:], {"c_in": ch4.SQUEEZED}),
                  (ch4._squeeze(padding=0), {}),
                  ((torch.nn.Conv2d(ch4.C_IN, ch4.C_OUT, 5, padding=2, device="meta"),), {})]
    for layers, kwargs in layer_sets:
        assert ch4._by_formula(*layers, **kwargs) == ch4._multiply_adds(*layers, **kwargs)


def test_importing_helpers_leaves_pytorch_compiler_unloaded():
    """FlopCounterMode loads torch._dynamo (36 MB and 0.5 s here): only a chapter that
    counts with it should pay that, not every kernel that imports helpers."""
    code = "import sys, helpers; print('torch._dynamo' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
