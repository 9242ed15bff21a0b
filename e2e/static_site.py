"""Open every page of the static site (build/html/, `make html`) in Chromium with no network.

Every request the browser makes must stay inside the site's folder: anything else
is aborted and fails the page, as does a file the page asks for that is missing.
On each page: no console error, every stored widget view renders (none falls back
to text), and every Player, at 100 ms a step (typed into its speed box), plays
from its first frame to its last showing exactly the frames stored in the
notebook's widget state (step order, value, output cell, arithmetic that adds
up), each frame's text alternative naming its step, window and arithmetic; then
the arrow keys on its step slider step back and forth, a click on the middle of
the slider scrubs, Tab reaches each of its controls with a visible focus and Enter
on Play plays. axe-core finds no critical or serious problem. At 390 px wide (a
phone) the page never scrolls sideways. Screenshots go to `build/e2e/html/`.

    python e2e/static_site.py [--site build/html]
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from accessibility import audit, check_keyboard_focus, check_text_alternative
from browser import (
    FRAME_FIELDS,
    FRAME_WORDS,
    READ_FRAME,
    WIDGET_MIME,
    Failure,
    Report,
    chromium,
    labelled,
    play_and_record,
    try_settings,
    wait_for,
)
from frame_math import MathError, check_frame_math, shown_value
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

ROOT = Path(__file__).resolve().parent.parent
PHONE = {"width": 390, "height": 844}
STATE_MIME = "application/vnd.jupyter.widget-state+json"
LINKS = {"LinkModel", "DirectionalLinkModel"}
# A stored frame's HTML read the way READ_FRAME reads the one on screen.
READ_STORED = "html => {\n  const fields = " + FRAME_FIELDS + """;
  const box = document.createElement('div');
  box.innerHTML = html;
  const frame = box.querySelector('.cbk[data-step]');
  return frame ? fields(frame) : {step: null, message: box.textContent};
}"""
# Widget views html-manager rendered, and those it left empty (the page then shows nothing).
RENDERED = """() => Array.from(document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"]')).map(
    s => !!s.parentElement.querySelector('.jupyter-widgets, .widget-box, .widget-inline-hbox'))"""


@dataclass
class StoredPlayer:
    """A Player as the notebook stores it: where it is and the HTML of its frames."""

    where: str  # e.g. "code cell 4, Player(corr2d, ...)"
    frames: list[str]
    every: list[str]  # the frames of every stored setting of its widget


def stored_players(notebook: Path) -> tuple[int, list[StoredPlayer]]:
    """The widget views a notebook stores, and its Players in the order the page shows them."""
    nb = nbformat.read(notebook, as_version=4)
    state = nb.metadata.get("widgets", {}).get(STATE_MIME, {}).get("state", {})
    linked: dict[str, set[str]] = {}
    for model in state.values():
        if model["model_name"] in LINKS:
            ends = [model["state"][e][0].removeprefix("IPY_MODEL_") for e in ("source", "target")]
            for a, b in (ends, ends[::-1]):
                linked.setdefault(a, set()).add(b)

    def stack_of(play: str) -> list[str]:
        stack = next(m for m in linked.get(play, ()) if state[m]["model_name"] == "StackModel")
        return [state[c.removeprefix("IPY_MODEL_")]["state"]["value"]
                for c in state[stack]["state"]["children"]]

    def plays(model_id: str):
        """Play models under `model_id`, depth first, as the page lays them out (of a
        Stack, only the child it shows)."""
        model = state[model_id]
        if model["model_name"] == "PlayModel":
            yield model_id
        children = model["state"].get("children", [])
        if model["model_name"] == "StackModel" and children:
            children = [children[model["state"]["selected_index"]]]
        for child in children:
            yield from plays(child.removeprefix("IPY_MODEL_"))

    def frames_under(model_id: str):
        """The HTML of every frame under `model_id`, in every Stack."""
        model = state[model_id]["state"]
        if re.search(r'data-step="|class="cbk-msg"', str(model.get("value", ""))):
            yield model["value"]  # a frame, or a message shown instead
        for child in model.get("children", []):
            yield from frames_under(child.removeprefix("IPY_MODEL_"))

    views, players, code = 0, [], 0
    for cell in nb.cells:
        code += cell.cell_type == "code"
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_MIME)
            if view is None:
                continue
            views += 1
            where = f"code cell {code}, {output['data'].get('text/plain', '')[:60]}"
            every = list(frames_under(view["model_id"]))
            players += [StoredPlayer(where, stack_of(p), every) for p in plays(view["model_id"])]
    return views, players


class StaticPlayer:
    """One Player on a page: plays, steps from the keyboard and scrubs in the browser."""

    def __init__(self, page: Page, root: Locator, stored: StoredPlayer, find):
        self.page, self.root, self.find = page, root, find
        self.expected = [page.evaluate(READ_STORED, html) for html in stored.frames]
        self.every = [page.evaluate(READ_STORED, html) for html in stored.every]
        self.changing = self.settings_seen = 0

    def frame(self) -> dict:
        return self.root.evaluate(READ_FRAME)

    def check_frame(self, frame: dict) -> None:
        """The frame shown is the stored frame of its step, and its arithmetic adds up."""
        step = frame["step"]
        if step is None or not 0 <= step < len(self.expected) or frame != self.expected[step]:
            raise Failure(f"shows {frame!r}, not a stored frame of this player")
        check_text_alternative(frame, len(self.expected))
        try:
            check_frame_math(frame["math"], shown_value(frame["value"]))
        except MathError as error:
            raise Failure(f"step {step}: {error}") from None

    def wait_for_step(self, step: int, seconds: float, what: str) -> None:
        wait_for(lambda: self.frame()["step"] == step, seconds, what)
        self.check_frame(self.frame())

    def run(self) -> str:
        self.root.scroll_into_view_if_needed()
        count = len(self.expected)
        self.wait_for_step(0, 10, "the first stored frame")
        if count < 2:
            return "1 frame"
        for frame in play_and_record(self.root, count):
            self.check_frame(frame)
        step_slider = labelled(self.root, ".widget-hslider", "step")
        step_slider.locator(".noUi-handle").focus()
        self.page.keyboard.press("ArrowLeft")
        self.wait_for_step(count - 2, 10, "ArrowLeft on the step slider")
        self.page.keyboard.press("ArrowRight")
        self.wait_for_step(count - 1, 10, "ArrowRight on the step slider")
        step_slider.locator(".noUi-target").click()  # the middle of the track
        wait_for(lambda: 0 < (self.frame()["step"] or 0) < count - 1, 10,
                 "the frame to follow a click on the middle of the step slider")
        self.check_frame(self.frame())
        before = self.frame()["step"]
        controls = check_keyboard_focus(self.page, self.root)  # ends with Enter on Play
        wait_for(lambda: self.frame()["step"] != before, 10, "Enter on Play to play")
        wait_for(lambda: self.root.locator(".widget-play .mod-active").count() == 0,
                 10 + count * 0.3, "Play to stop after its last step")
        return f"{count} frames, {controls} controls reached by Tab; {self.settings()}"

    def settings(self) -> str:
        """Each setting that works with no kernel (its every value's frames stored) shows
        a stored frame of its own when changed."""
        area = self.root.locator(
            "xpath=ancestor::div[contains(@class,'jp-OutputArea-output')][1]")
        shown = try_settings(area, self.find, lambda: (self.find().evaluate(READ_FRAME),
                                                       self.find().evaluate(FRAME_WORDS)))
        for label, seen in shown.items():
            wrong = [(value, frame) for value, (frame, _) in seen if frame not in self.every]
            if wrong:
                raise Failure(f"{label} = {wrong[0][0]} shows {wrong[0][1]}, not a stored frame")
        # a value may draw alike (a padding mode at padding 0); the page's settings
        # together must change some frame (check_page)
        self.changing += sum(len({said for _, (_, said) in seen}) > 1 for seen in shown.values())
        self.settings_seen += len(shown)
        return ", ".join(f"{label}: {len(seen)} settings" for label, seen in shown.items())


def guard_network(page: Page, site: Path, problems: list[str]) -> None:
    """Abort every request that leaves `site`; note it, failed loads and console errors."""
    inside = site.resolve().as_uri() + "/"

    def route(route):
        url = route.request.url
        if url.startswith(inside):
            route.continue_()
        else:
            problems.append(f"a request left the site: {url[:120]}")
            route.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda r: problems.append(
        f"could not load {r.url.removeprefix(inside)[:120]} ({r.failure})"))
    page.on("console", lambda m: m.type == "error" and problems.append(
        f"console error: {m.text[:200]}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {str(e)[:200]}"))


def check_page(browser, site: Path, page_file: Path, shots: Path, report: Report) -> int:
    """Check one page; return how many players it played."""
    problems: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    guard_network(page, site, problems)
    notebook = ROOT / "notebooks" / (page_file.stem + ".ipynb")
    views, players = stored_players(notebook) if notebook.exists() else (0, [])
    played, roots, changing, settings = 0, [], 0, 0
    try:
        page.goto(page_file.resolve().as_uri())
        page.wait_for_load_state("load")
        if len(page.evaluate(RENDERED)) != views:
            raise Failure(f"{len(page.evaluate(RENDERED))} widget views on the page, "
                          f"{views} stored in the notebook")
        if views:
            wait_for(lambda: all(page.evaluate(RENDERED)), 30, "every widget to render")
            roots = page.locator(".widget-play").all()
            if len(roots) != len(players):
                raise Failure(f"{len(roots)} Players on the page, {len(players)} stored")
        page.screenshot(path=shots / f"{page_file.stem}.png")
        for index, (_play, stored) in enumerate(zip(roots, players, strict=True)):
            def find(n=index):
                return page.locator(".widget-play").nth(n).locator(
                    "xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
            root = find()
            try:
                player = StaticPlayer(page, root, stored, find)
                player.run()
                played += 1
                changing += player.changing
                settings += player.settings_seen
            except (Failure, PlaywrightError) as error:
                report.fail(f"{page_file.name}, {stored.where}", str(error).splitlines()[0])
            root.screenshot(path=shots / f"{page_file.stem}-player-{index + 1:02d}.png")
        if settings and not changing:
            problems.append(f"none of the {settings} settings that work here changes a frame")
        findings = audit(page)
        print(f"  {page_file.name}: {findings.summary()}", flush=True)
        problems += findings.problems()
        page.set_viewport_size(PHONE)
        page.evaluate("window.scrollTo(0, 0)")
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > PHONE["width"]:
            problems.append(f"at {PHONE['width']} px wide the page is {wide} px wide")
        page.screenshot(path=shots / f"{page_file.stem}-phone.png")
    except (Failure, PlaywrightError) as error:
        problems.append(str(error).splitlines()[0])
    finally:
        page.close()
    for problem in problems:
        report.fail(page_file.name, problem)
    return played


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "build" / "html")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "e2e" / "html")
    args = parser.parse_args(argv)
    pages = sorted(args.site.glob("*.html"))
    if not pages:
        print(f"no pages in {args.site}: run `make html`", file=sys.stderr)
        return 1
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    report = Report()
    with chromium() as browser:
        for page_file in pages:
            before = len(report.failures)
            played = check_page(browser, args.site, page_file, args.out, report)
            status = "ok" if len(report.failures) == before else "FAILED"
            print(f"{page_file.name}: {status}, {played} players played", flush=True)
    return report.exit_status(f"all {len(pages)} pages of {args.site} passed with the "
                              "network blocked")


if __name__ == "__main__":
    sys.exit(main())
