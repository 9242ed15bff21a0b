"""What can be checked offline of the class deployments (deploy/) and of `make classroom`'s
local hub: the Zero to JupyterHub values against the chart's documented schema, the
notebook delivery script run for real, the Littlest JupyterHub snippet as JupyterHub
config, and the load test's memory and CPU reading on a real process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from classroom import resources
from nbformat.sign import NotebookNotary
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
BOOK_IN_IMAGE = Path("/srv/book")  # where the image and the TLJH server keep the repository

NUMBER, TEXT, NULL = (int, float), (str,), (type(None),)
# The keys of the jupyterhub Helm chart's values schema (jupyterhub/values.schema.yaml)
# that the config may use, each with the types the schema gives it; a dict is an
# object whose keys the schema lists (additionalProperties: false).
CHART_SCHEMA = {
    "singleuser": {
        "image": {"name": TEXT, "tag": TEXT, "pullPolicy": TEXT + NULL},
        "defaultUrl": TEXT + NULL,
        "extraEnv": (dict, list),
        "memory": {"guarantee": NUMBER + TEXT + NULL, "limit": NUMBER + TEXT + NULL},
        "cpu": {"guarantee": NUMBER + NULL, "limit": NUMBER + NULL},
        "storage": {"type": TEXT, "capacity": TEXT + NULL, "homeMountPath": TEXT},
        "lifecycleHooks": {"postStart": (dict,), "preStop": (dict,)},
        "startTimeout": (int,) + NULL,
        "cmd": (list,) + TEXT + NULL,
    },
    "cull": {"enabled": (bool,), "users": (bool,) + NULL, "timeout": (int,) + NULL,
             "every": (int,) + NULL, "maxAge": (int,) + NULL},
    "hub": {"config": (dict,), "extraConfig": (dict,)},
}
REQUIRED = {("singleuser", "image"): {"name", "tag"},
            ("singleuser", "storage"): {"type", "homeMountPath"}, ("cull",): {"enabled"}}
ENUMS = {("singleuser", "storage", "type"): {"dynamic", "static", "none"}}


def z2jh() -> dict:
    return yaml.safe_load((DEPLOY / "z2jh" / "config.yaml").read_text())


def walk(values: dict, schema: dict, path: tuple = ()):
    """Every key of `values` outside the schema, or of a type it does not allow."""
    for key, value in values.items():
        where = path + (key,)
        if key not in schema:
            yield f"{'.'.join(where)} is not a key the chart documents"
        elif isinstance(schema[key], dict):
            if not isinstance(value, dict):
                yield f"{'.'.join(where)} must be a mapping"
            else:
                yield from walk(value, schema[key], where)
        elif not isinstance(value, schema[key]) or \
                (isinstance(value, bool) and bool not in schema[key]):
            yield f"{'.'.join(where)} = {value!r} has a type the chart does not take"
        elif where in ENUMS and value not in ENUMS[where]:
            yield f"{'.'.join(where)} = {value!r} is not one of {sorted(ENUMS[where])}"
    missing = REQUIRED.get(path, set()) - set(values)
    if missing:
        yield f"{'.'.join(path)} lacks {sorted(missing)}"


def test_the_walk_finds_unknown_keys_wrong_types_and_missing_ones():
    bad = {"singleuser": {"memory": {"limt": "2G"}, "cpu": {"limit": "1"},
                          "storage": {"type": "nfs", "homeMountPath": "/home/jovyan"}},
           "cull": {"timeout": True}}
    assert list(walk(bad, CHART_SCHEMA)) == [
        "singleuser.memory.limt is not a key the chart documents",
        "singleuser.cpu.limit = '1' has a type the chart does not take",
        "singleuser.storage.type = 'nfs' is not one of ['dynamic', 'none', 'static']",
        "cull.timeout = True has a type the chart does not take",
        "cull lacks ['enabled']"]


def test_z2jh_values_use_only_what_the_chart_documents():
    assert list(walk(z2jh(), CHART_SCHEMA)) == []


def megabytes(size: str) -> float:
    """A Kubernetes quantity such as 600M or 2G (KubeSpawner's units) in MB."""
    number, unit = re.fullmatch(r"([\d.]+)([KMGT]?)", str(size)).groups()
    return float(number) * {"": 1e-6, "K": 1e-3, "M": 1, "G": 1e3, "T": 1e6}[unit]


def test_z2jh_values_give_a_class_the_book_as_measured():
    single = z2jh()["singleuser"]
    assert single["defaultUrl"] == "/lab"
    assert single["extraEnv"]["OMP_NUM_THREADS"] == "1"
    assert single["extraEnv"]["BOOK_DIR"] == str(BOOK_IN_IMAGE)
    memory = single["memory"]
    # a guarantee that holds one chapter open, a limit that holds several
    assert 450 <= megabytes(memory["guarantee"]) < megabytes(memory["limit"])
    assert single["cpu"]["guarantee"] < single["cpu"]["limit"]
    command = single["lifecycleHooks"]["postStart"]["exec"]["command"]
    script = Path(command[-1])
    assert (ROOT / script.relative_to(BOOK_IN_IMAGE)).is_file()
    cull = z2jh()["cull"]
    assert cull["enabled"] and cull["timeout"] >= 600


def deliver(home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER_DATA")}
    env |= {"HOME": str(home), "BOOK_DIR": str(ROOT),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"}
    subprocess.run(["sh", str(DEPLOY / "deliver_book.sh")], check=True, env=env)


def test_deliver_book_copies_and_trusts_every_notebook_and_keeps_a_students_copy(tmp_path):
    deliver(tmp_path)
    notary = NotebookNotary(data_dir=str(tmp_path / ".local" / "share" / "jupyter"))
    chapters = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (tmp_path / "book").iterdir()) == chapters
    for name in chapters:
        assert notary.check_signature(nbformat.read(tmp_path / "book" / name, as_version=4))
    mine = tmp_path / "book" / chapters[0]
    mine.write_text(json.dumps({"a student's": "work"}))
    (tmp_path / "book" / chapters[1]).unlink()
    deliver(tmp_path)
    assert json.loads(mine.read_text()) == {"a student's": "work"}
    assert (tmp_path / "book" / chapters[1]).is_file()


def load_config(path: Path, env: dict | None = None) -> Config:
    config = Config()
    code = compile(path.read_text(), str(path), "exec")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in (env or {}).items():
            patch.setenv(key, value)
        exec(code, {"get_config": lambda: config})
    return config


def test_tljh_snippet_starts_each_server_with_the_book_delivered():
    config = load_config(DEPLOY / "tljh" / "book.py")
    assert config.Spawner.environment["OMP_NUM_THREADS"] == "1"
    shell, flag, script, dollar_zero = config.Spawner.cmd
    assert (shell, flag, dollar_zero) == ("/bin/sh", "-c", "--")
    subprocess.run(["sh", "-n", "-c", script], check=True)  # valid shell
    assert "deploy/deliver_book.sh" in script and script.endswith('jupyterhub-singleuser "$@"')


def test_the_classroom_hub_listens_on_loopback_only(tmp_path):
    env = {"BOOK_HUB_DIR": str(tmp_path), "BOOK_HUB_PORT": "8000", "BOOK_HUB_API_PORT": "8001",
           "BOOK_HUB_PROXY_PORT": "8002", "BOOK_HUB_PROXY": "chp", "BOOK_HUB_PASSWORD": "p",
           "BOOK_HUB_RUN": "r", "BOOK_HUB_TIMEOUT": "60", "BOOK_HUB_TOKEN": "t",
           "JUPYTER_PATH": "j"}
    config = load_config(ROOT / "tools" / "hub" / "jupyterhub_config.py", env)
    assert config.JupyterHub.ip == config.JupyterHub.hub_ip == "127.0.0.1"
    assert config.ConfigurableHTTPProxy.api_url.startswith("http://127.0.0.1:")
    assert config.JupyterHub.cleanup_servers is True
    assert config.Spawner.environment["BOOK_HUB_RUN"] == "r"


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="Linux /proc only")
def test_classroom_reads_a_students_memory_and_cpu():
    env = dict(os.environ, BOOK_HUB_RUN="test-run", JUPYTERHUB_USER="student1")
    busy = "sum(range(3_000_000)); import time; time.sleep(30)"
    process = subprocess.Popen([sys.executable, "-c", busy], env=env)
    try:
        for _ in range(100):  # until it has run its sum
            used = resources("test-run", ["student1"])["students"]["student1"]
            if used["cpu_seconds"] > 0:
                break
            subprocess.run(["sleep", "0.1"])
        assert 1 < used["server_mb"] < 200 and used["kernel_mb"] == 0
        assert used["cpu_seconds"] > 0
    finally:
        process.kill()
        process.wait()
