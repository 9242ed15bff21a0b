"""The functions a chapter teaches stay in step with the helpers the widgets use.

A code cell whose first line is `#| teaches: helpers.NAME` defines a reader's
version of `helpers.NAME` (NAME may be dotted: `helpers.digits.lenet`). Each
function defined in such a cell must give the same results as the library on the
same (random and worked) inputs, both called with the same random state.
"""

import ast
import functools
import re
from pathlib import Path

import nbformat
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import helpers

NOTEBOOKS = sorted(Path(__file__).parent.parent.glob("notebooks/*.ipynb"))
MARK = re.compile(r"\A#\| teaches: helpers\.([\w.]+)\s*$", re.M)


def _corr2d_inputs():
    g = torch.Generator().manual_seed(0)
    yield torch.arange(9.0).reshape(3, 3), torch.arange(4.0).reshape(2, 2)
    for n_h, n_w, k_h, k_w in [(1, 1, 1, 1), (6, 8, 1, 2), (5, 4, 3, 2), (7, 7, 7, 1)]:
        yield torch.randn(n_h, n_w, generator=g), torch.randn(k_h, k_w, generator=g)


def _conv_matrix_inputs():
    for X, K in _corr2d_inputs():
        yield tuple(X.shape), K


def _pool2d_inputs():
    g = torch.Generator().manual_seed(0)
    yield torch.arange(9.0).reshape(3, 3), (2, 2)
    yield torch.arange(9.0).reshape(3, 3), (2, 2), "avg"
    for n_h, n_w, k_h, k_w in [(1, 1, 1, 1), (5, 4, 3, 2), (6, 6, 1, 6)]:
        X = torch.randn(n_h, n_w, generator=g)
        yield X, (k_h, k_w)
        yield X, (k_h, k_w), "avg"


def _train_inputs():
    """Fresh, identically initialised networks and a small two-class problem."""
    g = torch.Generator().manual_seed(0)
    for activation, pooling in [(nn.ReLU, nn.MaxPool2d), (nn.Sigmoid, nn.AvgPool2d)]:
        with torch.random.fork_rng():
            torch.manual_seed(0)
            net = helpers.digits.lenet(activation, pooling)
        X = torch.randn(64, 1, 8, 8, generator=g)
        yield net, X, (X.mean((1, 2, 3)) > 0).long()


def _lenet_inputs():
    yield ()  # the chapter's network: ReLU and max pooling, no choices


def _accuracy_inputs():
    """A classifier of 8 x 8 pictures, pictures, and labels it gets all, none or some right."""
    g = torch.Generator().manual_seed(0)
    for n in (1, 40):
        net = nn.Sequential(nn.Flatten(), nn.Linear(64, 10))
        with torch.no_grad():
            for weight in net.parameters():
                weight.copy_(torch.randn(weight.shape, generator=g))
        X = torch.randn(n, 1, 8, 8, generator=g)
        with torch.no_grad():
            right = net(X).argmax(1)
        some = torch.where(torch.arange(n) % 3 == 0, (right + 1) % 10, right)
        for y in (right, (right + 1) % 10, some):
            yield net, X, y


def _split_inputs():
    g = torch.Generator().manual_seed(0)
    yield helpers.load_digits()[1], 0.25
    yield torch.randint(0, 3, (50,), generator=g), 0.4
    yield torch.tensor([5, 5, 1, 5, 1, 1, 1, 7]), 0.5


def _multi_in_inputs():
    g = torch.Generator().manual_seed(0)
    yield (torch.stack((torch.arange(9.0).reshape(3, 3), torch.arange(1.0, 10).reshape(3, 3))),
           torch.stack((torch.arange(4.0).reshape(2, 2), torch.arange(1.0, 5).reshape(2, 2))))
    for c_i, h, w, k_h, k_w in [(1, 1, 1, 1, 1), (3, 5, 4, 3, 2), (4, 6, 6, 1, 6)]:
        yield torch.randn(c_i, h, w, generator=g), torch.randn(c_i, k_h, k_w, generator=g)


def _multi_in_out_inputs():
    g = torch.Generator().manual_seed(1)
    for X, K in _multi_in_inputs():
        yield X, torch.stack((K, K + 1, torch.randn(K.shape, generator=g)))


def _corr3d_inputs():
    g = torch.Generator().manual_seed(0)
    yield torch.arange(27.0).reshape(3, 3, 3), torch.ones(2, 2, 2)
    for d, h, w, k_d, k_h, k_w in [(1, 1, 1, 1, 1, 1), (4, 5, 3, 2, 3, 1), (5, 4, 6, 5, 2, 2)]:
        yield torch.randn(d, h, w, generator=g), torch.randn(k_d, k_h, k_w, generator=g)


def _conv1x1_inputs():
    g = torch.Generator().manual_seed(0)
    yield torch.arange(12.0).reshape(3, 2, 2), torch.arange(12.0).reshape(4, 3, 1, 1)
    for c_i, c_o, h, w in [(1, 1, 1, 1), (3, 2, 3, 3), (4, 5, 2, 7)]:
        yield torch.randn(c_i, h, w, generator=g), torch.randn(c_o, c_i, 1, 1, generator=g)


# For each helpers function a chapter teaches: a function giving argument tuples to call
# both versions with (called once for each version, so arguments may be changed in place).
INPUTS = {"corr2d": _corr2d_inputs, "conv_matrix": _conv_matrix_inputs, "pool2d": _pool2d_inputs,
          "train": _train_inputs, "stratified_split": _split_inputs,
          "corr2d_multi_in_out_1x1": _conv1x1_inputs, "corr2d_multi_in": _multi_in_inputs,
          "corr2d_multi_in_out": _multi_in_out_inputs, "corr3d": _corr3d_inputs,
          "digits.lenet": _lenet_inputs,
          "accuracy": _accuracy_inputs}


def teaching_cells():
    for path in NOTEBOOKS:
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            match = MARK.match(cell.source) if cell.cell_type == "code" else None
            if match:
                yield pytest.param(cell.source, match.group(1), id=f"{path.stem}-cell{index}")


def defined_functions(source: str) -> dict:
    """Run only the imports and function definitions of a cell; return the functions.

    A cell may call what an earlier cell taught (`corr2d`, say): the library's version
    stands in for it, which the earlier cell's own test holds equal.
    """
    tree = ast.parse(source)
    keep = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.Import, ast.ImportFrom))]
    namespace = {name: getattr(helpers, name) for name in helpers.__all__}
    namespace.update({"torch": torch, "nn": nn, "F": F, "helpers": helpers})
    exec(compile(ast.Module(keep, type_ignores=[]), "<notebook cell>", "exec"), namespace)
    return {n.name: namespace[n.name] for n in keep if isinstance(n, ast.FunctionDef)}


def test_every_taught_function_has_inputs_and_every_input_a_taught_function():
    cells = list(teaching_cells())
    assert {p.values[1] for p in cells} >= {"corr2d"}
    assert {p.values[1] for p in cells} == set(INPUTS)
    assert "corr2d" in {p.values[1] for p in cells if p.id.startswith("01_")}


def seeded(function, args):
    """`function(*args)` with the global random state seeded, as a chapter's cell may be."""
    with torch.random.fork_rng():
        torch.manual_seed(0)
        return function(*args)


def assert_same(got, expected, name):
    """Tensors of one shape and (nearly, for floats) the same values; numbers nearly equal;
    networks with the same layers, the same weights and the same output."""
    if isinstance(expected, nn.Module):
        assert isinstance(got, nn.Module) and repr(got) == repr(expected), name
        mine, theirs = got.state_dict(), expected.state_dict()
        assert list(mine) == list(theirs), name
        assert all(torch.equal(mine[key], theirs[key]) for key in theirs), name
        x = torch.randn(5, 1, 8, 8, generator=torch.Generator().manual_seed(0))
        with torch.no_grad():
            assert torch.equal(got(x), expected(x)), name
        return
    if not isinstance(expected, torch.Tensor):
        assert isinstance(got, float) and isinstance(expected, float), name
        assert got == pytest.approx(expected, abs=1e-6), name
        return
    assert got.shape == expected.shape, name
    if got.is_floating_point():
        assert torch.allclose(got, expected, atol=1e-5), name
    else:
        assert torch.equal(got, expected), name


@pytest.mark.parametrize(("source", "target"), list(teaching_cells()))
def test_notebook_function_agrees_with_helpers(source, target):
    assert target in INPUTS, f"add inputs for helpers.{target} to INPUTS in this file"
    functions = defined_functions(source)
    assert functions, "a '#| teaches:' cell must define a function"
    library = functools.reduce(getattr, target.split("."), helpers)
    for name, function in functions.items():
        for args, same_args in zip(INPUTS[target](), INPUTS[target](), strict=True):
            expected = seeded(library, args)
            got = seeded(function, same_args)
            assert_same(got, expected, name)
