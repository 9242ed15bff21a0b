"""What every widget of the book shares: controls made from ranges and dicts, setting
them by name, and a redraw that shows a message, never a traceback."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ipywidgets as widgets

NEEDS_KERNEL = " (runs in the kernel: run the notebook first)"
WIDE = widgets.Layout(width="auto")
FULL_NAME = {"description_width": "initial"}  # count_include_pad, not count_incl...


def control(name: str, spec) -> widgets.ValueWidget:
    """A widget for a `range` (a slider) or a mapping of named choices (a dropdown whose
    value is the chosen name); a widget is returned as it is."""
    if isinstance(spec, widgets.ValueWidget):
        return spec
    if isinstance(spec, range):
        if len(spec) == 0:
            raise ValueError(f"{name}: the range {spec!r} is empty")
        return widgets.IntSlider(value=spec.start, min=spec.start, max=spec[-1], step=spec.step,
                                 description=name, continuous_update=False,
                                 tooltip=f"{name}{NEEDS_KERNEL}", style=FULL_NAME)
    if isinstance(spec, Mapping):
        return widgets.Dropdown(options=list(spec), description=name, layout=WIDE,
                                tooltip=f"{name}{NEEDS_KERNEL}", style=FULL_NAME)
    raise ValueError(f"{name}: a control needs a range, a dict of named choices or a widget, "
                     f"got {spec!r}")


def wrapping_row(children, layout: widgets.Layout | None = None) -> widgets.HBox:
    """Widgets side by side, wrapping onto more lines in a narrow window (`layout`: a
    `flex_flow="row wrap"` layout to share, else a new one)."""
    return widgets.HBox(list(children), layout=layout or widgets.Layout(flex_flow="row wrap"))


def internal_error(error: Exception) -> str:
    """The message a widget shows for a bug."""
    return f"Internal error, please report it: {type(error).__name__}: {error}"


def guarded(draw: Callable, *args, **kwargs) -> tuple[object, str]:
    """`(draw(...), "")`, or `(None, message)` when it fails: a ValueError's own message
    (an impossible setting), or for anything else a bug report."""
    try:
        return draw(*args, **kwargs), ""
    except ValueError as error:
        return None, str(error)
    except Exception as error:  # a bug: say so in the widget, never a traceback
        return None, internal_error(error)


class Controlled:
    """A widget driven by named controls (`self.controls`, name to value widget)."""

    controls: dict

    def set(self, **values) -> None:
        """Set controls by name, e.g. `widget.set(padding=1)`."""
        for name, value in values.items():
            if name not in self.controls:
                raise ValueError(f"no control named {name!r}; there are {list(self.controls)}")
            self.controls[name].value = value

    def values(self) -> dict:
        """Every control's value, by name."""
        return {name: control.value for name, control in self.controls.items()}
