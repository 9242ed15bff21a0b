"""A class on one server, measured: a local JupyterHub and N simulated students.

    python tools/classroom.py --students N [--chapter notebooks/02_padding_and_stride.ipynb]

Starts JupyterHub (tools/hub/jupyterhub_config.py: test-only authenticator and spawner,
every student's server from this .venv) with configurable-http-proxy, all on
127.0.0.1. Then every student at once (tools/classroom_student.py) logs in, starts a
server, opens the chapter, runs all its cells over the kernel's websocket and changes
the first Player's setting `--changes` times. While the kernels still run it reads the
memory (PSS, so shared libraries count once) and CPU time of each student's processes
and of the hub and proxy; then it stops every server and the hub, and makes sure no
process of the run is left. The whole run is bounded by `--timeout`. Writes
build/classroom.json:

    {"students", "chapter", "changes", "cores", "wall_seconds",
     "spawn_seconds": {"median", "max"}, "run_all_seconds": {"median", "max"},
     "setting_change_ms": {"p50", "p95", "count"},
     "memory_mb": {"student": {"median", "max"}, "server", "kernel", "hub_and_proxy",
                   "total"},
     "cpu_seconds_per_student": {"median", "max"},
     "per_student": [...], "errors": [...]}

Exit status 1 if any student met an error or a process outlived the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from classroom_student import Student

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "tools" / "hub" / "jupyterhub_config.py"
PROXY = ROOT / ".venv" / "classroom-proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- processes ------------------------------------------------------------------------
def processes_of_run(run: str) -> dict[int, str]:
    """Every process started for this run (its environment carries BOOK_HUB_RUN=run),
    with the student it serves ("" for the hub and the proxy)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            env = dict(item.split("=", 1) for item in
                       (entry / "environ").read_bytes().decode(errors="replace").split("\0")
                       if "=" in item)
        except OSError:  # gone, or not ours to read
            continue
        if env.get("BOOK_HUB_RUN") == run:
            found[int(entry.name)] = env.get("JUPYTERHUB_USER", "")
    return found


def pss_mb(pid: int) -> float:
    """A process's proportional set size: its private memory plus its share of pages it
    shares with others."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no Pss for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def is_kernel(pid: int) -> bool:
    return b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes()


def resources(run: str, names: list[str]) -> dict:
    """Memory and CPU of each student's server and kernel, and of the hub and proxy."""
    students = {name: {"server_mb": 0.0, "kernel_mb": 0.0, "cpu_seconds": 0.0}
                for name in names}
    hub_mb = 0.0
    for pid, user in processes_of_run(run).items():
        try:
            mb, cpu, kernel = pss_mb(pid), cpu_seconds(pid), is_kernel(pid)
        except OSError:
            continue
        if user in students:
            students[user]["kernel_mb" if kernel else "server_mb"] += mb
            students[user]["cpu_seconds"] += cpu
        else:
            hub_mb += mb
    return {"students": students, "hub_and_proxy_mb": hub_mb}


# -- the hub --------------------------------------------------------------------------
class Hub:
    """JupyterHub and its proxy on free loopback ports, stopped (with every server and
    kernel of the run) on exit."""

    def __init__(self, work: Path, timeout: float):
        self.work, self.timeout = work, timeout
        self.port = free_port()
        self.token, self.password = secrets.token_hex(24), secrets.token_hex(12)
        self.run = secrets.token_hex(8)
        self.log_path = work / "jupyterhub.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Hub:
        env = dict(os.environ, BOOK_HUB_DIR=str(self.work), BOOK_HUB_PORT=str(self.port),
                   BOOK_HUB_API_PORT=str(free_port()), BOOK_HUB_PROXY_PORT=str(free_port()),
                   BOOK_HUB_PROXY=str(PROXY), BOOK_HUB_PASSWORD=self.password,
                   BOOK_HUB_TOKEN=self.token, BOOK_HUB_RUN=self.run,
                   BOOK_HUB_TIMEOUT=str(int(self.timeout)),
                   JUPYTER_PATH=str(ROOT / ".venv" / "share" / "jupyter"))
        self._log = self.log_path.open("w")
        hub = Path(sys.executable).with_name("jupyterhub")
        self.process = subprocess.Popen([str(hub), "-f", str(CONFIG)], cwd=self.work, env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        try:
            self._wait_until_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyterhub exited with code {self.process.returncode}; "
                                   f"see {self.log_path}")
            try:
                urllib.request.urlopen(f"{self.url}/hub/api/", timeout=5).close()
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        raise RuntimeError(f"jupyterhub did not answer within 120 s; see {self.log_path}")

    def __exit__(self, *exc_info) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # stops every server (cleanup_servers)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()

    def leftovers(self) -> list[int]:
        """Processes of this run still alive after the hub stopped, each then killed."""
        left = list(processes_of_run(self.run))
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return left


# -- the run --------------------------------------------------------------------------
def spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "max": max(values)} if values else {}


async def class_run(hub: Hub, names: list[str], chapter: Path, changes: int,
                    timeout: float) -> tuple[list[dict], dict]:
    students = [Student(hub.url, name, hub.password, hub.token, timeout=timeout)
                for name in names]
    runs = await asyncio.wait_for(asyncio.gather(*(s.run(chapter, changes) for s in students)),
                                  timeout)
    return runs, resources(hub.run, names)


def summary(students: int, chapter: Path, changes: int, runs: list[dict], used: dict,
            wall: float, errors: list[str]) -> dict:
    changes_ms = [t for r in runs for t in r.get("setting_change_ms", [])]
    per_student = []
    for run in runs:
        figures = used["students"].get(run["name"], {})
        per_student.append({k: v for k, v in run.items() if k != "setting_change_ms"}
                           | figures)
    memory = [s.get("server_mb", 0) + s.get("kernel_mb", 0) for s in per_student]
    return {
        "students": students, "chapter": chapter.name, "changes": changes,
        "cores": os.cpu_count(), "wall_seconds": wall,
        "spawn_seconds": spread([r["spawn_seconds"] for r in runs if "spawn_seconds" in r]),
        "run_all_seconds": spread([r["run_all_seconds"] for r in runs
                                   if "run_all_seconds" in r]),
        "setting_change_ms": {"p50": statistics.median(changes_ms),
                              "p95": statistics.quantiles(changes_ms, n=20,
                                                           method="inclusive")[-1],
                              "count": len(changes_ms)} if changes_ms else {},
        "memory_mb": {"student": spread(memory),
                      "server": statistics.median(s.get("server_mb", 0) for s in per_student),
                      "kernel": statistics.median(s.get("kernel_mb", 0) for s in per_student),
                      "hub_and_proxy": used["hub_and_proxy_mb"],
                      "total": sum(memory) + used["hub_and_proxy_mb"]},
        "cpu_seconds_per_student": spread([s.get("cpu_seconds", 0) for s in per_student]),
        "per_student": per_student, "errors": errors,
    }


def table(result: dict) -> str:
    m = result["memory_mb"]
    lines = [f"{result['students']} students, {result['chapter']}, {result['cores']} cores, "
             f"{result['wall_seconds']:.0f} s in all",
             f"  spawn (s)                 median {result['spawn_seconds'].get('median', 0):6.1f}"
             f"  max {result['spawn_seconds'].get('max', 0):6.1f}",
             f"  Run All (s)               median "
             f"{result['run_all_seconds'].get('median', 0):6.1f}"
             f"  max {result['run_all_seconds'].get('max', 0):6.1f}",
             f"  setting change (ms)       p50    {result['setting_change_ms'].get('p50', 0):6.0f}"
             f"  p95 {result['setting_change_ms'].get('p95', 0):6.0f}",
             f"  memory per student (MB)   median {m['student'].get('median', 0):6.0f}"
             f"  max {m['student'].get('max', 0):6.0f}  (server {m['server']:.0f}, "
             f"kernel {m['kernel']:.0f})",
             f"  hub and proxy (MB)        {m['hub_and_proxy']:6.0f};  all together "
             f"{m['total']:.0f} MB",
             f"  CPU per student (s)       median "
             f"{result['cpu_seconds_per_student'].get('median', 0):6.1f}",
             f"  errors: {len(result['errors'])}"]
    return "\n".join(lines + [f"    {e}" for e in result["errors"]])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, required=True)
    parser.add_argument("--chapter", type=Path,
                        default=ROOT / "notebooks" / "02_padding_and_stride.ipynb")
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=900,
                        help="seconds for the whole class (the hub's start and stop aside)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "classroom.json")
    args = parser.parse_args(argv)
    if not 1 <= args.students <= 32:
        parser.error(f"--students must be 1 to 32, not {args.students}")
    if args.changes < 2:
        parser.error(f"--changes must be at least 2 (a p95 needs two), not {args.changes}")
    if not args.chapter.is_file():
        parser.error(f"no chapter {args.chapter}")
    if not PROXY.exists():
        parser.error(f"{PROXY} is missing: `make classroom` installs it")
    work = ROOT / "build" / "classroom"
    shutil.rmtree(work, ignore_errors=True)
    names = [f"student{i + 1}" for i in range(args.students)]
    for name in names:
        (work / "home" / name).mkdir(parents=True)
        shutil.copy2(args.chapter, work / "home" / name / args.chapter.name)
    errors: list[str] = []
    start = time.monotonic()
    with Hub(work, args.timeout) as hub:
        try:
            runs, used = asyncio.run(class_run(hub, names, args.chapter, args.changes,
                                               args.timeout))
        except TimeoutError:
            runs, used = [], resources(hub.run, names)
            errors.append(f"the class did not finish within {args.timeout:.0f} s")
    wall = time.monotonic() - start
    errors += [e for run in runs for e in run["errors"]]
    left = hub.leftovers()
    if left:
        errors.append(f"processes {left} outlived the hub (killed)")
    result = summary(args.students, args.chapter, args.changes, runs, used, wall, errors)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))
    print(f"\nwritten to {args.out}; the hub's log: {hub.log_path}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
