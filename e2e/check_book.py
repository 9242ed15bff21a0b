"""Open every notebook of the book in a real JupyterLab and a real browser, as a reader does.

For each notebook in `notebooks/` (found at run time): open it, Run All, wait
until every cell has run, then check that nothing covers the notebook, that no
cell shows an error, that every widget the stored notebook shows renders (no text
fallback), that every book widget answers a reader as its kernel says it should
(`widget_checks.py`), that axe-core finds no critical or serious problem in its
prose and outputs but those only ipywidgets can fix (`accessibility.py`), and that
the players read well at lecture zooms, on a small window and in both themes
(`reading.py`); last, that saved (Ctrl+S), reopened with no kernel and reloaded, it
stores every widget it shows and its animations still render and play, while the
book's own file stays as it was. Screenshots go to `build/e2e/<notebook>/`.
Exit status 1 if anything failed; every failure names the notebook, the cell and
the widget.

    python e2e/check_book.py [NOTEBOOK ...]
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
from accessibility import IN_JUPYTERLAB, audit
from browser import (
    CHROMIUM,
    READ_FRAME,
    WIDGET_MIME,
    Failure,
    Report,
    chromium,
    play_and_record,
    playwright_summary,
    wait_for,
)
from kernel_probe import KernelProbe
from lab_server import LabServer
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from reading import check_contrast, check_layouts, set_theme
from static_site import stored_players
from widget_checks import CHECKS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import stored_widgets  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RUN_TIMEOUT = 300  # seconds for Run All of one notebook

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


def check_outputs(page: Page, notebook, name: str, report: Report) -> None:
    """No error output anywhere; every widget the stored notebook shows is rendered."""
    cells = page.locator(".jp-CodeCell")
    code = [c for c in notebook.cells if c.cell_type == "code"]
    if cells.count() != len(code):
        report.fail(name, f"JupyterLab shows {cells.count()} code cells, the file has {len(code)}")
        return
    for index, cell in enumerate(code):
        where = f"{name}, code cell {index + 1} ({first_line(cell.source)})"
        cell_view = cells.nth(index)
        prompt = cell_view.locator(".jp-InputArea-prompt").text_content().strip()
        if not has_run(prompt):
            report.fail(where, f"did not run (prompt {prompt!r})")
            continue
        for error in cell_view.locator(".jp-OutputArea-output[data-mime-type="
                                       "'application/vnd.jupyter.stderr']").all():
            lines = [line for line in error.text_content().splitlines() if line.strip()]
            report.fail(where, f"shows an error: {lines[-1] if lines else '(empty)'}")
        stored = [o for o in cell.outputs if WIDGET_MIME in o.get("data", {})]
        views = cell_view.locator(".jp-OutputArea-output:has(> .jupyter-widgets)")
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


def check_widgets(page: Page, lab: LabServer, name: str, shots: Path, report: Report,
                  only_layouts: bool = False) -> tuple[int, list]:
    """Run the check of every book widget shown on the page (none with `only_layouts`);
    return how many were checked, and `(where, name, root)` of each Player."""
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
            if only_layouts:
                if info["kind"] == "Player":
                    players.append((where, f"widget-{number:02d}", root.first))
                continue
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


def display_path(path: Path) -> str:
    """A path as the report prints it: relative to the repository when inside it."""
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def cell_of(page: Page, element: Locator) -> str:
    index = element.evaluate("""e => Array.from(document.querySelectorAll('.jp-CodeCell'))
                                       .indexOf(e.closest('.jp-CodeCell'))""")
    return f"code cell {index + 1}"


# The book in JupyterLab: its prose and every output. JupyterLab's own editors, toolbars
# and buttons around them are JupyterLab's to audit.
BOOK_PARTS = ".jp-MarkdownOutput, .jp-Cell-outputWrapper"


def check_access(page: Page, name: str, report: Report) -> None:
    """axe-core on the book's parts of the page: no critical or serious finding but those
    only ipywidgets can fix (IN_JUPYTERLAB)."""
    findings = audit(page, BOOK_PARTS, IN_JUPYTERLAB)
    print(f"  {name}: {findings.summary()}", flush=True)
    for problem in findings.problems():
        report.fail(name, problem)


def check_reading(page: Page, players: list, shots: Path, report: Report,
                  only_layouts: bool = False) -> None:
    """Every player at lecture zooms and on a small window, and its text in both themes."""
    problems = check_layouts(page, players, shots)
    if not only_layouts:
        problems += check_contrast(page, players, shots, "JupyterLab Light")
        set_theme(page, "JupyterLab Dark")
        try:
            problems += check_contrast(page, players, shots, "JupyterLab Dark")
        finally:
            set_theme(page, "JupyterLab Light")
    for problem in problems:
        report.fail(problem.split(":", 1)[0], problem.split(":", 1)[1].strip())


SHOWN_VIEWS = ".jp-OutputArea-output:has(> .jupyter-widgets)"  # a widget view, rendered


def check_saved(page: Page, lab: LabServer, name: str) -> str:
    """Save (Ctrl+S), shut the kernel down and open the notebook again, then reload the
    page: the saved file stores the model of every widget view it shows, and after each
    its widgets render and its first Player plays its saved frames."""
    served = lab.root_dir / name
    before = served.stat().st_mtime_ns
    page.locator(".jp-NotebookPanel .jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    wait_for(lambda: served.stat().st_mtime_ns != before, 30, "Ctrl+S to save the notebook")
    time.sleep(0.5)  # the file is written whole
    saved = nbformat.read(served, as_version=4)
    missing = stored_widgets.missing_models(saved)
    if missing:
        raise Failure(f"saved with {len(missing)} widget view(s) whose model it does not store, "
                      f"first {missing[0]}: reopened, they read 'model not found'")
    lab.api(f"kernels/{kernel_of(lab, name)['id']}", method="DELETE")
    views, players = stored_players(served)
    for again in ("reopened", "reloaded"):
        if again == "reopened":
            page.goto(lab.notebook_url(name))
        else:
            page.reload()
        wait_for(lambda: page.locator(SHOWN_VIEWS).count() >= views, 60,
                 f"the {views} saved widget views to render once {again}")
        broken = page.locator(SHOWN_VIEWS, has_text="Error displaying widget").count()
        if broken:
            raise Failure(f"{again}, {broken} widget(s) read 'Error displaying widget'")
        if players and len(players[0].frames) > 1:
            play = page.locator(".widget-play").first
            root = play.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
            root.scroll_into_view_if_needed()
            root.locator(".widget-play button:has(.fa-stop)").click()  # back to step 0
            wait_for(lambda r=root: r.evaluate(READ_FRAME)["step"] == 0, 10,
                     f"Stop to show step 0 once {again}")
            play_and_record(root, len(players[0].frames))
    return f"saved, reopened and reloaded: {views} widget views, the first Player plays"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_notebook(browser, lab: LabServer, path: Path, out: Path, report: Report,
                   only_layouts: bool = False) -> None:
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
        checked, players = check_widgets(page, lab, path.name, shots, report, only_layouts)
        if not only_layouts:
            check_access(page, path.name, report)
        check_reading(page, players, shots, report, only_layouts)
        if not only_layouts:
            book = digest(path)
            print(f"  {path.name}: {check_saved(page, lab, path.name)}", flush=True)
            if digest(path) != book:
                report.fail(path.name, "saving the served copy changed the book's own file")
        status = "ok" if len(report.failures) == before else "FAILED"
        print(f"{path.name}: {status}, {ran} of {code_cells} cells ran in {seconds:.0f} s, "
              f"{checked} widgets checked; screenshots in {display_path(shots)}", flush=True)
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
    parser.add_argument("--layouts", action="store_true",
                        help="only Run All and lay out the players at lecture zooms and on a "
                             "small window (no widget, contrast or keyboard checks)")
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
    with LabServer(served, args.out) as lab, chromium() as browser:
        for path in notebooks:
            check_notebook(browser, lab, path, args.out, report, args.layouts)
    return report.exit_status(f"all {len(notebooks)} notebook(s) passed in the browser")


if __name__ == "__main__":
    sys.exit(main())
