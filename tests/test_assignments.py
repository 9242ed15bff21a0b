"""The graded assignments (`make assignments`, tools/build_assignments.py).

nbgrader releases every chapter and autogrades three kinds of submission in one run: each
chapter with all its solutions (full marks: every exercise's conversion works, from the
worked solution to the cells it needs), and for the first chapter the released notebook
as it is (0) and the solutions with one likely mistake (that exercise 0, and its hint in
the feedback). Blank and wrong submissions take the same path in every chapter, so one
chapter shows it; each autograded notebook costs a kernel and about 10 s."""

import csv
import html
import os
import re
import subprocess
import sys
from pathlib import Path

import build_assignments
import nbformat
import pytest
from build_handout import handout

from helpers.exercises import EXERCISES, check

ROOT = Path(__file__).parent.parent
NOTEBOOKS = sorted(ROOT.glob("notebooks/*.ipynb"))
SUBMISSIONS = {"solutions": NOTEBOOKS, "blank": NOTEBOOKS[:1], "wrong": NOTEBOOKS[:1]}
REGION = re.compile(f"{build_assignments.BEGIN}\n.*?{build_assignments.END}\n", re.S)


def exercises(path: Path) -> list[tuple[str, str]]:
    """(name, answer) of each exercise of a chapter, in order."""
    return [e for e in map(build_assignments.exercise_of, nbformat.read(path, 4).cells) if e]


def nbgrader(course: Path, *args: str) -> None:
    """Run nbgrader in the course folder, with .venv's commands first (it calls alembic)."""
    env = os.environ | {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def with_mistake(source, name: str, answer: str):
    """The solutions, with the first likely mistake of exercise `name` as its answer."""
    nb = nbformat.from_dict(source)
    [cell] = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") ==
              build_assignments.cell_id(name, "answer")]
    mistake = f'{answer} = helpers.exercises.EXERCISES["{name}"].mistakes[0].example\n'
    cell.source = REGION.sub(lambda _: mistake, cell.source)
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The course, released, with the submissions autograded, feedback for the wrong one
    and the grades exported to grades.csv."""
    pytest.importorskip("nbgrader", reason="nbgrader is the teach extra")
    course = tmp_path_factory.mktemp("course")
    build_assignments.write_course(course, NOTEBOOKS)
    nbgrader(course, "generate_assignment", "*")
    for student, paths in SUBMISSIONS.items():
        for path in paths:
            folder = "release" if student == "blank" else "source"
            nb = nbformat.read(course / folder / path.stem / path.name, 4)
            if student == "wrong":
                nb = with_mistake(nb, *exercises(path)[0])
            target = course / "submitted" / student / path.stem / path.name
            target.parent.mkdir(parents=True)
            nbformat.write(nb, target)
    nbgrader(course, "autograde", "*")
    nbgrader(course, "generate_feedback", "*", "--student=wrong")
    nbgrader(course, "export", "--to=grades.csv")
    return course


def test_the_released_cell_is_the_books_exercise_cell(course):
    for path in NOTEBOOKS:
        book = {e: c.source for c in nbformat.read(path, 4).cells
                if (e := build_assignments.exercise_of(c))}
        released = nbformat.read(course / "release" / path.stem / path.name, 4)
        assert "widgets" not in released.metadata
        answers = {build_assignments.exercise_of(c): c.source for c in released.cells
                   if c.metadata.get("nbgrader", {}).get("solution")}
        assert answers.keys() == book.keys(), path.name
        for exercise, source in book.items():
            lines = source.splitlines()
            at = next(i for i, line in enumerate(lines) if "helpers.check(" in line)
            assert answers[exercise].splitlines() == lines[:at] + [""] + lines[at:]


def test_scores_full_zero_and_one_wrong(course):
    with open(course / "grades.csv", newline="") as file:
        scores = {(r["student_id"], r["assignment"]): (float(r["score"]), float(r["max_score"]))
                  for r in csv.DictReader(file)}
    wanted = {}
    for student, paths in SUBMISSIONS.items():
        for path in paths:
            count = len(exercises(path))
            got = {"solutions": count, "blank": 0, "wrong": count - 1}[student]
            wanted[student, path.stem] = (got, count)
    assert {key: scores[key] for key in wanted} == wanted


def test_the_wrong_exercise_scores_0_with_its_hint_in_the_feedback(course):
    from nbgrader.api import Gradebook

    [path] = SUBMISSIONS["wrong"]
    names = [name for name, _ in exercises(path)]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        grades = {n: gradebook.find_grade(build_assignments.cell_id(n, "grade"), path.stem,
                                          path.stem, "wrong").score for n in names}
    assert grades == {n: int(n != names[0]) for n in names}
    feedback = (course / "feedback" / "wrong" / path.stem / path.name).with_suffix(".html")
    text = html.unescape(re.sub(r"<[^>]+>", "", feedback.read_text()))
    hint = check(names[0], EXERCISES[names[0]].mistakes[0].example).message
    assert f"AssertionError: {hint}" in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_full_text_keeps_the_chapter_without_its_solutions(path):
    """--full: every cell of the chapter but the worked solutions, each exercise as its
    solution cell and grade cell, no outputs and no widget state."""
    book = nbformat.read(path, 4)
    full = build_assignments.assignment(book, full=True)
    graded = [c.metadata["nbgrader"] for c in full.cells if "nbgrader" in c.metadata]
    names = [name for name, _ in exercises(path)]
    assert [g["grade_id"] for g in graded] == [build_assignments.cell_id(n, role)
                                               for n in names for role in ("answer", "grade")]
    assert sum(g.get("points", 0) for g in graded) == len(names)
    text = [c.source for c in handout(book).cells if not build_assignments.exercise_of(c)]
    assert [c.source for c in full.cells if "nbgrader" not in c.metadata] == text
    assert "widgets" not in full.metadata
    assert not any(c.get("outputs") for c in full.cells if c.cell_type == "code")
