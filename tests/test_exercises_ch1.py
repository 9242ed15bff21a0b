"""Chapter 1's exercises on the flip and the matrix M: right answers in other forms pass,
and the likely mistakes are told what is wrong (tests/test_exercises.py covers every
exercise's solution, forms and mistakes)."""

import pytest
import torch

import helpers

K5 = torch.tensor([[1.0, 2, 3], [4, 5, 6]])


@pytest.mark.parametrize("answer", [torch.flip(K5, (0, 1)), [[6, 5, 4], [3, 2, 1]],
                                    K5.rot90(2), torch.flip(K5, (0, 1)).double()])
def test_the_turned_kernel_passes_however_it_is_written(answer):
    assert helpers.check("ch1.flip", answer)


@pytest.mark.parametrize(("answer", "hint"), [
    (K5, "That is K itself"),
    (torch.flip(K5, (0,)), "each row must be reversed too"),
    (torch.flip(K5, (1,)), "the rows must swap places too"),
    (K5.t(), "A transpose swaps rows and columns"),
    ([[6, 5], [3, 2]], "last weight of the last row"),
])
def test_a_half_turn_or_a_transpose_is_named(answer, hint):
    verdict = helpers.check("ch1.flip", answer)
    assert not verdict and hint in verdict.message


def test_the_matrix_count_is_the_one_the_matrix_holds():
    index = helpers.conv_matrix_index((5, 5), (3, 3), padding=1)
    assert int((index >= 0).sum()) == 4 * 4 + 12 * 6 + 9 * 9 == 169
    assert helpers.check("ch1.matrix_weights", int((index >= 0).sum()))
    assert helpers.check("ch1.matrix_weights", torch.tensor(169))
    for wrong, hint in [(225, "not every row holds all 9"), (81, "without padding"),
                        (625, "every entry of M"), (456, "number of zeros"),
                        (144, "Count them for a corner")]:
        verdict = helpers.check("ch1.matrix_weights", wrong)
        assert not verdict and hint.lower() in verdict.message.lower(), (wrong, verdict)
