"""Ask a notebook's running kernel what the book's widgets hold.

The browser shows what the widgets drew; the kernel holds the step model they
drew it from. `KernelProbe` runs `in_kernel.py` in the notebook's own kernel (a
second client on the same kernel, as a console attached to a notebook is) and
returns, for every live Player, FieldView, SpeedTest, LiveView, DigitPad and
PictureUpload, its kind, its repr, its controls and, for a Player, the value and
output position of every step (for a LiveView, the values its picture is drawn for
and its message; for a DigitPad, the drawing and the network's prediction; for a
PictureUpload, the picture's name and shape, its message and how many uploaded files
it still holds).
It also gives each such widget a DOM class `e2e-<model id>`, so the browser
test can find it on the page.
"""

from __future__ import annotations

import ast
import inspect
import json
import time
from pathlib import Path

import in_kernel
from jupyter_client import BlockingKernelClient

RETRY_SECONDS = 5


class KernelProbe:
    """A second client of a running kernel, given its connection file."""

    def __init__(self, connection_file: Path, timeout: float = 60):
        self.timeout = timeout
        self.client = BlockingKernelClient(connection_file=str(connection_file))
        self.client.load_connection_file()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=timeout)
        self._run(inspect.getsource(in_kernel))

    def _run(self, code: str, **expressions: str) -> dict:
        reply = self.client.execute_interactive(code, silent=True, store_history=False,
                                                user_expressions=expressions,
                                                timeout=self.timeout,
                                                output_hook=lambda msg: None)
        content = reply["content"]
        if content["status"] != "ok":
            raise RuntimeError(f"the kernel refused the probe: {content.get('ename')}: "
                               f"{content.get('evalue')}")
        results = {}
        for name, result in content["user_expressions"].items():
            if result["status"] != "ok":
                raise RuntimeError(f"probe expression {name} failed: {result.get('ename')}: "
                                   f"{result.get('evalue')}")
            results[name] = result["data"]["text/plain"]
        return results

    def widgets(self) -> dict[str, dict]:
        """Every live book widget, keyed by the DOM class it now carries. A look that
        finds a Player between two of its settings (its animations being redrawn) is
        taken again, for at most RETRY_SECONDS."""
        deadline = time.monotonic() + RETRY_SECONDS
        while True:
            try:
                text = self._run("", found="__e2e_describe()")["found"]
                return json.loads(ast.literal_eval(text))  # the repr of the JSON string
            except RuntimeError as error:
                if "KeyError" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def close(self) -> None:
        self.client.stop_channels()
