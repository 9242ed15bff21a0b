"""Open every lecture deck from disk in Chromium with the network blocked, as a lecture room does.

Builds the decks (tools/build_slides.py) into build/slides/, then opens each one
at 1920x1080 from file:// in a browser context that is offline, where every
request for anything outside build/slides/ is aborted and reported. For each
deck it checks: no console error and no page error; every stored widget renders
(no text fallback); every Player plays through its stored frames in order (step,
value and output cell as stored in the notebook); the presenter keys step the
Player's animation first and the slides after its last step, forwards (Right,
Page Down) and backwards (Left, Page Up); a Player's frame is large enough to
read from the back of a room and lies wholly on the slide; axe-core finds no
critical or serious problem on its first slide with a Player. Screenshots:
`build/e2e/slides/<deck>-title.png` and `<deck>-player-N.png` (mid-animation).

    python e2e/slides.py [NOTEBOOK ...]
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
from pathlib import Path

import nbformat
from accessibility import audit
from browser import (
    FRAME_WORDS,
    READ_FRAME,
    Failure,
    Report,
    chromium,
    play_and_record,
    try_settings,
    wait_for,
)
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import build_slides  # noqa: E402

SCREEN = {"width": 1920, "height": 1080}  # a 1080p projector
MIN_CELL_PX = 48  # a grid cell's height on the screen: readable from the back of a room
MIN_TEXT_PX = 26  # the height of a line of the frame's arithmetic on the screen
FRAME = re.compile(r'data-step="(\d+)" data-value="([^"]*)" data-out="([^"]*)"')
REVEAL = "_static/reveal.js/dist/reveal.js"
WIDGET_VIEW = "script[type='application/vnd.jupyter.widget-view+json']"
# Where the deck is: the slide's number in reading order, and each animation on it (step, last).
WHERE = """() => {
  const slide = __deck.getCurrentSlide();
  const handles = Array.from(slide.querySelectorAll('.widget-play'))
    .filter(p => p.offsetParent !== null).map(p =>
    p.parentElement.querySelector('.widget-hslider .noUi-handle')).filter(h => h);
  return [__deck.getSlides().indexOf(slide), __deck.getSlides().length,
          handles.map(h => [Math.round(+h.getAttribute('aria-valuenow')),
                            Math.round(+h.getAttribute('aria-valuemax'))]),
          __deck.getIndices().f];  // a fragment shown is a step of its own
}"""


def stored_players_of(state: dict, view: str) -> list[list[dict]]:
    """Each Player in the widget `view`, in order, as its stored frames' step, value and
    output (of its stored settings, the one shown)."""
    players = []

    def walk(model: str) -> None:
        entry = state[model]
        children = [c.removeprefix("IPY_MODEL_") for c in entry["state"].get("children", [])]
        if entry["model_name"] == "StackModel":
            frames = [FRAME.search(state[c]["state"].get("value", "")) for c in children]
            if frames and all(frames):
                players.append([{"step": int(f[1]), "value": html.unescape(f[2]), "out": f[3]}
                                for f in frames])
                return
            children = children[entry["state"]["selected_index"]:][:1]  # the setting shown
        for child in children:
            walk(child)

    walk(view)
    return players


def stored_players(nb: nbformat.NotebookNode) -> list[list[dict]]:
    """Each Player the deck shows, in order, as `stored_players_of` gives them."""
    state = nb.metadata["widgets"][build_slides.WIDGET_STATE]["state"]
    players = []
    for cell in build_slides.lecture_copy(nb).cells:
        for output in cell.get("outputs", []):
            if build_slides.WIDGET_VIEW in output.get("data", {}):
                players += stored_players_of(state, output.data[build_slides.WIDGET_VIEW][
                    "model_id"])
    return players


def stored_frames(nb: nbformat.NotebookNode) -> list[list[dict]]:
    """For each Player the deck shows, the frames of every one of its settings (None for
    a message shown instead)."""
    state = nb.metadata["widgets"][build_slides.WIDGET_STATE]["state"]
    found = []

    def frames(model: str) -> list[dict]:
        entry = state[model]["state"]
        value = entry.get("value") if isinstance(entry.get("value"), str) else ""
        hit = FRAME.search(value)
        own = [{"step": int(hit[1]), "value": html.unescape(hit[2]), "out": hit[3]}] if hit else []
        if 'class="cbk-msg"' in value:
            own.append(None)  # a message in place of the frames, as frame_of reads it
        return own + [f for c in entry.get("children", []) for f in frames(c[10:])]

    for cell in build_slides.lecture_copy(nb).cells:
        for output in cell.get("outputs", []):
            if build_slides.WIDGET_VIEW in output.get("data", {}):
                model = output.data[build_slides.WIDGET_VIEW]["model_id"]
                found += [frames(model)] * len(stored_players_of(state, model))
    return found


class Deck:
    """One deck open in the browser, with reveal.js's API reachable as `__deck`."""

    def __init__(self, page: Page, path: Path):
        self.page, self.path = page, path
        page.goto(path.as_uri())
        page.wait_for_function("() => window.require && document.querySelector('.reveal.ready')",
                               timeout=30_000)
        page.evaluate("url => new Promise(done => require([url], R => "
                      "{ window.__deck = R; done(); }))", REVEAL)

    def indices(self, element=None) -> tuple[int, int]:
        """The slide shown, or the slide that holds `element` (a Locator)."""
        script = "e => { const i = __deck.getIndices(e && e.closest('section')); " \
                 "return [i.h, i.v || 0]; }"
        return tuple(element.evaluate(script) if element else self.page.evaluate(script))

    def go(self, h: int, v: int) -> None:
        self.page.evaluate("([h, v]) => __deck.slide(h, v)", [h, v])

    def press(self, key: str) -> None:
        """A presenter's key, sent to the slide (not to a focused control)."""
        self.page.evaluate("() => document.activeElement && document.activeElement.blur()")
        self.page.keyboard.press(key)


def check_widgets(deck: Deck) -> int:
    """Every stored widget view rendered by html-manager; none shows its text fallback."""
    views = deck.page.locator(WIDGET_VIEW).count()
    wait_for(lambda: deck.page.locator(".jp-OutputArea-output .jupyter-widgets").count()
             >= views, 30, f"{views} widgets to render")
    broken = deck.page.locator(".jupyter-widgets", has_text=re.compile(
        r"Error displaying widget|model not found|Internal error")).count()
    fallback = deck.page.locator(".jp-OutputArea-output pre", has_text=re.compile(
        r"^(Player|FieldView|LiveView|SpeedTest|DigitPad|TrainingProgress)\(")).count()
    if broken or fallback:
        raise Failure(f"{broken} widget(s) show an error, {fallback} their text fallback")
    return views


def as_stored(frame: dict) -> dict | None:
    """A frame's step, value and output cell, as `stored_players` gives them (None for a
    message instead of a frame)."""
    return None if frame["step"] is None else {k: frame[k] for k in ("step", "value", "out")}


def frame_of(root) -> dict | None:
    """The frame a Player shows: its step, value and output cell."""
    return as_stored(root.evaluate(READ_FRAME))


def check_readable(root, where: str) -> None:
    """At 1080p, the frame's cells and arithmetic are big, and all of it and its Play row
    are on the slide."""
    size = root.evaluate("""root => {
      const frame = Array.from(root.querySelectorAll('.cbk[data-step]'))
        .find(e => e.offsetParent !== null);
      const range = document.createRange();
      range.selectNodeContents(frame);
      const box = range.getBoundingClientRect();
      const slide = document.querySelector('.reveal .slides').getBoundingClientRect();
      // a cell's side: its square's `h` in the path of its look, at the grid's scale
      const cells = Array.from(frame.querySelectorAll('svg g > path')).map(p => {
        const svg = p.ownerSVGElement, side = +/h(\\d+)/.exec(p.getAttribute('d'))[1];
        return side * svg.getBoundingClientRect().height / svg.viewBox.baseVal.height;
      }).sort((a, b) => a - b);
      const math = frame.querySelector('.cbk-math > div');
      const play = Array.from(root.querySelectorAll('.widget-play'))
        .find(e => e.offsetParent !== null);  // the Play row under the frame, if it steps
      const bar = play ? play.getBoundingClientRect() : null;
      return {cell: cells[cells.length >> 1], text: math ? math.getBoundingClientRect().height : 0,
              inside: box.left >= slide.left && box.right <= slide.right
                      && box.top >= slide.top && box.bottom <= slide.bottom,
              bar: !bar || bar.bottom <= slide.bottom};
    }""")
    if size["cell"] < MIN_CELL_PX or size["text"] < MIN_TEXT_PX:
        raise Failure(f"{where}: grid cells {size['cell']:.0f} px and lines of arithmetic "
                      f"{size['text']:.0f} px high at 1920x1080; at least {MIN_CELL_PX} and "
                      f"{MIN_TEXT_PX} px read from the back of a room")
    if not size["inside"]:
        raise Failure(f"{where}: the frame runs off the slide")
    if not size["bar"]:
        raise Failure(f"{where}: the Play row under the frame runs off the bottom of the slide")


def check_walk(deck: Deck) -> str:
    """ArrowRight alone, from the title, shows every slide in order and every step of
    every animation on the way (reveal.js's vertical slides are not skipped)."""
    deck.go(0, 0)
    where = deck.page.evaluate(WHERE)
    slides, total = [where[0]], where[1]
    steps: dict[tuple[int, int], set[int]] = {}
    last: dict[tuple[int, int], int] = {}
    for _ in range(total * 3 + 400):
        for n, (step, end) in enumerate(where[2]):
            steps.setdefault((where[0], n), set()).add(step)
            last[(where[0], n)] = end
        if where[0] == total - 1 and all(step == end for step, end in where[2]):
            break
        before = where
        deck.press("ArrowRight")
        wait_for(lambda before=before: deck.page.evaluate(WHERE) != before, 10,
                 f"ArrowRight to move on from slide {before[0] + 1}")
        where = deck.page.evaluate(WHERE)
        if where[0] != slides[-1]:
            slides.append(where[0])
    if slides != list(range(total)):
        raise Failure(f"ArrowRight showed the slides {[i + 1 for i in slides]}, not 1 to {total}")
    for (slide, n), seen in steps.items():
        if seen != set(range(last[(slide, n)] + 1)):
            raise Failure(f"ArrowRight showed the steps {sorted(seen)} of animation {n + 1} "
                          f"on slide {slide + 1}, not 0 to {last[(slide, n)]}")
    return f"ArrowRight: {total} slides, {sum(map(len, steps.values()))} steps"


def check_settings(deck: Deck, n: int, stored: list[dict], every: list[dict]) -> str:
    """Each setting a deck keeps (a few values, every one's frames stored) shows, with no
    kernel, a stored frame of its own; the others are not on the slide."""
    root = deck.page.locator(".widget-play").nth(n - 1).locator("xpath=../..")
    h, v = deck.indices(root)
    deck.go(h, v)
    area = root.locator("xpath=ancestor::div[contains(@class,'jp-OutputArea-output')][1]")
    def find():
        return deck.page.locator(".widget-play").nth(n - 1).locator("xpath=../..")

    shown = try_settings(area, find, lambda: (frame_of(find()), find().evaluate(FRAME_WORDS)))
    for label, seen in shown.items():
        wrong = [(value, frame) for value, (frame, _) in seen if frame not in every]
        if wrong:
            raise Failure(f"Player {n}: {label} = {wrong[0][0]} shows {wrong[0][1]}, not a "
                          "stored frame")

    deck.go(h, v)
    wait_for(lambda: frame_of(root) is not None, 10, f"Player {n} to show a frame again")
    # a value may draw alike (a padding mode at padding 0), but the deck's settings
    # together must change some frame (check_deck)
    return ", ".join(f"{label}: {len(seen)} settings"
                     + ("" if len({said for _, (_, said) in seen}) > 1 else " (all alike)")
                     for label, seen in shown.items())


def check_player(deck: Deck, n: int, stored: list[dict], shots: Path) -> str:
    """Keys step the animation, then the slides; Play shows the stored frames in order."""
    page, where = deck.page, f"Player {n}"
    root = page.locator(".widget-play").nth(n - 1).locator("xpath=../..")
    h, v = deck.indices(root)
    deck.go(h, v)
    count, last = len(stored), len(stored) - 1

    def shows(step: int, what: str) -> None:
        wait_for(lambda: frame_of(root) == stored[step], 10, f"{where} to show step {step} "
                 f"after {what} (shows {frame_of(root)})")

    shows(0, "arriving on its slide")
    check_readable(root, where)
    for step in range(1, count):  # forwards: the animation, then the next slide
        deck.press("ArrowRight" if step % 2 else "PageDown")
        shows(step, "a forward key")
        if step == count // 2:
            page.screenshot(path=str(shots / f"{deck.path.stem.split('.')[0]}-player-{n}.png"))
    deck.press("PageDown")
    wait_for(lambda: deck.indices() != (h, v), 10, f"the slide after {where}'s last step")
    deck.press("PageUp")  # back onto the slide, at the last step, and back through the steps
    wait_for(lambda: deck.indices() == (h, v), 10, f"the way back to {where}'s slide")
    shows(last, "coming back to its slide")
    for step in range(last - 1, -1, -1):
        deck.press("ArrowLeft" if step % 2 else "PageUp")
        shows(step, "a backward key")
    if (h, v) != (0, 0):
        deck.press("ArrowLeft")
        wait_for(lambda: deck.indices() != (h, v), 10, f"the slide before {where}'s first step")
        deck.go(h, v)
    if count > 1:
        try:
            played = [as_stored(f) for f in play_and_record(root, count)]
        except Failure as failure:
            raise Failure(f"{where}: {failure}") from None
        if played != stored:
            raise Failure(f"{where}: Play showed {played}, the notebook stores {stored}")
    return f"{count} steps"


def check_access(deck: Deck, name: str, report: Report) -> None:
    """axe-core on the deck's first slide with a Player (else its title), slide number and
    controls included: no critical or serious finding."""
    players = deck.page.locator(".widget-play")
    deck.go(*(deck.indices(players.first) if players.count() else (0, 0)))
    findings = audit(deck.page, ".reveal")
    print(f"  {name}: {findings.summary()}", flush=True)
    for problem in findings.problems():
        report.fail(name, problem)


def check_deck(browser, path: Path, notebook: Path, shots: Path, report: Report) -> None:
    name, inside = path.name, path.parent.resolve().as_uri() + "/"
    context = browser.new_context(viewport=SCREEN, offline=True)
    page = context.new_page()
    outside, errors = [], []

    def route(request_route) -> None:
        if request_route.request.url.startswith(inside):
            request_route.continue_()
        else:
            request_route.abort()

    def request(req) -> None:
        if not req.url.startswith(inside):
            outside.append(req.url)

    page.route("**/*", route)
    page.on("request", request)
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        deck = Deck(page, path)
        views = check_widgets(deck)
        page.screenshot(path=str(shots / f"{notebook.stem}-title.png"))
        stored = stored_players(nbformat.read(notebook, as_version=4))
        on_deck = page.locator(".widget-play").count()
        if on_deck != len(stored):
            raise Failure(f"the deck shows {on_deck} Players, the notebook's cut {len(stored)}")
        every = stored_frames(nbformat.read(notebook, as_version=4))
        played = [check_player(deck, n, frames, shots) for n, frames in enumerate(stored, 1)]
        settings = [check_settings(deck, n, frames, every[n - 1])
                    for n, frames in enumerate(stored, 1)]
        said = [text for text in settings if text]
        if said and all(part.endswith("(all alike)") for text in said
                        for part in text.split(", ")):
            raise Failure(f"no setting changes a frame: {said}")
        walked = check_walk(deck)
        print(f"ok {name}: {views} widgets, Players: {', '.join(played) or 'none'}; "
              f"settings without a kernel: {'; '.join(s for s in settings if s) or 'none'}; "
              f"{walked}", flush=True)
        check_access(deck, name, report)
    except Failure as failure:
        report.fail(name, str(failure))
    finally:
        context.close()
    for url in outside:
        report.fail(name, f"asked for {url}, outside build/slides/ (blocked)")
    for error in errors:
        report.fail(name, f"console error: {error}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="chapters whose decks to check (default: every notebooks/*.ipynb)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "slides")
    args = parser.parse_args(argv)
    notebooks = [p.resolve() for p in args.notebooks]
    notebooks = notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    decks = build_slides.build(args.out, notebooks)
    shots = ROOT / "build" / "e2e" / "slides"
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    report = Report()
    with chromium() as browser:
        for deck, notebook in zip(decks, notebooks, strict=True):
            check_deck(browser, deck, notebook, shots, report)
    return report.exit_status(f"all {len(decks)} deck(s) passed offline; screenshots in "
                              f"{shots.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
