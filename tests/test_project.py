"""The project's set-up files agree with each other and with what CI runs."""

import http.server
import os
import re
import shlex
import socket
import subprocess
import threading
import time
import tomllib
from pathlib import Path

import execute_notebooks
import install
import nbformat
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
    conda, builds = {}, {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            name, _, version = dep.partition("=")
            conda[name.lower()], _, builds[name.lower()] = version.partition("=")
    assert builds.pop("pytorch") == "cpu*", "conda-forge's CPU build of pytorch"
    assert set(builds.values()) == {""}
    conda.pop("pip")
    python = conda.pop("python")
    assert conda == wanted
    assert project["requires-python"] == f">={python}"
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip_section == ["-e ."], "the browser test's packages stay out of Binder's image"


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
    assert "fonts-wqy-microhei" in ci, "a font for the glossaries' Chinese in the screenshots"
    assert "fonts-wqy-microhei" in (ROOT / "README.md").read_text()


def setup_commands(*variables: str) -> list[list[str]]:
    """The commands `make setup` runs in a fresh clone, as the shell would split them."""
    env = {k: v for k, v in os.environ.items() if k not in ("SYSTEM", "TORCH_INDEX")}
    out = subprocess.run(["make", "-n", "-B", "setup", *variables], cwd=ROOT, check=True,
                         capture_output=True, text=True, env=env).stdout
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


def book_install(*variables: str) -> list[str]:
    [command] = [c for c in setup_commands(*variables) if "tools/install.py" in c]
    return command


def test_linux_setup_takes_torch_from_the_cpu_only_index():
    on_linux = book_install("SYSTEM=Linux")
    assert on_linux[on_linux.index("--torch-index") + 1] == "https://download.pytorch.org/whl/cpu"
    assert on_linux[-2:] == ["-e", ".[test]"]
    for elsewhere in (book_install("SYSTEM=Darwin"), book_install("TORCH_INDEX=")):
        assert elsewhere[elsewhere.index("--torch-index") + 1] == ""
    mirror = book_install("TORCH_INDEX=https://mirror.example/cpu")
    assert "https://mirror.example/cpu" in mirror
    pip = install.pip_command(["--quiet", "-e", ".[test]"], "https://download.pytorch.org/whl/cpu")
    assert pip[1:] == ["-m", "pip", "install", "--quiet", "-e", ".[test]",
                       "--extra-index-url", "https://download.pytorch.org/whl/cpu"]
    assert "--extra-index-url" not in install.pip_command(["-e", "."], None)


def test_an_index_that_does_not_answer_is_skipped_at_once():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert install.answers(f"http://127.0.0.1:{server.server_port}/whl/cpu")
    finally:
        server.shutdown()
        server.server_close()
    start = time.monotonic()
    assert not install.answers(f"http://127.0.0.1:{server.server_port}/whl/cpu", timeout=2)
    assert not install.answers("https://download.invalid/whl/cpu", timeout=2)
    with socket.create_server(("127.0.0.1", 0)) as silent:  # connects, never replies
        assert not install.answers(f"http://127.0.0.1:{silent.getsockname()[1]}/", timeout=1)
    assert time.monotonic() - start < 10


def test_setup_says_which_torch_it_installed(monkeypatch):
    version = install.metadata.version("torch")
    monkeypatch.setattr(install, "cuda_packages", lambda: {})
    assert install.torch_report() == (f"torch {version} installed: no CUDA libraries came with it "
                                      "(CPU only)")
    monkeypatch.setattr(install, "cuda_packages",
                        lambda: {"triton": 6 * 10**8, "nvidia-cublas": 9 * 10**8})
    assert install.torch_report() == (f"torch {version} installed with CUDA libraries: 2 packages "
                                      "(nvidia-cublas, triton), 1.5 GB on disk")
