"""Start and stop a JupyterLab server of the project's environment for a browser test."""

from __future__ import annotations

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


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LabServer:
    """`jupyter lab` on a free loopback port, with a fresh token, serving `root_dir`.

    Use as a context manager: the server and its kernels stop on exit, also when
    the code inside raises.
    """

    def __init__(self, root_dir: Path, work_dir: Path, *, startup_timeout: float = 90):
        self.root_dir, self.work_dir = root_dir, work_dir
        self.port, self.token = free_port(), secrets.token_hex(24)
        self.startup_timeout = startup_timeout
        self.runtime_dir = work_dir / "runtime"
        self.log_path = work_dir / "jupyter-lab.log"
        self._process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LabServer:
        self.runtime_dir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "jupyter", "lab", "--no-browser",
                   "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
                   "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                   f"--ServerApp.root_dir={self.root_dir}",
                   # the book's settings only: no workspace or user settings of this machine
                   f"--LabApp.workspaces_dir={self.work_dir / 'workspaces'}",
                   f"--LabApp.user_settings_dir={self.work_dir / 'user-settings'}"]
        if os.geteuid() == 0:  # containers and CI run as root; Jupyter refuses unless told
            command.append("--allow-root")
        env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(self.runtime_dir))
        self._log = self.log_path.open("w")
        self._process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT,
                                         env=env, start_new_session=True)
        try:
            self._wait_until_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with code {self._process.returncode}; "
                                   f"see {self.log_path}")
            try:
                self.api("status")
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        raise RuntimeError(f"jupyter lab did not answer within {self.startup_timeout:.0f} s; "
                           f"see {self.log_path}")

    def api(self, path: str, method: str = "GET"):
        """Send `method` to `/api/<path>` and return the decoded JSON (None if empty)."""
        request = urllib.request.Request(f"{self.url}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def notebook_url(self, name: str) -> str:
        """The notebook alone in a fresh workspace (`reset`): the tabs of notebooks checked
        before it would otherwise be restored beside it, and their cells counted with its own."""
        return f"{self.url}/lab/tree/{name}?reset&token={self.token}"

    def __exit__(self, *exc_info) -> None:
        if self._process is not None and self._process.poll() is None:
            os.killpg(self._process.pid, 15)  # the server and the kernels it started
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, 9)
                self._process.wait()
        self._log.close()
