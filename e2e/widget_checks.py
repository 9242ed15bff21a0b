"""The checks of the book's widgets in JupyterLab, each comparing the page with its kernel.

A Player plays, steps and scrubs through exactly the frames of its step model, with
arithmetic that adds up, and every setting of its controls re-renders; FieldView,
SpeedTest and LiveView answer their controls; clicks on a DigitPad paint its cells
and change the prediction it shows; a PictureUpload shows a small PNG uploaded to it
and refuses a text file and a huge file with a message.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from browser import READ_FRAME, Failure, labelled, play_and_record, type_into_readout, wait_for
from frame_math import MathError, check_frame_math, shown_value
from kernel_probe import KernelProbe
from PIL import Image
from playwright.sync_api import Locator, Page
from reading import check_keyboard

from helpers.frames.kit import fmt

MAX_CHOICES = 8  # options tried per control
UPLOAD_SHAPE = (16, 24)  # the PNG uploaded to a PictureUpload: rows, columns
HUGE_UPLOAD = 21_000_000  # bytes: above the widget's 20 MB, within the server's 100 MiB


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
        return labelled(self.root, kind, spec["name"])

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


class PlayerCheck(WidgetCheck):
    """Play runs through every step in order; the buttons step; the controls re-render."""

    def run(self) -> str:
        self.root.scroll_into_view_if_needed()
        model = self.model()
        self.expect_model_frame(model)
        self.play_through(model)
        keyboard = ""
        if model["steps"] is not None and len(model["steps"]) >= 3:
            check_keyboard(self.page, self.root, lambda: self.frame()["step"])
            keyboard = "; keyboard steps"
        settings = 0
        for spec in self.info["controls"]:
            for choice in self.choices(spec):
                self.set_control(spec, choice)
                self.expect_model_frame(None, f"after setting {spec['name']} to {choice!r}")
                settings += 1
        values = [_fmt(s["value"]) for s in model["steps"] or []]
        first_values = ", ".join(values[:8]) + (", ..." if len(values) > 8 else "")
        return (f"played {len(values)} steps ({first_values}){keyboard}; "
                f"{settings} settings re-rendered")

    def expect_model_frame(self, model: dict | None, context: str = "") -> dict:
        """Wait until the browser shows the frame (or message) the kernel says it shows:
        `model`, or (None) what the kernel holds at each look, since a setting just
        changed may still be drawing there when the page has its frame."""
        suffix = f" {context}" if context else ""
        seen, held = {}, {"model": model}

        def matches() -> bool:
            now = held["model"] = model or self.model()
            seen.update(self.frame())
            if now["steps"] is None:
                return seen["message"] == now["message"]
            return seen["step"] == now["step"] and \
                shown_value(seen["value"]) == now["steps"][now["step"]]["value"]

        try:
            wait_for(matches, 15, "the frame")
        except Failure:
            now = held["model"]
            raise Failure(f"shows {seen!r}, but the kernel holds step {now['step']} of "
                          f"{now['repr']} (message {now['message']!r}){suffix}") from None
        if held["model"]["message"].startswith("Internal error"):
            raise Failure(f"shows {held['model']['message']!r}{suffix}")
        if seen["step"] is not None:
            self.check_frame(seen, held["model"])
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

    def play_through(self, model: dict) -> None:
        steps = model["steps"]
        if steps is None or len(steps) < 2:
            return
        count = len(steps)
        for frame in play_and_record(self.root, count):
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

    def page_prediction(self) -> int | None:
        """The prediction the page shows (None if it shows none)."""
        return self.root.evaluate("""root => {
          const answer = root.querySelector('[data-prediction]');
          return answer ? +answer.dataset.prediction : null; }""")

    def follow_kernel(self, context: str) -> int:
        """Wait until the page shows the prediction the kernel holds; return it."""
        seen = {}

        def same() -> bool:
            seen["page"], seen["kernel"] = self.page_prediction(), self.model()["prediction"]
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
        predictions = [self.follow_kernel("as stored")]
        self.root.locator("button", has_text="clear").click()
        wait_for(lambda: not any(map(any, self.model()["image"])), 15,
                 "clear to empty the grid in the kernel")
        wait_for(lambda: self.page_prediction() is None and self.model()["prediction"] is None,
                 15, "the cleared grid to show no prediction")
        if self.root.locator("select").input_value() != "blank":
            raise Failure("clear left the start-from menu on "
                          f"{self.root.locator('select').input_value()!r}, not blank")
        for row, col in self.STROKES:
            self.click_cell(row, col)
            wait_for(lambda row=row, col=col: self.model()["image"][row][col] == 16, 15,
                     f"a click on cell ({row}, {col}) to paint it in the kernel")
            predictions.append(self.follow_kernel(f"after painting cell ({row}, {col})"))
        if len(set(predictions[1:])) < 2:
            raise Failure(f"drawing never changed the prediction shown: {predictions}")
        self.root.locator("button", has_text="eraser").click()
        row, col = self.STROKES[0]
        self.click_cell(row, col)
        wait_for(lambda: self.model()["image"][row][col] == 0, 15, "the eraser")
        predictions.append(self.follow_kernel("after erasing a cell"))
        return f"painted {len(self.STROKES)} cells and erased one; predictions shown: " + \
            " ".join(map(str, predictions))


class PictureUploadCheck(WidgetCheck):
    """Uploading a small PNG (made here) shows it and its kernel outputs, decoded by the
    kernel; uploading a text file or a huge one shows a message above them, which stay; no
    file is kept."""

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

    def on_page(self) -> dict:
        """The picture, message and output images the page shows."""
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
            seen.update(self.on_page())
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
        uploaded = self.expect("the uploaded PNG", lambda seen, model: model["name"] == name
                            and model["shape"] == [3, h, w] and model["files_kept"] == 0
                            and seen["picture"] == f"{name} {h}x{w}" and seen["decoded"]
                            and seen["images"] == first["images"])
        self.root.screenshot(path=self.shot.with_name(self.shot.stem + "-uploaded.png"))

        def kept(seen, model) -> bool:
            """The PNG and its maps are still shown and held; no file is kept."""
            return (model["name"] == name and model["shape"] == [3, h, w]
                    and model["files_kept"] == 0 and seen["picture"] == f"{name} {h}x{w}"
                    and seen["images"] == uploaded["images"])

        self.upload("notes.txt", "text/plain", b"a shopping list, not a picture\n")
        refused = self.expect("the message for a text file, above the last pictures",
                              lambda seen, model: kept(seen, model)
                              and model["message"].startswith("notes.txt is not a picture")
                              and seen["message"] == model["message"])
        huge = b"\xff\xd8\xff" + bytes(HUGE_UPLOAD)  # a JPEG's first bytes, then too many
        self.upload("huge.jpg", "image/jpeg", huge)
        too_big = self.expect("the message for a huge file, above the last pictures",
                              lambda seen, model: kept(seen, model)
                              and model["message"].startswith("huge.jpg has ")
                              and seen["message"] == model["message"])
        return (f"showed {name} ({h}x{w}) with {uploaded['images'] - 1} output maps; refused "
                f"notes.txt: {refused['message']!r} and huge.jpg: {too_big['message']!r}")


CHECKS = {"Player": PlayerCheck, "FieldView": FieldViewCheck, "SpeedTest": SpeedTestCheck,
          "LiveView": LiveViewCheck, "DigitPad": DigitPadCheck,
          "PictureUpload": PictureUploadCheck}
