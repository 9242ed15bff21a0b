# The local JupyterHub of `make classroom` (tools/classroom.py), for a load test only:
# every student logs in with the run's one password (DummyAuthenticator) and gets a
# server run as this machine's user in build/classroom/home/<name>/ (the test-only
# SimpleLocalProcessSpawner: no isolation between students). Everything listens on
# 127.0.0.1. tools/classroom.py sets the BOOK_HUB_* variables.
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub's config loader defines it)

work = Path(os.environ["BOOK_HUB_DIR"])
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ["BOOK_HUB_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["BOOK_HUB_API_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['BOOK_HUB_PROXY_PORT']}"
c.ConfigurableHTTPProxy.command = [os.environ["BOOK_HUB_PROXY"]]
c.JupyterHub.db_url = f"sqlite:///{work / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(work / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True  # the students' servers stop with the hub

c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = os.environ["BOOK_HUB_PASSWORD"]
c.Authenticator.allow_all = True

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(work / "home" / "{username}")
# the book's environment: this .venv's single-user server, kernel spec and JupyterLab settings
c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
c.Spawner.args = ["--allow-root"] if os.geteuid() == 0 else []
c.Spawner.default_url = "/lab"
c.Spawner.environment = {"JUPYTER_PATH": os.environ["JUPYTER_PATH"], "OMP_NUM_THREADS": "1",
                         "BOOK_HUB_RUN": os.environ["BOOK_HUB_RUN"]}
c.Spawner.start_timeout = int(os.environ["BOOK_HUB_TIMEOUT"])
c.Spawner.http_timeout = int(os.environ["BOOK_HUB_TIMEOUT"])

# the load test drives the hub and the students' servers with one token
c.JupyterHub.services = [{"name": "classroom-load", "api_token": os.environ["BOOK_HUB_TOKEN"]}]
c.JupyterHub.load_roles = [{"name": "classroom-load", "services": ["classroom-load"],
                            "scopes": ["admin:users", "admin:servers", "access:servers"]}]
