"""The project's set-up files agree with each other and with what CI runs."""

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import execute_notebooks  # noqa: E402

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


def setup_commands() -> list[list[str]]:
    """The commands `make setup` runs in a fresh clone, as the shell would split them."""
    out = subprocess.run(["make", "-n", "-B", "setup"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return [shlex.split(line) for line in out.replace("\\\n", " ").splitlines() if line]


def test_notebooks_store_the_kernel_make_setup_installs():
    [install] = [c for c in setup_commands() if c[1:4] == ["-m", "ipykernel", "install"]]
    name = install[install.index("--name") + 1]
    display_name = install[install.index("--display-name") + 1]
    assert (name, display_name) == (execute_notebooks.KERNEL_NAME,
                                    execute_notebooks.KERNEL_DISPLAY_NAME)
    for path in sorted(ROOT.glob("notebooks/*.ipynb")):
        spec = nbformat.read(path, as_version=4).metadata.kernelspec
        assert (spec.name, spec.display_name) == (name, display_name), \
            f"{path.name} asks for another kernel: run `make notebooks`"
