"""Graded assignments: an nbgrader course folder from the chapters (`make assignments`).

    python tools/build_assignments.py [--full] OUT_DIR NOTEBOOK ...

writes OUT_DIR/nbgrader_config.py and OUT_DIR/source/<chapter>/<chapter>.ipynb, one
assignment per chapter. An exercise is a code cell that calls `helpers.check("chN.name",
answer)`; its worked solution is the Python block of the folded cell (tagged `solution`)
that makes the same call. Each exercise becomes two cells:

- a solution cell: the exercise cell as the book has it, with the worked solution
  between `### BEGIN SOLUTION` and `### END SOLUTION` just before its check, so that
  nbgrader releases the book's own cell (with an empty line where the solution was);
- a locked grade cell worth one point, which runs the same check and fails with the
  check's hint when the answer is not right.

By default an assignment holds the chapter's exercises and the code cells before them
that they need (its imports, the functions and tensors its exercises or their solutions
use, and what those need in turn). With --full it holds the whole chapter, the worked
solutions left out as in the handout. Widget state is left out either way.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import re
import symtable
from pathlib import Path

import nbformat
from build_handout import handout, heading_level, is_solution
from IPython.core.inputtransformer2 import TransformerManager

CONFIG = '''\
"""nbgrader's settings for the book's assignments (written by `make assignments`)."""

c = get_config()  # noqa: F821 (nbgrader defines it)
c.CourseDirectory.course_id = "convolution-layers-book"
# A released exercise cell is the book's: the solution region leaves an empty line.
c.ClearSolutions.code_stub = {"python": ""}
'''
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.M | re.S)
BUILTINS = set(dir(builtins))


def python(source: str) -> str:
    """A cell's source as plain Python (IPython's % and ! lines translated)."""
    return TransformerManager().transform_cell(source)


def check_calls(tree: ast.AST) -> list[ast.Call]:
    """The calls `helpers.check("name", answer)` in a parsed cell, in order."""
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute) and node.func.attr == "check"
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "helpers"
            and len(node.args) == 2 and isinstance(node.args[0], ast.Constant)]


def exercise_of(cell) -> tuple[str, str] | None:
    """(name, answer) for an exercise cell, such as ("ch1.output_shape", "shape_2")."""
    if cell.cell_type != "code" or is_solution(cell):
        return None
    source = python(cell.source)
    calls = check_calls(ast.parse(source))
    if not calls:
        return None
    if len(calls) > 1:
        raise ValueError(f"an exercise cell checks {len(calls)} answers:\n{cell.source}")
    return calls[0].args[0].value, ast.get_source_segment(source, calls[0].args[1])


def worked_solutions(nb) -> dict[str, tuple[str, str]]:
    """Each exercise's worked solution: the code of its Python blocks without the check,
    and the answer it checks (an expression), such as ("K1 = ...", "K1")."""
    solutions = {}
    for cell in nb.cells:
        if not (cell.cell_type == "markdown" and is_solution(cell)):
            continue
        code = "\n".join(block.rstrip("\n") for block in PYTHON_BLOCK.findall(cell.source))
        lines, tree = code.splitlines(), ast.parse(python(code))
        for call in check_calls(tree):
            statement = next(s for s in tree.body if call in ast.walk(s))
            kept = lines[:statement.lineno - 1] + lines[statement.end_lineno:]
            solutions[call.args[0].value] = ("\n".join(kept).strip("\n"),
                                             ast.get_source_segment(code, call.args[1]))
    return solutions


def solution_cell(cell, name: str, answer: str, solution: tuple[str, str]):
    """The exercise cell with its worked solution in a solution region before the check."""
    code, checked = solution
    lines = cell.source.splitlines()
    at = next(i for i, line in enumerate(lines) if "helpers.check(" in line)
    region = [BEGIN, *code.splitlines(), *([f"{answer} = {checked}"] if checked != answer
                                          else []), END]
    return new_cell("\n".join(lines[:at] + region + lines[at:]), cell_id(name, "answer"),
                    solution=True)


def grade_cell(name: str, answer: str):
    """A locked cell worth one point: it raises, with the check's hint, unless right."""
    source = f'verdict = helpers.check("{name}", {answer})\nassert verdict, verdict.message'
    return new_cell(source, cell_id(name, "grade"), grade=True, points=1)


def new_cell(source: str, grade_id: str, solution: bool = False, grade: bool = False,
             points: int = 0):
    """A code cell with nbgrader's metadata; a cell that is not a solution is locked."""
    meta = {"grade_id": grade_id, "solution": solution, "grade": grade,
            "locked": not solution, "task": False, "schema_version": 3}
    cell = nbformat.v4.new_code_cell(source, metadata={
        "nbgrader": meta | ({"points": points} if grade else {})})
    cell.id = grade_id
    return cell


def cell_id(name: str, role: str) -> str:
    """An nbgrader grade_id, of letters, digits, - and _: "ch1-output_shape-grade"."""
    return f"{name.replace('.', '-')}-{role}"


def global_names(source: str) -> tuple[set[str], set[str]]:
    """(names a cell reads before binding them, names it binds), at the module level."""
    reads, binds = set(), set()
    for statement in ast.parse(python(source)).body:
        table = symtable.symtable(ast.unparse(statement), "cell", "exec")
        reads |= {n for n in used_globals(table) if n not in binds}
        binds |= {s.get_name() for s in table.get_symbols() if s.is_assigned()
                  or s.is_imported() or s.is_namespace()}
    return reads - BUILTINS, binds


def used_globals(table: symtable.SymbolTable) -> set[str]:
    """The module-level names a statement's table reads, in any scope nested in it."""
    names = {s.get_name() for s in table.get_symbols()
             if s.is_referenced() and (table.get_type() == "module" or s.is_global())}
    for child in table.get_children():
        names |= used_globals(child)
    return names


def needed_cells(cells: list, reads: set[str]) -> list[int]:
    """Indexes of the code cells among `cells` that bind what `reads` names, and of those
    their own reads need, each name from the last cell that binds it."""
    names = [global_names(c.source) if c.cell_type == "code" else (set(), set()) for c in cells]
    wanted, chosen = [(len(cells), n) for n in reads], set()
    while wanted:
        before, name = wanted.pop()
        at = next((i for i in range(before - 1, -1, -1) if name in names[i][1]), None)
        if at is not None and at not in chosen:
            chosen.add(at)
            wanted += [(at, n) for n in names[at][0]]
    return sorted(chosen)


def exercises_section(cells: list) -> tuple[int, int]:
    """The start and end of the chapter's "## Exercises" section."""
    start = next(i for i, c in enumerate(cells)
                 if heading_level(c) and c.source.lstrip("# ").startswith("Exercises"))
    level = heading_level(cells[start])
    end = next((i for i in range(start + 1, len(cells))
                if 0 < heading_level(cells[i]) <= level), len(cells))
    return start, end


def reads_in_order(cells: list) -> set[str]:
    """The names the code cells read that none of them bound before."""
    reads, bound = set(), set()
    for cell in cells:
        if cell.cell_type == "code":
            cell_reads, cell_binds = global_names(cell.source)
            reads |= cell_reads - bound
            bound |= cell_binds
    return reads


def converted(cell, solutions: dict) -> list:
    """A chapter's cell as the assignment has it: an exercise as its solution and grade
    cells, any other cell as it is, without outputs."""
    exercise = exercise_of(cell)
    if exercise is None:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        return [cell]
    name, answer = exercise
    if name not in solutions:
        raise ValueError(f"exercise {name!r} has no worked solution that checks it")
    return [solution_cell(cell, name, answer, solutions[name]), grade_cell(name, answer)]


def assignment(nb, full: bool = False):
    """The chapter `nb` as an nbgrader source notebook (see the module's docstring)."""
    solutions = worked_solutions(nb)
    cells = [new for cell in handout(nb).cells for new in converted(cell, solutions)]
    if not full:
        start, end = exercises_section(cells)
        needed = needed_cells(cells[:start], reads_in_order(cells[start:end]))
        cells = [cells[0], *(cells[i] for i in needed), *cells[start:end]]
    metadata = {k: v for k, v in nb.metadata.items() if k != "widgets"}
    return nbformat.v4.new_notebook(cells=cells, metadata=metadata)


def write_course(out: Path, notebooks: list[Path], full: bool = False) -> list[Path]:
    """The course folder: its nbgrader_config.py and one source assignment per chapter."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(CONFIG)
    written = []
    for path in notebooks:
        target = out / "source" / path.stem / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(assignment(nbformat.read(path, as_version=4), full), target)
        written.append(target)
    return written


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true",
                        help="the whole chapter, not only its exercises and what they need")
    parser.add_argument("out", type=Path)
    parser.add_argument("notebooks", type=Path, nargs="+")
    args = parser.parse_args(argv)
    for path in write_course(args.out, args.notebooks, args.full):
        print(path)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
