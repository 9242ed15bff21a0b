"""The project's set-up files agree with each other and with what CI runs."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).parent.parent
CONDA_NAMES = {"torch": "pytorch"}


def pinned(requirement: str) -> tuple[str, str]:
    name, version = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^;\s]+)", requirement).groups()
    return CONDA_NAMES.get(name.lower(), name.lower()), version


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["test"]
    wanted = dict(pinned(r) for r in requirements)
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            name, _, version = dep.partition("=")
            conda[name.lower()] = version
    conda.pop("pip")
    python = conda.pop("python")
    assert conda == wanted
    assert project["requires-python"] == f">={python}"
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section
    browser_test = dict(pinned(r) for r in project["optional-dependencies"]["e2e"])
    assert dict(pinned(r) for r in pip_section if "==" in r) == browser_test


def test_readme_gives_the_commands_and_every_chapter():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme and "make e2e" in readme
    for notebook in ROOT.glob("notebooks/*.ipynb"):
        assert notebook.name in readme, f"README's chapter list lacks {notebook.name}"


def test_ci_runs_the_unit_tests_then_the_browser_test():
    ci = (ROOT / ".ci" / "run").read_text()
    commands = re.findall(r"^\s*make (\w+)", ci, re.M)
    assert commands == ["test", "e2e"]
    assert "apt-get install -y" in ci and "chromium" in ci
