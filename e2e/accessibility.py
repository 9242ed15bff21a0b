"""Accessibility checks of the browser test: axe-core's audit, the keyboard, the frames' words.

axe-core is pinned and checked against the sha512 npm publishes, like the pages'
own JavaScript (tools/vendor_js.py), and injected from the local cache: the audit
needs no network. `audit(page, where)` runs axe's default rules on the parts of the
page that are the book (`where`, a CSS selector of one or more elements) and returns
its critical and serious findings, those of `allowed` apart: the ones only an
upstream fix can cure, each with its upstream issue. Less grave findings are not
the audit's concern.

`check_keyboard_focus(page, root)` tabs to a Player's controls and asks each for a
visible focus, and Play for Enter; `check_text_alternative(frame, count)` asks a
frame's text alternative (its role=img aria-label) for the step, the window and the
result, as a screen reader reads them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from browser import Failure
from playwright.sync_api import Locator, Page

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import vendor_js  # noqa: E402

GRAVE = ("critical", "serious")


@dataclass(frozen=True)
class Allowed:
    """A finding the book cannot fix itself: axe's `rule` on elements matching `selector`."""

    rule: str
    selector: str
    why: str
    upstream: str  # the issue whose fix will cure it


IPYWIDGETS_2650 = "https://github.com/jupyter-widgets/ipywidgets/issues/2650"
JEP_120 = "https://github.com/jupyter/enhancement-proposals/issues/120"
# In JupyterLab the widgets are drawn by ipywidgets' own views, which no page script of
# the book reaches (the site and the decks name these controls: tools/access/).
IN_JUPYTERLAB = (
    Allowed("button-name", ".widget-play button",
            "Play's Play, Pause, Stop and Repeat buttons are icons without a name",
            IPYWIDGETS_2650),
    Allowed("aria-input-field-name", ".widget-slider .noUi-handle",
            "a slider's handle (role=slider) is not named by the slider's label",
            IPYWIDGETS_2650),
    Allowed("image-alt", ".jp-RenderedImage img",
            "JupyterLab draws a PNG output (matplotlib's figures) with no alt text and reads "
            "none from the output's metadata", JEP_120),
)

# axe on `where`; each grave finding's elements, marked when an allowed selector matches.
RUN = """async ([where, allowed, grave]) => {
  // preload: false, else axe fetches each stylesheet again, which file:// pages refuse
  const results = await axe.run(where, {resultTypes: ['violations'], preload: false});
  return results.violations.filter(v => grave.includes(v.impact)).map(v => ({
    rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => {
      const element = document.querySelector(n.target[0]);
      const upstream = allowed.find(a => a.rule === v.id && element && element.matches(a.selector));
      return {target: n.target.join(' '), html: n.html.slice(0, 120),
              upstream: upstream ? upstream.upstream : null};
    })}));
}"""


@dataclass
class Findings:
    """What axe found on one page: the grave findings to fix, and those allowed."""

    to_fix: dict[str, list[dict]]  # "rule (impact): help" -> its elements
    allowed: dict[str, int]  # "rule, upstream issue" -> how many elements

    def problems(self) -> list[str]:
        """One line per rule to fix, with how many elements and the first of them."""
        return [f"axe {rule}: {len(nodes)} element(s), e.g. {nodes[0]['target']} "
                f"{nodes[0]['html']!r}" for rule, nodes in self.to_fix.items()]

    def summary(self) -> str:
        fix = ", ".join(f"{rule.split(':')[0]} x{len(n)}" for rule, n in self.to_fix.items())
        allowed = ", ".join(f"{rule} x{count}" for rule, count in self.allowed.items())
        return f"axe: {fix or 'no critical or serious finding'}" + (
            f"; allowed until fixed upstream: {allowed}" if allowed else "")


def audit(page: Page, where: str = "body", allowed: tuple[Allowed, ...] = ()) -> Findings:
    """Run axe-core on the elements `where` of `page`; its critical and serious findings."""
    if not page.evaluate("() => typeof axe === 'object'"):
        page.add_script_tag(path=str(vendor_js.package_dir("axe-core") / "axe.min.js"))
    found = page.evaluate(RUN, [where, [a.__dict__ for a in allowed], list(GRAVE)])
    findings = Findings({}, {})
    for violation in found:
        key = f"{violation['rule']} ({violation['impact']}): {violation['help']}"
        for node in violation["nodes"]:
            if node["upstream"]:
                name = f"{violation['rule']}, {node['upstream']}"
                findings.allowed[name] = findings.allowed.get(name, 0) + 1
            else:
                findings.to_fix.setdefault(key, []).append(node)
    return findings


# Whether the focused element shows where the focus is (an outline or a ring of shadow).
FOCUS_SHOWN = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return {shown: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
                 || s.boxShadow !== 'none',
          what: e.getAttribute('aria-label') || e.textContent.trim() || e.className}; }"""
IS_FOCUSED = "e => e === document.activeElement"
# Controls that Tab reaches in a Player, in order: its enabled buttons and its slider handles.
CONTROLS = ".widget-play button:not([disabled]):not([style*='none']), .noUi-handle"


def check_keyboard_focus(page: Page, root: Locator) -> int:
    """Tab from before the Player reaches each of its controls in turn, each showing its
    focus; then Enter on Play (to play). Return how many controls Tab reached."""
    controls = root.locator(CONTROLS)
    controls.first.focus()
    page.keyboard.press("Shift+Tab")
    for index in range(controls.count()):
        page.keyboard.press("Tab")
        if not controls.nth(index).evaluate(IS_FOCUSED):
            raise Failure(f"Tab did not reach control {index + 1} of the Player "
                          f"({controls.nth(index).get_attribute('aria-label')!r})")
        focus = page.evaluate(FOCUS_SHOWN)
        if not focus["shown"]:
            raise Failure(f"the focused {focus['what']!r} shows no focus (no outline or ring)")
    root.locator(".widget-play button").first.focus()
    page.keyboard.press("Enter")
    return controls.count()


def check_text_alternative(frame: dict, count: int) -> None:
    """The frame's words (its aria-label) name its step, its window and every line of its
    arithmetic, the result included; `frame` as browser.FRAME_FIELDS reads it."""
    label = frame["label"] or ""
    step = f"step {frame['step'] + 1} of {count}"
    missing = [what for what, found in (
        (step, step in label),
        ("the window", "window covers input" in label or "pixel [" in label),
        # a line may start with what the label says before it ("channel 0: ...")
        *((f"the arithmetic {line!r}", line.split(": ", 1)[-1] in label)
          for line in frame["math"]))
        if not found]
    if missing:
        raise Failure(f"step {frame['step']}: its text alternative lacks {', '.join(missing)}: "
                      f"{label[:200]!r}")
