"""Which settings of a widget have their frames stored in the page, so that its controls
work with no kernel (in a static page, a deck, or a notebook before Run All).

A control with few values (a menu of up to FEW_VALUES options, a slider of up to
FEW_VALUES positions) can be *stored*: the widget draws one animation per value and
puts them in a Stack whose `selected_index` follows the control through a link in
JavaScript. Several stored controls nest their Stacks, so their combinations
multiply; a widget stores at most MAX_SETTINGS of them and MAX_STORED_FRAMES frames
in all. Any other control stays one the kernel serves, greyed out where there is no
kernel.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence

import ipywidgets as widgets

FEW_VALUES = 4  # a menu or slider with at most this many values can be stored
MAX_SETTINGS = 9  # settings (combinations of stored values) per widget, e.g. 3 x 3
MAX_STORED_FRAMES = 100  # frames over all of them: about 1 MB of a notebook
SELECTIONS = (widgets.Dropdown, widgets.RadioButtons, widgets.ToggleButtons, widgets.Select)


def positions(widget) -> tuple[list, str] | None:
    """The values `widget` can take and the trait that gives a value's place in a Stack
    (`index` of a menu, `value` of a slider counting from 0), or None if it cannot be
    stored: too many values, values that are not hashable, a slider beyond 0..15."""
    if isinstance(widget, SELECTIONS):
        options = widget.options
        options = list(options.values()) if isinstance(options, Mapping) else options
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        trait = "index"
    elif isinstance(widget, widgets.IntSlider) and 0 <= widget.min and widget.max < 16:
        values, trait = list(range(widget.min, widget.max + 1, widget.step)), "value"
    else:
        return None
    if not 1 < len(values) <= FEW_VALUES or not all(isinstance(v, Hashable) for v in values):
        return None
    return values, trait


def place(widget) -> int:
    """The place of `widget`'s value in its Stack."""
    return widget.value if isinstance(widget, widgets.IntSlider) else widget.index


def choose(controls: Mapping[str, widgets.ValueWidget], count: Callable[[dict], int],
           max_settings: int = MAX_SETTINGS) -> list[str]:
    """The names of the controls to store, in their order: each control that can be
    stored joins while the settings stay at most `max_settings` and their frames (the
    sum of `count(values)` over every setting, other controls at their values) at
    most MAX_STORED_FRAMES."""
    current = {name: widget.value for name, widget in controls.items()}
    chosen: list[str] = []
    settings = [current]
    for name, widget in controls.items():
        found = positions(widget)
        if found is None or len(settings) * len(found[0]) > max_settings:
            continue
        trial = [{**setting, name: value} for setting in settings for value in found[0]]
        if sum(count(setting) for setting in trial) <= MAX_STORED_FRAMES:
            chosen.append(name)
            settings = trial
    return chosen


def settings_of(controls: Mapping[str, widgets.ValueWidget], stored: Sequence[str]) -> list[dict]:
    """Every setting of the `stored` controls, the others at their values, in the order
    of `key`'s tuples."""
    settings = [{name: widget.value for name, widget in controls.items()}]
    for name in stored:
        settings = [{**s, name: value} for s in settings for value in positions(controls[name])[0]]
    return settings


def key(values: Mapping, stored: Sequence[str]) -> tuple:
    """The stored controls' values, which name one setting."""
    return tuple(values[name] for name in stored)


class SettingStacks:
    """Nested Stacks that show the widget of the current setting, each linked in
    JavaScript to one stored control, and those links."""

    def __init__(self, controls: Mapping[str, widgets.ValueWidget], stored: Sequence[str],
                 shown: Mapping[tuple, widgets.Widget]):
        self.controls, self.stored = controls, list(stored)
        self.stacks: list[tuple[str, widgets.Stack]] = []
        self.links: list[widgets.Widget] = []
        self.empty = widgets.Box()  # the places of a slider's Stack that no value reaches
        self.root = self._nest(0, (), shown)

    def _nest(self, depth: int, prefix: tuple, shown: Mapping[tuple, widgets.Widget]):
        if depth == len(self.stored):
            return shown[prefix]
        name = self.stored[depth]
        widget = self.controls[name]
        values, trait = positions(widget)
        children = [self._nest(depth + 1, prefix + (v,), shown) for v in values]
        if trait == "value":  # a slider's value is its place: fill the places it skips
            slots = [self.empty] * (values[-1] + 1)
            for value, child in zip(values, children, strict=True):
                slots[value] = child
            children = slots
        stack = widgets.Stack(children, selected_index=place(widget))
        self.stacks.append((name, stack))
        self.links.append(widgets.jsdlink((widget, trait), (stack, "selected_index")))
        return stack

    def select(self) -> None:
        """Show the current setting (as the links do in the page)."""
        for name, stack in self.stacks:
            stack.selected_index = place(self.controls[name])

    def close(self) -> None:
        """Close the links and Stacks (not what they show)."""
        for widget in (*self.links, *(stack for _, stack in self.stacks), self.empty):
            widget.close()
