"""Ask a notebook's running kernel what the book's widgets hold.

The browser shows what the widgets drew; the kernel holds the step model they
drew it from. `KernelProbe` runs `DESCRIBE` in the notebook's own kernel (a
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
import json
from pathlib import Path

from jupyter_client import BlockingKernelClient

DESCRIBE = r'''
def __e2e_describe():
    import json
    import ipywidgets
    from ipywidgets.widgets.widget import _instances
    from helpers.widgets import DigitPad, FieldView, LiveView, PictureUpload, Player, SpeedTest

    def control(name, widget):
        if isinstance(widget, ipywidgets.Dropdown):
            return {"name": name, "kind": "dropdown", "value": widget.label,
                    "options": list(widget._options_labels)}
        return {"name": name, "kind": "slider", "value": widget.value,
                "min": widget.min, "max": widget.max, "step": widget.step}

    found = {}
    for widget in list(_instances.values()):
        if not isinstance(widget, (Player, FieldView, SpeedTest, LiveView, DigitPad,
                                   PictureUpload)) \
                or widget.comm is None:
            continue
        tag = f"e2e-{widget.model_id}"
        if tag not in widget._dom_classes:
            widget.add_class(tag)
        info = {"kind": type(widget).__name__, "repr": repr(widget)}
        if isinstance(widget, Player):
            info["controls"] = [control(n, c) for n, c in widget.controls.items()]
            info["message"] = widget.message
            info["steps"] = None if widget.steps is None else [
                {"value": [float(v) for v in s.value] if isinstance(s.value, tuple)
                 else float(s.value), "out": list(s.out_pos)} for s in widget.steps]
            info["step"] = widget.step
        elif isinstance(widget, FieldView):
            info["controls"] = [control(n, c) for n, c in
                                (("layers", widget.depth), ("row", widget.row),
                                 ("column", widget.col))]
        elif isinstance(widget, LiveView):
            info["controls"] = [control(n, c) for n, c in widget.controls.items()]
            info["message"], info["key"] = widget.message, widget.key
        elif isinstance(widget, DigitPad):
            info["prediction"] = widget.prediction
            info["message"] = widget.message
            info["image"] = widget.image.tolist()
        elif isinstance(widget, PictureUpload):
            info["name"], info["message"] = widget.name, widget.message
            info["shape"] = None if widget.picture is None else list(widget.picture.shape)
            info["files_kept"] = len(widget.upload.value)
        found[tag] = info
    return json.dumps(found)
'''


class KernelProbe:
    """A second client of a running kernel, given its connection file."""

    def __init__(self, connection_file: Path, timeout: float = 60):
        self.timeout = timeout
        self.client = BlockingKernelClient(connection_file=str(connection_file))
        self.client.load_connection_file()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=timeout)
        self._run(DESCRIBE)

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
        """Every live book widget, keyed by the DOM class it now carries."""
        text = self._run("", found="__e2e_describe()")["found"]
        return json.loads(ast.literal_eval(text))  # the repr of the JSON string

    def close(self) -> None:
        self.client.stop_channels()
