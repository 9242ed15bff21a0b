"""One simulated student of `make classroom`: what a student's browser asks of a JupyterHub.

`Student(hub_url, name, password, token).run(chapter, changes)` logs in through the
hub's login form, starts the student's server through the hub's REST API, opens a
chapter (a session with a kernel), runs every code cell over the kernel's websocket,
then changes the first Player's first control `changes` times, each as JupyterLab
sends it (a widget `update` comm message), and times it until the kernel has sent
the new widget state (its `idle` status for that message). It returns its figures
and the errors it met; a student never raises for a failure of the hub or the book.
"""

from __future__ import annotations

import ast
import asyncio
import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

# What the kernel answers about the first Player with controls: the model id of its
# first control, whether that control is a dropdown, and the values to alternate.
FIRST_CONTROL = """\
def __classroom_control():
    import json

    import ipywidgets
    from ipywidgets.widgets.widget import _instances

    from helpers.widgets import Player

    for widget in list(_instances.values()):
        if isinstance(widget, Player) and widget.controls and widget.comm is not None:
            name, control = next(iter(widget.controls.items()))
            if isinstance(control, ipywidgets.Dropdown):
                values = [{"index": i} for i in range(len(control.options))][:2]
            else:
                values = [{"value": v} for v in (control.min, control.min + control.step)]
            return json.dumps({"model_id": control.model_id, "name": name,
                               "values": values, "player": widget.model_id})
    return json.dumps(None)
"""
# The Player's message after the changes: it must not be a bug report.
PLAYER_MESSAGE = "[w for w in __import__('ipywidgets').widgets.widget._instances.values() " \
                 "if w.model_id == {player!r}][0].message"


class _StayHere(urllib.request.HTTPRedirectHandler):
    """Follow no redirect: the redirect itself is the answer."""

    def redirect_request(self, *args, **kwargs):
        return None


class Student:
    def __init__(self, hub_url: str, name: str, password: str, token: str, *,
                 timeout: float):
        self.hub_url, self.name, self.password, self.token = hub_url, name, password, token
        self.timeout = timeout
        self.errors: list[str] = []
        self.figures: dict = {"name": name}

    # -- HTTP to the hub and to the student's server --------------------------------
    def api(self, method: str, path: str, body: dict | None = None) -> dict | None:
        """The hub's REST API (or, for a path starting `user/`, the student's server)
        with the load test's token."""
        prefix = "" if path.startswith("user/") else "hub/api/"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.hub_url}/{prefix}{path}", data=data,
                                         method=method,
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            text = response.read()
        return json.loads(text) if text else None

    def log_in(self) -> None:
        """The hub's login form, as a browser fills it in: the form's XSRF token, then
        the name and password; the hub must answer with its login cookie."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar),
                                             _StayHere())
        with opener.open(f"{self.hub_url}/hub/login", timeout=60) as response:
            page = response.read().decode()
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page)
        form = {"username": self.name, "password": self.password}
        if xsrf:
            form["_xsrf"] = xsrf.group(1)
        try:  # the hub answers a good login with a redirect (here not followed: the load
            # test starts the server itself, to time it)
            opener.open(f"{self.hub_url}/hub/login", timeout=60,
                        data=urllib.parse.urlencode(form).encode()).close()
        except urllib.error.HTTPError as error:
            if error.code != 302:
                raise
        if not any(cookie.name.startswith("jupyterhub-session") or cookie.name ==
                   "jupyterhub-hub-login" for cookie in jar):
            raise RuntimeError("the hub's login form gave no login cookie")

    def spawn(self) -> float:
        """Start the student's server; seconds until the hub says it is ready."""
        start = time.monotonic()
        self.api("POST", f"users/{self.name}/server", {})
        while time.monotonic() - start < self.timeout:
            server = self.api("GET", f"users/{self.name}")["servers"].get("", {})
            if server.get("ready"):
                return time.monotonic() - start
            time.sleep(0.5)
        raise RuntimeError(f"the server did not start within {self.timeout:.0f} s")

    # -- the kernel, over its websocket ---------------------------------------------
    async def connect(self, kernel_id: str):
        base = self.hub_url.replace("http://", "ws://")
        url = f"{base}/user/{self.name}/api/kernels/{kernel_id}/channels"
        return await websocket_connect(HTTPRequest(
            url, headers={"Authorization": f"token {self.token}"}, request_timeout=60))

    def message(self, msg_type: str, content: dict, channel: str = "shell") -> dict:
        return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type,
                           "session": self.session, "username": self.name, "version": "5.3",
                           "date": ""},
                "parent_header": {}, "metadata": {}, "content": content,
                "channel": channel, "buffers": []}

    async def request(self, socket, msg_type: str, content: dict) -> tuple[dict, list[dict]]:
        """Send a shell request; wait for the kernel to go idle after it. Returns its reply
        (None for a comm message, which has none) and every iopub message it caused."""
        sent = self.message(msg_type, content)
        await socket.write_message(json.dumps(sent))
        reply, published = None, []
        deadline = time.monotonic() + self.timeout
        idle = False
        while not (idle and (reply is not None or msg_type == "comm_msg")):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeError(f"no answer to {msg_type} within {self.timeout:.0f} s")
            text = await asyncio.wait_for(socket.read_message(), remaining)
            if text is None:
                raise RuntimeError("the kernel's websocket closed")
            msg = json.loads(text)
            if msg.get("parent_header", {}).get("msg_id") != sent["header"]["msg_id"]:
                continue
            if msg["channel"] == "shell":
                reply = msg
            elif msg["channel"] == "iopub":
                published.append(msg)
                idle = idle or (msg["msg_type"] == "status"
                                and msg["content"]["execution_state"] == "idle")
        return reply, published

    async def execute(self, socket, code: str, **expressions: str) -> dict:
        reply, published = await self.request(socket, "execute_request", {
            "code": code, "silent": False, "store_history": True,
            "user_expressions": expressions, "allow_stdin": False, "stop_on_error": True})
        content = reply["content"]
        if content["status"] != "ok":
            raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")
        for msg in published:
            if msg["msg_type"] == "error":
                raise RuntimeError(f"{msg['content']['ename']}: {msg['content']['evalue']}")
        return {k: v["data"]["text/plain"] for k, v in content["user_expressions"].items()}

    async def run_all(self, socket, path: Path) -> tuple[float, int]:
        cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        start = time.monotonic()
        for number, cell in enumerate(cells, start=1):
            try:
                await self.execute(socket, "".join(cell["source"]))
            except RuntimeError as error:
                raise RuntimeError(f"code cell {number}: {error}") from None
        return time.monotonic() - start, len(cells)

    async def change_settings(self, socket, changes: int) -> list[float]:
        """Milliseconds of each setting change, from the comm message sent to the kernel's
        idle after it, with at least one widget state update on the way."""
        found = await self.execute(socket, FIRST_CONTROL, c="__classroom_control()")
        control = json.loads(ast.literal_eval(found["c"]))  # the repr of a JSON string
        if control is None:
            raise RuntimeError("the chapter has no Player with a control")
        self.figures["control"] = control["name"]
        times = []
        for i in range(changes):
            state = control["values"][(i + 1) % len(control["values"])]
            start = time.perf_counter()
            _, published = await self.request(socket, "comm_msg", {
                "comm_id": control["model_id"],
                "data": {"method": "update", "state": state, "buffer_paths": []}})
            times.append((time.perf_counter() - start) * 1000)
            if not any(m["msg_type"] in ("comm_msg", "comm_open") for m in published):
                raise RuntimeError(f"change {i + 1}: the kernel sent no widget update")
        message = (await self.execute(socket, "", m=PLAYER_MESSAGE.format(**control)))["m"]
        if "Internal error" in message:
            raise RuntimeError(f"the Player shows {message}")
        return times

    async def work(self, chapter: Path, changes: int) -> None:
        session = await asyncio.to_thread(
            self.api, "POST", f"user/{self.name}/api/sessions",
            {"path": chapter.name, "type": "notebook", "name": chapter.name,
             "kernel": {"name": "python3"}})
        self.session = uuid.uuid4().hex
        socket = await self.connect(session["kernel"]["id"])
        try:
            await self.request(socket, "kernel_info_request", {})
            self.figures["run_all_seconds"], self.figures["cells"] = \
                await self.run_all(socket, chapter)
            self.figures["setting_change_ms"] = await self.change_settings(socket, changes)
        finally:
            socket.close()

    async def run(self, chapter: Path, changes: int) -> dict:
        """Every step a student takes; the figures so far, and `errors`, however it ends."""
        steps = [("log in", self.log_in), ("start the server", self.spawn)]
        try:
            for what, step in steps:
                result = await asyncio.to_thread(step)
                if what == "start the server":
                    self.figures["spawn_seconds"] = result
            await self.work(chapter, changes)
        except Exception as error:  # any failure is a figure of the run, never a crash
            self.errors.append(f"{self.name}: {type(error).__name__}: {error}")
        return self.figures | {"errors": self.errors}
