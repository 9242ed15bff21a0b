"""The files repo2docker reads (Binder, a hub's image) give what `make setup` and `make lab`
give: postBuild installs the files `make setup` copies and its kernel spec, start trusts
the notebooks `make lab` trusts, and `jupyter notebook` (repo2docker's command) opens
JupyterLab on the notebooks. Both sides are read from the Makefile, so they cannot drift.
Docker is not needed: the scripts run here with repo2docker's variables."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import lab
import pytest
from test_project import setup_commands

ROOT = Path(__file__).parent.parent
VENV = Path(sys.prefix)


def environment(**extra: str) -> dict[str, str]:
    """The test's environment with .venv's commands first and no Jupyter paths of its own."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER_", "XDG_")) or k == "JUPYTER_PATH"}
    return env | {"PATH": f"{VENV / 'bin'}{os.pathsep}{os.environ['PATH']}"} | extra


@pytest.fixture(scope="module")
def prefix(tmp_path_factory) -> Path:
    """An environment's prefix after postBuild, run as repo2docker runs it."""
    prefix = tmp_path_factory.mktemp("prefix")
    subprocess.run(["bash", "postBuild"], cwd=ROOT, check=True,
                   env=environment(NB_PYTHON_PREFIX=str(prefix)))
    return prefix


def test_postbuild_installs_the_files_make_setup_copies(prefix):
    copies = [c[1:] for c in setup_commands() if c[0] == "cp"]
    assert len(copies) >= 2, "make setup copies the JupyterLab settings and server config"
    for source, target in copies:
        installed = prefix / Path(target).relative_to(".venv")
        assert installed.read_bytes() == (ROOT / source).read_bytes(), target


def test_postbuild_installs_the_kernel_spec_make_setup_installs(prefix):
    [install] = [c for c in setup_commands() if c[1:4] == ["-m", "ipykernel", "install"]]
    name = install[install.index("--name") + 1]
    spec = json.loads((prefix / "share/jupyter/kernels" / name / "kernel.json").read_text())
    assert spec["display_name"] == install[install.index("--display-name") + 1]


def test_start_trusts_what_make_lab_trusts_then_runs_its_command(tmp_path):
    out = subprocess.run(["make", "-n", "lab"], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout
    assert "tools/lab.py" in out, "make lab runs tools/lab.py, which trusts what it serves"
    # make lab trusts its copies of the book's chapters; a hub's image serves the chapters
    wanted = sorted(chapter.name for chapter in lab.BOOK.glob("*.ipynb"))
    trusted = ("import sys, nbformat; from nbformat.sign import NotebookNotary; "
               "notary = NotebookNotary(); print(sorted(p.split('/')[-1] for p in sys.argv[1:] "
               "if notary.check_signature(nbformat.read(p, 4))))")
    done = subprocess.run([str(ROOT / "start"), sys.executable, "-c", trusted,
                           *map(str, sorted(ROOT.glob("notebooks/*.ipynb")))],
                          cwd=tmp_path, env=environment(HOME=str(tmp_path)),
                          check=True, capture_output=True, text=True)
    assert done.stdout.splitlines()[-1] == repr(wanted)
    assert (tmp_path / ".local/share/jupyter/nbsignatures.db").exists(), "trust in the home"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_jupyter_notebook_opens_jupyterlab_on_the_notebooks(prefix):
    """repo2docker's command, with postBuild's config: / leads to JupyterLab's view of
    notebooks/. The server listens on 127.0.0.1 and is stopped after at most 60 s."""
    pytest.importorskip("notebook", reason="repo2docker's image has Notebook 7 (nbgrader's too)")
    port, token = free_port(), secrets.token_hex(16)
    command = [str(VENV / "bin" / "jupyter"), "notebook", "--no-browser", "--allow-root",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}"]
    env = environment(JUPYTER_CONFIG_PATH=str(prefix / "etc/jupyter"))
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    try:
        deadline, location = time.monotonic() + 60, None
        while location is None and time.monotonic() < deadline:
            try:
                urllib.request.build_opener(NoRedirect).open(
                    f"http://127.0.0.1:{port}/?token={token}", timeout=5)
            except urllib.error.HTTPError as redirect:
                location = redirect.headers["Location"]
            except OSError:
                time.sleep(0.5)
        assert location is not None, "jupyter notebook did not answer within 60 s"
        assert location.split("?")[0].endswith("/lab/tree/notebooks")
        assert (ROOT / "notebooks").is_dir()
    finally:
        server.terminate()
        server.wait(timeout=30)
