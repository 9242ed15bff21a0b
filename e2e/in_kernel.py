"""Code for the notebook's kernel: `kernel_probe` sends this file's source there, and
`__e2e_describe()` then returns the JSON of every live book widget, keyed by the DOM class
it gives the widget. Nothing here runs in the test itself.
"""


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
