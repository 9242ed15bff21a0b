"""Every exercise of every chapter: its solution passes, its likely mistakes get their own
hints, and answers of the wrong form are "Not yet" with a hint about the form."""

import re
from pathlib import Path

import pytest
import torch

import helpers
from helpers.exercises import EXERCISES, Exercise, Mistake, Verdict, check, register
from helpers.exercises.forms import WholeNumber

NAMES = sorted(EXERCISES)


def test_every_chapter_so_far_has_exercises():
    """Exercise `chN.name` belongs to the notebook numbered N (notebooks/0N_*.ipynb): each
    notebook has exercises, and each chapter with exercises is a notebook."""
    notebooks = (Path(__file__).parent.parent / "notebooks").glob("*.ipynb")
    chapters = {f"ch{int(path.name[:2])}" for path in notebooks}
    assert {name.split(".")[0] for name in NAMES} >= {"ch1", "ch2"}
    assert {name.split(".")[0] for name in NAMES} == chapters


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_is_correct(name):
    verdict = check(name, EXERCISES[name].solution())
    assert verdict.passed and repr(verdict).startswith("Correct. "), repr(verdict)


@pytest.mark.parametrize("name", NAMES)
def test_none_asks_for_an_answer(name):
    assert repr(check(name, None)) == ("Not yet. Replace None with your answer and run the "
                                       "cell again.")


@pytest.mark.parametrize("name", NAMES)
def test_answers_of_the_wrong_form_are_not_yet(name):
    form = EXERCISES[name].form
    assert form.wrong, "each form lists answers of the wrong form"
    for answer in form.wrong:
        verdict = check(name, answer)
        assert not verdict, (answer, verdict)
        assert verdict.message.endswith(f"Give {form.description}."), (answer, verdict)


@pytest.mark.parametrize("name", NAMES)
def test_each_likely_mistake_gets_its_own_hint(name):
    exercise = EXERCISES[name]
    assert len(exercise.mistakes) >= 2, "recognise the two or three likeliest wrong answers"
    hints = [m.hint for m in exercise.mistakes] + [exercise.hint]
    assert len(set(hints)) == len(hints)
    for mistake in exercise.mistakes:
        verdict = check(name, mistake.example)
        assert not verdict and verdict.message == mistake.hint, (mistake.example, verdict)


@pytest.mark.parametrize(("name", "answer"), [
    ("ch1.output_shape", "54"),
    ("ch1.output_shape", (5.9, 4.2)),
    ("ch1.output_shape", (5, 4, 0)),
    ("ch1.field_of_three", 49.7),
    ("ch1.field_of_three", "49"),
    ("ch1.horizontal_edges", "[[1], [-1]]"),
    ("ch1.second_difference", [1.0, -2.0, 1.0]),
])
def test_answers_that_used_to_pass(name, answer):
    assert not check(name, answer)


def test_equivalent_right_answers_pass():
    assert check("ch1.output_shape", [5, 4]) and check("ch1.output_shape", torch.Size([5, 4]))
    assert check("ch1.output_shape", (5.0, 4.0))  # whole, though written as floats
    assert check("ch1.field_of_three", torch.tensor(49))
    assert check("ch1.second_difference", [[1, -2, 1]])  # integers
    assert check("ch1.horizontal_edges", torch.tensor([[1.0], [-1.0]], dtype=torch.float64))


def test_hints_name_the_form_that_is_wanted():
    assert repr(check("ch1.output_shape", "54")) == (
        "Not yet. Your answer is text ('54'); write a pair of numbers without quotes. "
        "Give a pair of whole numbers, e.g. (3, 4).")
    fraction = check("ch1.output_shape", (5.9, 4.2)).message
    assert "first value is 5.9, which is not a whole number" in fraction
    assert "has 3 values; give exactly two" in check("ch1.output_shape", (5, 4, 1)).message
    assert ": [[1.0, -2.0, 1.0]] is one row, [[1.0], [-2.0], [1.0]] one column" in \
        check("ch1.second_difference", [1.0, -2.0, 1.0]).message
    # both orientations, so that the hint does not choose the answer's for the reader
    assert "[[1.0, -1.0]] is one row, [[1.0], [-1.0]] one column" in \
        check("ch1.horizontal_edges", [1.0, -1.0]).message


def test_a_count_of_one_and_a_short_row_are_named():
    assert "Your answer has 1 value; give exactly two." in check("ch5.ceil_shape", (3,)).message
    ragged = check("ch5.max_gradient", [[0, 2, 0], [0, 0, 0], [0, 2]]).message
    assert "is not a grid: row 3 has 2 numbers, the others 3." in ragged
    assert "rows have 1, 2 and 3 numbers" in check("ch5.max_gradient", [[1], [1, 2], [1, 2, 3]]
                                                   ).message
    assert "is not made of numbers" in check("ch5.max_gradient", [[0, "a"], [0, 1]]).message


def test_an_unrecognised_wrong_answer_gets_the_general_hint():
    assert check("ch1.field_of_three", 50).message == EXERCISES["ch1.field_of_three"].hint
    assert check("ch1.output_shape", (9, 9)).message == EXERCISES["ch1.output_shape"].hint


def test_verdict_text_and_look():
    right, wrong = Verdict(True, "Well done."), Verdict(False, "Try <again>.")
    assert repr(right) == "Correct. Well done." and repr(wrong) == "Not yet. Try <again>."
    assert bool(right) and not bool(wrong)
    page = wrong._repr_html_()
    assert 'role="status"' in page and "Try &lt;again&gt;." in page
    assert re.search(r'<span aria-hidden="true"[^>]*>\u2718</span><b>Not yet\.</b>', page)
    assert "\u2714" in right._repr_html_() and "#009E73" in right._repr_html_()
    assert "var(--jp-content-font-color1" in page  # text follows the theme


def test_a_chapter_registers_an_exercise_once():
    exercise = Exercise("ch1.field_of_three", WholeNumber(), lambda: 1, lambda n: n == 1,
                        "yes", "no", (Mistake(2, "two"),))
    with pytest.raises(ValueError, match="exists already"):
        register(exercise)
    assert helpers.check is check
