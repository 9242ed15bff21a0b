"""Open every notebook of the book in a real JupyterLab and a real browser, as a reader does.

For each notebook in `notebooks/` (found at run time): open it, Run All, wait
until every cell has run, then check that no cell shows an error, that every
widget the stored notebook shows renders (no text fallback), that every Player
plays and steps through exactly the frames of its step model with arithmetic
that adds up, that every parameter control re-renders without an error, and
that FieldView, SpeedTest and LiveView answer their controls, and that clicking
cells of a DigitPad paints them and changes the prediction it shows, and that a
PictureUpload shows a small PNG the test uploads and refuses a text file and a
huge file with a message. Screenshots go to `build/e2e/<notebook>/`. Exit status 1 if anything
failed; every failure names the notebook, the cell and the widget.

    python e2e/check_book.py [NOTEBOOK ...]
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
from frame_math import MathError, check_frame_math, shown_value
from kernel_probe import KernelProbe
from lab_server import LabServer
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, sync_playwright
from reading import check_contrast, check_keyboard, check_layouts, set_theme

from helpers.frames.kit import fmt

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("BOOK_CHROMIUM", "/usr/bin/chromium")  # Debian's; never downloaded
# Debian's Chromium as root, in a sandboxed machine with no network but the package registries.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-quic"]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"  # as stored in the file
RUN_TIMEOUT = 300  # seconds for Run All of one notebook
PLAY_INTERVAL_MS = 100  # the speed the test types into each Player's speed control
MAX_CHOICES = 8  # options tried per control

READ_FRAME = """root => {
  const shown = e => e.offsetParent !== null;
  const frame = Array.from(root.querySelectorAll('.cbk[data-step]')).find(shown);
  const message = Array.from(root.querySelectorAll('.cbk-msg')).find(shown);
  if (!frame) return {step: null, message: message ? message.textContent : null};
  return {step: +frame.dataset.step, value: frame.dataset.value, out: frame.dataset.out,
          math: Array.from(frame.querySelectorAll('.cbk-math > div')).map(d => d.textContent),
          message: null};
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


# -- a notebook in JupyterLab ----------------------------------------------------

def open_and_run(page: Page, lab: LabServer, name: str, code_cells: int) -> None:
    """Open the notebook, wait for its kernel, Run All, wait until every cell ran."""
    page.goto(lab.notebook_url(name))
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
    wait_for(lambda: kernel_of(lab, name) is not None, 90, "the notebook's kernel to start")
    wait_for(lambda: kernel_of(lab, name)["execution_state"] == "idle", 90,
             "the notebook's kernel to be idle before Run All")
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    prompts = ".jp-CodeCell .jp-InputArea-prompt"

    def finished() -> bool:
        texts = page.locator(prompts).all_text_contents()
        ran = sum(1 for t in texts if has_run(t))
        busy = any("*" in t for t in texts)
        error = page.locator(".jp-OutputArea-output[data-mime-type="
                             "'application/vnd.jupyter.stderr']").count() > 0
        state = (kernel_of(lab, name) or {}).get("execution_state", "gone")
        if state in ("dead", "gone"):
            raise Failure(f"the kernel is {state} after {ran} of {code_cells} cells "
                          f"(see {lab.log_path.name})")
        return not busy and (ran == code_cells or error) and state == "idle"

    wait_for(finished, RUN_TIMEOUT, "Run All to finish")
    time.sleep(0.5)  # last widget messages after the kernel went idle


def has_run(prompt: str) -> bool:
    """True for an execution prompt such as `[12]:`."""
    return re.fullmatch(r"\[\d+\]:", prompt.strip()) is not None


def kernel_of(lab: LabServer, name: str) -> dict | None:
    for session in lab.api("sessions"):
        if session["path"] == name and session.get("kernel"):
            return session["kernel"]
    return None


def wait_for(condition, seconds: float, what: str, poll: float = 0.2) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(poll)
    raise Failure(f"gave up after {seconds:.0f} s waiting for {what}")


def check_outputs(page: Page, notebook, name: str, report: Report) -> None:
    """No error output anywhere; every widget the stored notebook shows is rendered."""
    cells = page.locator(".jp-CodeCell")
    code = [c for c in notebook.cells if c.cell_type == "code"]
    if cells.count() != len(code):
        report.fail(name, f"JupyterLab shows {cells.count()} code cells, the file has {len(code)}")
        return
    for index, cell in enumerate(code):
        where = f"{name}, code cell {index + 1} ({first_line(cell.source)})"
        shown = cells.nth(index)
        prompt = shown.locator(".jp-InputArea-prompt").text_content().strip()
        if not has_run(prompt):
            report.fail(where, f"did not run (prompt {prompt!r})")
            continue
        for error in shown.locator(".jp-OutputArea-output[data-mime-type="
                                   "'application/vnd.jupyter.stderr']").all():
            lines = [line for line in error.text_content().splitlines() if line.strip()]
            report.fail(where, f"shows an error: {lines[-1] if lines else '(empty)'}")
        stored = [o for o in cell.outputs if WIDGET_MIME in o.get("data", {})]
        views = shown.locator(".jp-OutputArea-output:has(> .jupyter-widgets)")
        if views.count() < len(stored):
            texts = [o["data"].get("text/plain", "?") for o in stored]
            report.fail(where, f"widget {', '.join(texts)} shows its text fallback instead of "
                               "rendering (is the JupyterLab widgets extension installed?)")
        for view in views.all():
            text = view.text_content() or ""
            if "Error displaying widget" in text:
                report.fail(where, f"a widget failed to render: {text.strip()[:300]!r}")


def check_no_popups(page: Page, name: str, report: Report) -> None:
    """Nothing covers the notebook: no dialog, no notification (such as JupyterLab's news)."""
    for selector, what in ((".jp-Dialog", "a dialog"), (".Toastify__toast", "a notification")):
        for element in page.locator(selector).all():
            if element.is_visible():
                text = " ".join((element.text_content() or "").split())
                report.fail(name, f"{what} covers the notebook: {text[:200]!r}")


def first_line(source: str) -> str:
    lines = [line for line in source.splitlines() if line.strip() and not line.startswith("#|")]
    return (lines[0][:60] if lines else "empty").strip()


# -- the widgets ---------------------------------------------------------------------

class WidgetCheck:
    """Drives one widget on the page and compares it with what its kernel holds."""

    def __init__(self, page: Page, probe: KernelProbe, tag: str, info: dict, shot: Path):
        self.page, self.probe, self.tag, self.info, self.shot = page, probe, tag, info, shot
        self.root: Locator = page.locator(f".{tag}").first

    def model(self) -> dict:
        return self.probe.widgets()[self.tag]

    def frame(self) -> dict:
        return self.root.evaluate(READ_FRAME)

    def control(self, spec: dict) -> Locator:
        kind = ".widget-dropdown" if spec["kind"] == "dropdown" else ".widget-hslider"
        label = self.page.locator("label.widget-label", has_text=spec["name"])
        matches = [c for c in self.root.locator(kind).filter(has=label).all()
                   if c.locator("label.widget-label").text_content().strip() == spec["name"]]
        if len(matches) != 1:
            raise Failure(f"found {len(matches)} controls labelled {spec['name']!r}")
        return matches[0]

    def set_control(self, spec: dict, choice) -> None:
        """Change a control as a reader does: pick a dropdown option, or type into a
        slider's number."""
        control = self.control(spec)
        if spec["kind"] == "dropdown":
            control.locator("select").select_option(label=choice)
        else:
            type_into_readout(control, choice)
        wait_for(lambda: self.control_value(spec["name"]) == choice, 15,
                 f"the kernel to see {spec['name']} = {choice!r}")

    def control_value(self, name: str):
        return next(c["value"] for c in self.model()["controls"] if c["name"] == name)

    def choices(self, spec: dict) -> list:
        if spec["kind"] == "dropdown":
            options = spec["options"]
        else:
            options = list(range(spec["min"], spec["max"] + 1, spec["step"]))
        others = [o for o in options if o != spec["value"]][: MAX_CHOICES - 1]
        return others + [spec["value"]]  # end where the notebook left it


def _fmt(value: float | list[float]) -> str:
    """A step's value as the book prints it; a 1x1 convolution's column as `[a, b, ...]`."""
    return f"[{', '.join(map(fmt, value))}]" if isinstance(value, list) else fmt(value)


def type_into_readout(slider: Locator, value: int) -> None:
    """Set a slider by typing into the number beside it, then Enter."""
    readout = slider.locator(".widget-readout")
    readout.click()
    readout.press("Control+a")
    readout.type(str(value))
    readout.press("Enter")


class PlayerCheck(WidgetCheck):
    """Play runs through every step in order; the buttons step; the controls re-render."""

    def run(self) -> str:
        self.root.scroll_into_view_if_needed()
        model = self.model()
        self.expect_model_frame(model)
        self.type_speed(PLAY_INTERVAL_MS)
        self.play_through(model)
        keyboard = ""
        if model["steps"] is not None and len(model["steps"]) >= 3:
            try:
                check_keyboard(self.page, self.root, lambda: self.frame()["step"])
            except TimeoutError as error:
                raise Failure(str(error)) from None
            keyboard = "; keyboard steps"
        settings = 0
        for spec in self.info["controls"]:
            for choice in self.choices(spec):
                self.set_control(spec, choice)
                self.expect_model_frame(self.model(), f"after setting {spec['name']} "
                                                      f"to {choice!r}")
                settings += 1
        values = [_fmt(s["value"]) for s in model["steps"] or []]
        shown = ", ".join(values[:8]) + (", ..." if len(values) > 8 else "")
        return (f"played {len(values)} steps ({shown}){keyboard}; "
                f"{settings} settings re-rendered")

    def expect_model_frame(self, model: dict, context: str = "") -> dict:
        """Wait until the browser shows the frame (or message) the kernel says it shows."""
        suffix = f" {context}" if context else ""
        if model["message"].startswith("Internal error"):
            raise Failure(f"shows {model['message']!r}{suffix}")
        seen = {}

        def matches() -> bool:
            seen.update(self.frame())
            if model["steps"] is None:
                return seen["message"] == model["message"]
            return seen["step"] == model["step"] and \
                shown_value(seen["value"]) == model["steps"][model["step"]]["value"]

        try:
            wait_for(matches, 15, "the frame")
        except Failure:
            raise Failure(f"shows {seen!r}, but the kernel holds step {model['step']} of "
                          f"{model['repr']} (message {model['message']!r}){suffix}") from None
        if seen["step"] is not None:
            self.check_frame(seen, model)
        return seen

    def check_frame(self, frame: dict, model: dict) -> None:
        step = model["steps"][frame["step"]]
        out = ",".join(map(str, step["out"]))
        if shown_value(frame["value"]) != step["value"] or frame["out"] != out:
            raise Failure(f"step {frame['step']} shows value {frame['value']} at output "
                          f"{frame['out']}; the step model has {step['value']} at {step['out']}")
        try:
            check_frame_math(frame["math"], step["value"])
        except MathError as error:
            raise Failure(f"step {frame['step']}: {error}") from None

    def type_speed(self, interval: int) -> None:
        type_into_readout(self.control({"name": "ms per step", "kind": "slider"}), interval)

    def play_through(self, model: dict) -> None:
        steps = model["steps"]
        if steps is None or len(steps) < 2:
            return
        count = len(steps)
        self.root.evaluate(RECORD_FRAMES)
        self.root.locator(".widget-play button").first.click()  # Play
        patience = 10 + count * 3 * PLAY_INTERVAL_MS / 1000
        self.wait_for_step(1, 10, "pressing Play to change the frame")
        self.wait_for_step(count - 1, patience, "Play to reach the last step")
        frames = self.recorded()
        self.root.evaluate("root => root.__e2eObserver.disconnect()")
        order = [f["step"] for f in frames]
        if order != list(range(count)):
            raise Failure(f"Play showed the steps {order}, not 0 to {count - 1} in order")
        for frame in frames:
            self.check_frame(frame, model)
        self.root.locator("button[title^='previous step']").click()
        wait_for(lambda: self.frame()["step"] == count - 2, 15, "the previous-step button")
        self.root.locator("button[title^='next step']").click()
        wait_for(lambda: self.frame()["step"] == count - 1, 15, "the next-step button")
        self.check_frame(self.frame(), model)
        self.scrub_to_middle(model)

    def scrub_to_middle(self, model: dict) -> None:
        """Click the middle of the step slider's track, as a reader scrubs."""
        count = len(model["steps"])
        self.control({"name": "step", "kind": "slider"}).locator(".noUi-target").click()
        wait_for(lambda: 0 < (self.frame()["step"] or 0) < count - 1, 15,
                 "the frame to follow a click on the middle of the step slider")
        self.check_frame(self.frame(), model)
        self.root.screenshot(path=self.shot.with_name(self.shot.stem + "-middle.png"))

    def recorded(self) -> list[dict]:
        return self.root.evaluate("root => root.__e2eFrames")

    def wait_for_step(self, step: int, seconds: float, what: str) -> None:
        try:
            wait_for(lambda: (self.recorded()[-1]["step"] or 0) >= step, seconds, what)
        except Failure as failure:
            seen = [f["step"] for f in self.recorded()]
            raise Failure(f"{failure}; the frames shown since Play was pressed: {seen}") from None


class FieldViewCheck(WidgetCheck):
    """Every slider moves the marked field, and the view never shows a message."""

    def run(self) -> str:
        self.root.scroll_into_view_if_needed()
        for spec in self.info["controls"]:
            spec = next(c for c in self.model()["controls"] if c["name"] == spec["name"])
            for choice in self.choices(spec)[:3] + [spec["value"]]:
                self.set_control(spec, choice)
                wait_for(lambda: self.root.locator(".cbk[data-field]").count() == 1, 15,
                         f"the field view after setting {spec['name']} to {choice}")
                if self.root.locator(".cbk-msg").count():
                    raise Failure(f"shows {self.root.locator('.cbk-msg').text_content()!r}")
        return "every slider redrew the field"


class SpeedTestCheck(WidgetCheck):
    """The button measures and shows a table, not a message."""

    def run(self) -> str:
        self.root.scroll_into_view_if_needed()
        self.root.locator("button").first.click()
        wait_for(lambda: self.root.locator(".cbk-speed, .cbk-msg").count() > 0
                 and "Measuring" not in self.root.text_content(), 120,
                 "the speed table")
        if self.root.locator(".cbk-msg").count():
            raise Failure(f"shows {self.root.locator('.cbk-msg').text_content()!r}")
        return "measured and showed its table"


class LiveViewCheck(WidgetCheck):
    """Every control redraws the picture the kernel drew for it: no stale picture, no
    internal error, and a message exactly when the kernel holds one."""

    def run(self) -> str:
        self.root.scroll_into_view_if_needed()
        settings = 0
        for spec in self.info["controls"]:
            for choice in self.choices(spec):
                self.set_control(spec, choice)
                self.expect_picture(f"after setting {spec['name']} to {choice!r}")
                settings += 1
        return f"{settings} settings redrew the picture"

    def expect_picture(self, context: str) -> None:
        model, seen = self.model(), {}

        def matches() -> bool:
            seen.update(self.root.evaluate("""root => {
              const view = root.querySelector('.cbk-view');
              const message = root.querySelector('.cbk-view .cbk-msg');
              return {key: view ? view.dataset.view : null,
                      message: message ? message.textContent : ''};
            }"""))
            return seen["key"] == model["key"]

        try:
            wait_for(matches, 15, "the picture")
        except Failure:
            raise Failure(f"shows the picture for {seen.get('key')!r}, the kernel drew "
                          f"{model['key']!r} {context}") from None
        if model["message"].startswith("Internal error") or seen["message"] != model["message"]:
            raise Failure(f"shows the message {seen['message']!r}, the kernel holds "
                          f"{model['message']!r} {context}")


class DigitPadCheck(WidgetCheck):
    """Clicking cells paints them in the kernel, and the prediction shown follows the
    kernel's after every click; drawing a digit on the cleared grid changes it."""

    STROKES = [(1, c) for c in range(2, 7)] + [(r, 6 - (r - 1) // 2) for r in range(2, 8)]

    def shown(self) -> int | None:
        return self.root.evaluate("""root => {
          const answer = root.querySelector('[data-prediction]');
          return answer ? +answer.dataset.prediction : null; }""")

    def follow_kernel(self, context: str) -> int:
        """Wait until the page shows the prediction the kernel holds; return it."""
        seen = {}

        def same() -> bool:
            seen["page"], seen["kernel"] = self.shown(), self.model()["prediction"]
            return seen["page"] is not None and seen["page"] == seen["kernel"]

        try:
            wait_for(same, 15, f"the prediction {context}")
        except Failure:
            raise Failure(f"shows the prediction {seen.get('page')} {context}, the kernel's "
                          f"network says {seen.get('kernel')} "
                          f"(message {self.model()['message']!r})") from None
        return seen["page"]

    def click_cell(self, row: int, col: int) -> None:
        self.root.locator(f"button[title^='row {row}, column {col}:']").click()

    def run(self) -> str:
        self.root.scroll_into_view_if_needed()
        shown = [self.follow_kernel("as stored")]
        self.root.locator("button", has_text="clear").click()
        wait_for(lambda: not any(map(any, self.model()["image"])), 15,
                 "clear to empty the grid in the kernel")
        shown.append(self.follow_kernel("after clear"))
        for row, col in self.STROKES:
            self.click_cell(row, col)
            wait_for(lambda row=row, col=col: self.model()["image"][row][col] == 16, 15,
                     f"a click on cell ({row}, {col}) to paint it in the kernel")
            shown.append(self.follow_kernel(f"after painting cell ({row}, {col})"))
        if len(set(shown[1:])) < 2:
            raise Failure(f"drawing never changed the prediction shown: {shown}")
        self.root.locator("button", has_text="eraser").click()
        row, col = self.STROKES[0]
        self.click_cell(row, col)
        wait_for(lambda: self.model()["image"][row][col] == 0, 15, "the eraser")
        shown.append(self.follow_kernel("after erasing a cell"))
        return f"painted {len(self.STROKES)} cells and erased one; predictions shown: " + \
            " ".join(map(str, shown))


class PictureUploadCheck(WidgetCheck):
    """Uploading a small PNG (made here) shows it and its kernel outputs, decoded by the
    kernel; uploading a text file shows a message; neither file is kept."""

    def png(self) -> bytes:
        rows, cols = np.mgrid[0:UPLOAD_SHAPE[0], 0:UPLOAD_SHAPE[1]]
        pixels = np.stack([rows * 12, cols * 9, 255 - rows * 12], -1).astype(np.uint8)
        out = io.BytesIO()
        Image.fromarray(pixels).save(out, format="PNG")
        return out.getvalue()

    def upload(self, name: str, mime: str, data: bytes) -> None:
        """Press the upload button and pick the file in the chooser it opens (its file input
        is not in the page, so it cannot be filled directly)."""
        with self.page.expect_file_chooser() as chooser:
            self.root.locator("button.widget-upload").click()
        chooser.value.set_files(files=[{"name": name, "mimeType": mime, "buffer": data}])

    def shown(self) -> dict:
        return self.root.evaluate("""root => {
          const view = root.querySelector('.cbk-picture');
          const message = root.querySelector('.cbk-msg');
          const images = Array.from(root.querySelectorAll('.cbk-picture img'));
          return {picture: view ? view.dataset.picture : null,
                  message: message ? message.textContent : null,
                  images: images.length,
                  decoded: images.every(i => i.complete && i.naturalWidth > 0)};
        }""")

    def expect(self, what: str, condition) -> dict:
        seen = {}

        def ok() -> bool:
            seen.update(self.shown())
            return condition(seen, self.model())

        try:
            wait_for(ok, 20, what)
        except Failure:
            raise Failure(f"{what}: the page shows {seen!r}, the kernel holds "
                          f"{self.model()!r}") from None
        return seen

    def run(self) -> str:
        self.root.scroll_into_view_if_needed()
        first = self.expect("the stored picture", lambda seen, model: seen["picture"]
                            == f"{model['name']} {model['shape'][1]}x{model['shape'][2]}"
                            and seen["decoded"])
        name = "e2e-picture.png"
        self.upload(name, "image/png", self.png())
        h, w = UPLOAD_SHAPE
        shown = self.expect("the uploaded PNG", lambda seen, model: model["name"] == name
                            and model["shape"] == [3, h, w] and model["files_kept"] == 0
                            and seen["picture"] == f"{name} {h}x{w}" and seen["decoded"]
                            and seen["images"] == first["images"])
        self.root.screenshot(path=self.shot.with_name(self.shot.stem + "-uploaded.png"))
        self.upload("notes.txt", "text/plain", b"a shopping list, not a picture\n")
        refused = self.expect("the message for a text file", lambda seen, model:
                              model["shape"] is None and model["files_kept"] == 0
                              and model["message"].startswith("notes.txt is not a picture")
                              and seen["message"] == model["message"]
                              and seen["picture"] is None)
        huge = b"\xff\xd8\xff" + bytes(HUGE_UPLOAD)  # a JPEG's first bytes, then too many
        self.upload("huge.jpg", "image/jpeg", huge)
        too_big = self.expect("the message for a huge file", lambda seen, model:
                              model["shape"] is None and model["files_kept"] == 0
                              and model["message"].startswith("huge.jpg has ")
                              and seen["message"] == model["message"])
        return (f"showed {name} ({h}x{w}) with {shown['images'] - 1} output maps; refused "
                f"notes.txt: {refused['message']!r} and huge.jpg: {too_big['message']!r}")


CHECKS = {"Player": PlayerCheck, "FieldView": FieldViewCheck, "SpeedTest": SpeedTestCheck,
          "LiveView": LiveViewCheck, "DigitPad": DigitPadCheck,
          "PictureUpload": PictureUploadCheck}
UPLOAD_SHAPE = (16, 24)  # the PNG the test uploads: rows, columns
HUGE_UPLOAD = 21_000_000  # bytes: above the widget's 20 MB, within the server's 100 MiB


def check_widgets(page: Page, lab: LabServer, name: str, shots: Path,
                  report: Report) -> tuple[int, list]:
    """Run the check of every book widget shown on the page; return how many were checked,
    and `(where, name, root)` of each Player checked."""
    kernel = kernel_of(lab, name)
    probe = KernelProbe(lab.runtime_dir / f"kernel-{kernel['id']}.json")
    try:
        widgets = probe.widgets()
        checked, players = 0, []
        for number, (tag, info) in enumerate(widgets.items(), start=1):
            root = page.locator(f".{tag}")
            try:
                root.first.wait_for(state="attached", timeout=5_000)
            except PlaywrightError:
                continue  # made but never displayed
            where = f"{name}, {cell_of(page, root.first)}, widget {number} {info['repr']}"
            shot = shots / f"widget-{number:02d}-{info['kind']}.png"
            try:
                summary = CHECKS[info["kind"]](page, probe, tag, info, shot).run()
                root.first.screenshot(path=shot)
                print(f"  {where}: {summary}", flush=True)
                checked += 1
                if info["kind"] == "Player":
                    players.append((where, f"widget-{number:02d}", root.first))
            except (Failure, RuntimeError) as failure:  # RuntimeError: the kernel probe
                report.fail(where, str(failure))
            except PlaywrightError as error:
                report.fail(where, f"the browser could not do what a reader does: "
                                   f"{playwright_summary(error)}")
        return checked, players
    finally:
        probe.close()


def playwright_summary(error: PlaywrightError) -> str:
    """The first line of Playwright's message and the element it waited for."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    waited = [line for line in lines if line.startswith("- waiting for")]
    return " ".join(lines[:1] + waited[:1])


def shown(path: Path) -> str:
    """A path as the report prints it: relative to the repository when inside it."""
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def cell_of(page: Page, element: Locator) -> str:
    index = element.evaluate("""e => Array.from(document.querySelectorAll('.jp-CodeCell'))
                                       .indexOf(e.closest('.jp-CodeCell'))""")
    return f"code cell {index + 1}"


def check_reading(page: Page, players: list, shots: Path, report: Report) -> None:
    """Every player at lecture zooms and on a small window, and its text in both themes."""
    problems = check_layouts(page, players, shots)
    problems += check_contrast(page, players, shots, "JupyterLab Light")
    set_theme(page, "JupyterLab Dark")
    try:
        problems += check_contrast(page, players, shots, "JupyterLab Dark")
    finally:
        set_theme(page, "JupyterLab Light")
    for problem in problems:
        report.fail(problem.split(":", 1)[0], problem.split(":", 1)[1].strip())


def check_notebook(browser, lab: LabServer, path: Path, out: Path, report: Report) -> None:
    notebook = nbformat.read(path, as_version=4)
    code_cells = sum(1 for c in notebook.cells if c.cell_type == "code")
    shots = out / path.stem
    shots.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(15_000)
    started = time.monotonic()
    try:
        open_and_run(page, lab, path.name, code_cells)
        seconds = time.monotonic() - started
        ran = sum(has_run(t) for t in page.locator(".jp-CodeCell .jp-InputArea-prompt")
                  .all_text_contents())
        page.locator(".jp-NotebookPanel .jp-Cell").first.scroll_into_view_if_needed()
        page.screenshot(path=shots / "notebook.png")
        before = len(report.failures)
        check_no_popups(page, path.name, report)
        check_outputs(page, notebook, path.name, report)
        checked, players = check_widgets(page, lab, path.name, shots, report)
        check_reading(page, players, shots, report)
        status = "ok" if len(report.failures) == before else "FAILED"
        print(f"{path.name}: {status}, {ran} of {code_cells} cells ran in {seconds:.0f} s, "
              f"{checked} widgets checked; screenshots in {shown(shots)}", flush=True)
    except (Failure, PlaywrightError, RuntimeError) as error:
        page.screenshot(path=shots / "failure.png")
        report.fail(path.name, playwright_summary(error) if isinstance(error, PlaywrightError)
                    else str(error))
    finally:
        page.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to check (default: every notebooks/*.ipynb)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "e2e")
    args = parser.parse_args(argv)
    args.out = args.out.resolve()
    notebooks = [p.resolve() for p in args.notebooks]
    notebooks = notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not notebooks:
        print("no notebooks found in notebooks/", file=sys.stderr)
        return 1
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: install Chromium (Debian: apt-get install -y chromium) "
              "or set BOOK_CHROMIUM to a Chromium or Chrome executable", file=sys.stderr)
        return 1
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    served = args.out / "notebooks"  # copies: JupyterLab's autosave must not touch the book
    served.mkdir()
    for path in notebooks:
        shutil.copy2(path, served / path.name)
    report = Report()
    with LabServer(served, args.out) as lab, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            for path in notebooks:
                check_notebook(browser, lab, path, args.out, report)
        finally:
            browser.close()
    return report.exit_status(f"all {len(notebooks)} notebook(s) passed in the browser")


if __name__ == "__main__":
    sys.exit(main())
