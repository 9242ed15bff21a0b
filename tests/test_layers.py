"""The engine's layers stay one-way: ops -> steps -> frames -> widgets, each knowing nothing
of the next, and no module reaches for another's private names."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
HELPERS = ROOT / "helpers"
# what each layer may not import (module names, or their prefixes); the exercises and the
# topic helpers sit beside the layers and may use them, but never the widgets
NOT_WIDGETS = ("helpers.widgets", "ipywidgets")
FORBIDDEN = {
    "ops": ("helpers.steps", "helpers.frames", "helpers.widgets", "ipywidgets", "IPython"),
    "_args": ("helpers.steps", "helpers.frames", "helpers.widgets", "ipywidgets", "IPython"),
    "steps": ("helpers.frames", "helpers.widgets", "ipywidgets", "IPython", "matplotlib"),
    "frames": ("helpers.widgets", "ipywidgets", "IPython", "matplotlib"),
    "exercises": NOT_WIDGETS,
    **{topic: NOT_WIDGETS
       for topic in ("fields", "matrix", "pooling", "groups", "digits", "images", "timing")},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path):
    """(imported module, names taken from it) for every import statement of a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield module, tuple(alias.name for alias in node.names)


def layer_of(path: Path) -> str:
    rel = path.relative_to(HELPERS).parts
    return rel[0].removesuffix(".py")


ENGINE = sorted(p for p in HELPERS.rglob("*.py") if layer_of(p) in FORBIDDEN)


def test_the_layers_are_packages_and_every_module_has_its_rules():
    assert {p.name for p in HELPERS.iterdir() if p.is_dir() and p.name != "__pycache__"} == {
        "steps", "frames", "widgets", "exercises"}
    flat = {p.stem for p in HELPERS.glob("*.py")} - {"__init__"}
    assert flat <= set(FORBIDDEN), f"no layering rule for {sorted(flat - set(FORBIDDEN))}"


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: str(p.relative_to(HELPERS)))
def test_a_layer_imports_nothing_of_the_layers_after_it(path):
    banned = FORBIDDEN[layer_of(path)]
    wrong = [module for module, names in imports(path)
             for full in [module, *(f"{module}.{n}" for n in names)]
             if any(full == b or full.startswith(b + ".") for b in banned)]
    assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(set(wrong))}"


SOURCES = sorted(p for folder in ("helpers", "tests", "e2e", "benchmarks", "tools")
                 for p in (ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_another_modules_private_names(path):
    private = [f"{module}.{name}" for module, names in imports(path) for name in names
               if name.startswith("_") and not name.startswith("__")
               and (module.startswith("helpers") or module.startswith("."))]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):  # helpers.x._y written out
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__"):
            chain = node.value
            while isinstance(chain, ast.Attribute):
                chain = chain.value
            if isinstance(chain, ast.Name) and chain.id == "helpers":
                private.append(ast.unparse(node))
    assert not private, f"{path.relative_to(ROOT)} uses {private}"


def test_the_import_reader_resolves_relative_imports():
    found = dict(imports(HELPERS / "steps" / "conv2d.py"))
    assert "helpers.ops" in found and "helpers.steps.code" in found
