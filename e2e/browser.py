"""What every browser check shares: Debian's Chromium, the report, waiting, and playing a Player.

A Player is found by its root element (the box around its frames and its bar of
Play, step buttons, step slider and speed slider), in JupyterLab, on a page of the
static site or on a slide alike.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Locator, sync_playwright
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = os.environ.get("BOOK_CHROMIUM", "/usr/bin/chromium")  # Debian's; never downloaded
# Debian's Chromium as root, in a sandboxed machine with no network but the package registries.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-quic"]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"  # a widget view, as a notebook stores it
PLAY_INTERVAL_MS = 100  # the speed the checks type into each Player's speed control

# The step, value, output cell and lines of arithmetic of a frame element (`.cbk[data-step]`).
FRAME_FIELDS = """frame => ({
  step: +frame.dataset.step, value: frame.dataset.value, out: frame.dataset.out,
  math: Array.from(frame.querySelectorAll('.cbk-math > div')).map(d => d.textContent),
  label: frame.getAttribute('aria-label'), message: null})"""

# The frame a Player's root shows, or the message it shows instead (step null).
READ_FRAME = "root => {\n  const fields = " + FRAME_FIELDS + """;
  const visible = e => e.offsetParent !== null;
  const frame = Array.from(root.querySelectorAll('.cbk[data-step]')).find(visible);
  const message = Array.from(root.querySelectorAll('.cbk-msg')).find(visible);
  return frame ? fields(frame) : {step: null, message: message ? message.textContent : null};
}"""

# Records every frame a Player shows from now on (a MutationObserver sees each change).
RECORD_FRAMES = "root => {\n  const readFrame = " + READ_FRAME + """;
  root.__e2eFrames = [readFrame(root)];
  root.__e2eObserver = new MutationObserver(() => {
    const frame = readFrame(root), frames = root.__e2eFrames;
    // between two frames the stack can briefly show none; that is not a step
    if (frame.step !== null && frame.step !== frames[frames.length - 1].step) frames.push(frame);
  });
  root.__e2eObserver.observe(root, {subtree: true, childList: true, attributes: true});
}"""


class Failure(Exception):
    """A check that failed; the message says what a reader would see."""


class Report:
    """Failures so far, each prefixed with where it happened."""

    def __init__(self):
        self.failures: list[str] = []

    def fail(self, where: str, what: str) -> None:
        line = f"FAIL {where}: {what}"
        self.failures.append(line)
        print(line, flush=True)

    def exit_status(self, passed: str) -> int:
        """Print every failure again (or `passed` if none); 1 if anything failed."""
        if self.failures:
            print(f"\n{len(self.failures)} failure(s):", *self.failures, sep="\n")
            return 1
        print(f"\n{passed}")
        return 0


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium (or BOOK_CHROMIUM), closed on exit."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_for(condition, seconds: float, what: str, poll: float = 0.2) -> None:
    """Return once `condition()` is true; raise Failure after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(poll)
    raise Failure(f"gave up after {seconds:.0f} s waiting for {what}")


def playwright_summary(error: PlaywrightError) -> str:
    """The first line of Playwright's message and the element it waited for."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    waited = [line for line in lines if line.startswith("- waiting for")]
    return " ".join(lines[:1] + waited[:1])


def labelled(root: Locator, kind: str, label: str) -> Locator:
    """The one control of CSS class `kind` (such as `.widget-hslider`) in `root` whose
    label reads exactly `label`."""
    has_label = root.page.locator("label.widget-label", has_text=label)
    matches = [c for c in root.locator(kind).filter(has=has_label).all()
               if c.locator("label.widget-label").text_content().strip() == label]
    if len(matches) != 1:
        raise Failure(f"found {len(matches)} controls labelled {label!r}")
    return matches[0]


def type_into_readout(slider: Locator, value: int) -> None:
    """Set a slider by typing into the number beside it, then Enter."""
    readout = slider.locator(".widget-readout")
    readout.click()
    readout.press("Control+a")
    readout.type(str(value))
    readout.press("Enter")


def play_and_record(root: Locator, count: int) -> list[dict]:
    """Type PLAY_INTERVAL_MS into the Player's speed control, press Play and wait until it
    stops after its last step; return every frame shown (READ_FRAME), from the one before
    Play. Raise Failure unless they are the steps 0 to `count - 1` in order."""
    type_into_readout(labelled(root, ".widget-hslider", "ms per step"), PLAY_INTERVAL_MS)
    root.evaluate(RECORD_FRAMES)
    root.locator(".widget-play button").first.click()  # Play

    def recorded() -> list[dict]:
        return root.evaluate("root => root.__e2eFrames")

    def reached(step: int) -> bool:
        return (recorded()[-1]["step"] or 0) >= step

    try:
        wait_for(lambda: reached(1), 10, "pressing Play to change the frame")
        wait_for(lambda: reached(count - 1), 10 + count * 3 * PLAY_INTERVAL_MS / 1000,
                 "Play to reach the last step")
        # Play pauses one tick after the last step: a step taken before that is undone
        wait_for(lambda: root.locator(".widget-play .fa-pause").count() == 0, 10,
                 "Play to stop after the last step")
    except Failure as failure:
        seen = [f["step"] for f in recorded()]
        raise Failure(f"{failure}; the frames shown since Play was pressed: {seen}") from None
    finally:
        root.evaluate("root => root.__e2eObserver.disconnect()")
    frames = recorded()
    order = [f["step"] for f in frames]
    if order != list(range(count)):
        raise Failure(f"Play showed the steps {order}, not 0 to {count - 1} in order")
    return frames


# What the frame shown says in words (its text alternative, or the message shown instead):
# two settings' frames can show the same step, value and output cell, but never the same words.
FRAME_WORDS = """root => {
  const shown = Array.from(root.querySelectorAll('.cbk[data-step], .cbk-msg'))
    .find(e => e.offsetParent !== null);
  return shown ? shown.getAttribute('aria-label') || shown.textContent : null;
}"""

# The enabled menus and sliders of the widget output `area` that lie outside the Player
# `root` (its settings, not its step slider and speed), each as [kind, label, values].
SETTINGS = """(area, root) => Array.from(area.querySelectorAll(
    '.widget-dropdown, .widget-hslider')).filter(c => !root.contains(c)).map(c => {
  const label = c.querySelector('label.widget-label').textContent.trim();
  const select = c.querySelector('select');
  if (select) return select.disabled ? null : ['menu', label,
    Array.from(select.options).map(o => o.textContent)];
  const handle = c.querySelector('.noUi-handle');
  if (!handle || c.querySelector('[disabled]')) return null;
  const low = +handle.getAttribute('aria-valuemin'), high = +handle.getAttribute('aria-valuemax');
  return ['slider', label, Array.from({length: high - low + 1}, (_, i) => String(low + i))];
}).filter(c => c !== null)"""


def changed(read, before, seconds: float = 3.0):
    """What `read()` gives once it differs from `before` (or after `seconds`, unchanged)."""
    deadline = time.monotonic() + seconds
    now = read()
    while now == before and time.monotonic() < deadline:
        time.sleep(0.1)
        now = read()
    return now


def try_settings(area: Locator, root, read) -> dict[str, list[tuple[str, dict]]]:
    """Set every enabled setting of the widget output `area` to each of its values in
    turn, as a reader does with no kernel (a menu's option, a slider's arrow keys), and
    back; return for each setting its values and what `read()` shows after each (the
    Player `root()` is found again after every change: its animation is replaced)."""
    shown = {}
    for kind, label, values in area.evaluate(SETTINGS, root().element_handle()):
        control = labelled(area, ".widget-dropdown" if kind == "menu" else ".widget-hslider",
                           label)
        seen, now = [], read()
        if kind == "menu":
            select = control.locator("select")
            first = select.input_value()
            for value in values:
                select.select_option(label=value)
                now = changed(read, now)
                seen.append((value, now))
            select.select_option(value=first)
        else:
            handle = control.locator(".noUi-handle")
            start = values.index(str(round(float(handle.get_attribute("aria-valuenow")))))
            for index, value in enumerate(values):
                handle.press("ArrowRight" if index else "Home")
                now = changed(read, now)
                seen.append((value, now))
            handle.press("Home")
            for _ in range(start):
                handle.press("ArrowRight")
        shown[label] = seen
    return shown
