"""How fast the book is: frames, parameter changes, notebook runs, stored weight.

    python benchmarks/bench.py [--quick]

Prints a table with each figure beside its target, and writes the same figures
to build/bench.json:

    {"frame_ms": {KIND: {"median", "p90", "baseline_median"}},
     "param_change_ms": {KIND: {"median"}},
     "kernel_floor_seconds",
     "notebooks": {NAME: {"seconds", "floor_multiple", "peak_rss_mb", "bytes",
                          "widget_state_bytes"}},
     "total_seconds",
     "static": {BUILD: {"seconds", "bytes", "files", "pages"}}}

A frame is the kernel's work from "the step changed" to "the frame is ready to
send": a Player drawing live sets its step, renders the frame and hands the new
HTML to its widget. The baseline draws the same grids as a matplotlib figure
from scratch and renders it to PNG, as a plain notebook animation does. A
parameter change is `Player.set(...)`: new steps, every frame, the new frame
stack (for a LiveView: the new picture). A notebook runs from a fresh kernel
with nbclient; the kernel's peak resident memory is its VmHWM. The kernel floor
is the same run of a notebook that only does the book's imports (a fresh kernel
started, torch and helpers imported, nothing else), timed before each chapter in
the same run; its median is `kernel_floor_seconds`, and each notebook's
`floor_multiple` is its seconds over that floor, a figure that says more about the
book than an absolute time on a shared machine does. `total_seconds` is the whole
book's run. A static build (`make html`; the decks too) runs as `make`
runs it (the first run also fetches the JavaScript); its weight is every file it writes.
This is a benchmark, not a test: it reports, it never
fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import nbformat
import torch
from matplotlib_baseline import matplotlib_frame, matplotlib_nd_frame, matplotlib_pixel_frame

import helpers
from helpers.steps import NdSequence, PixelSequence, StepRecords, StepSequence
from helpers.widgets import FieldView, Player

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from kinds import EDGES, K3, K_OUT, KINDS, X2, X4, X5, X8

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"frame_ms": 5.0, "ratio": 40.0, "param_change_ms": 50.0, "total_seconds": 45.0,
           "floor_multiple": 3.0, "peak_rss_mb": 400.0, "bytes": 2_000_000, "static_seconds": 60.0,
           "static_bytes": 30_000_000}
# The static builds, each a command run from the repository's top and the folder it writes.
STATIC_BUILDS = {"site (make html)": (["tools/build_site.py"], "build/html"),
                 "decks (make slides)": (["tools/build_slides.py"], "build/slides")}

# The kinds of animation in the book, each on its standard example: the catalogue the tests
# check every kind with (tests/kinds.py).
FRAME_KINDS: dict[str, Callable[[], StepRecords]] = {name: kind.steps
                                                      for name, kind in KINDS.items()}


# how the baseline draws each type of step sequence (a subtype as its nearest base type)
BASELINES = {StepSequence: matplotlib_frame, PixelSequence: matplotlib_pixel_frame,
             NdSequence: matplotlib_nd_frame}


def baseline_for(steps) -> Callable:
    """The matplotlib drawing of `steps`' type that its frames are compared with."""
    for kind in type(steps).__mro__:
        if kind in BASELINES:
            return BASELINES[kind]
    raise KeyError(f"no matplotlib baseline for {type(steps).__name__}: add one to BASELINES "
                   "(benchmarks/matplotlib_baseline.py)")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timings(call: Callable[[object], object], arguments) -> list[float]:
    """Milliseconds of `call(a)` for each argument, one at a time."""
    times = []
    for argument in arguments:
        start = time.perf_counter()
        call(argument)
        times.append((time.perf_counter() - start) * 1000)
    return times


def frame_costs(frames: int, baseline_frames: int) -> dict:
    results = {}
    for kind, make in FRAME_KINDS.items():
        player = Player(make, max_frames=0)  # draws every frame live
        count = len(player.steps)
        order = [(i + 1) % count for i in range(frames)]  # never "set" the step it shows
        player_step = partial(setattr, player, "step")
        timings(player_step, order[:10])  # warm up
        ours = timings(player_step, order)
        steps = player.steps
        draw = baseline_for(steps)
        baseline = timings(lambda i, steps=steps, draw=draw: draw(steps, steps[i]),
                           order[:baseline_frames])
        results[kind] = {"median": statistics.median(ours), "p90": percentile(ours, 0.9),
                         "baseline_median": statistics.median(baseline)}
    return results


def param_change_costs(changes: int) -> dict:
    """Milliseconds of `set(...)`, alternating between settings of one control."""
    kernels = {"edge [1, -1]": torch.tensor([[1.0, -1.0]]), "blur 2x2": torch.full((2, 2), 0.25),
               "vertical [1; -1]": torch.tensor([[1.0], [-1.0]])}
    cases = {
        "padding (8x8 * 3x3)": (helpers.conv_player(X8, K3, padding=range(0, 3)),
                                "padding", [0, 1, 2]),
        "stride (8x8 * 3x3, padding 1)": (helpers.conv_player(X8, K3, padding=1,
                                                              stride=range(1, 4)),
                                          "stride", [1, 2, 3]),
        "kernel preset (6x8 edge image)": (helpers.conv_player(EDGES, kernels), "K",
                                           list(kernels)),
        "pool window (8x8, max)": (helpers.pool_player(X8, {"2x2": 2, "3x3": 3}, stride=2),
                                   "pool_size", ["2x2", "3x3"]),
        "ceil mode (5x5 avg, 2 channels)": (
            helpers.pool_player(torch.stack([X5, X5 + 1]), 2, mode="avg", padding=1, stride=2,
                                ceil_mode={"off": False, "on": True}), "ceil_mode", ["off", "on"]),
        "bias per channel (2 -> 3 channels)": (
            helpers.conv_player(X2, K_OUT, bias={"none": 0.0, "per channel": [0.5, -1.0, 2.0]}),
            "bias", ["none", "per channel"]),
        "1x1 conv weights (3x2x2 -> 4)": (
            helpers.pixel_player(torch.arange(12.0).reshape(3, 2, 2),
                                 {"arange": torch.arange(12.0).reshape(4, 3),
                                  "ones": torch.ones(4, 3)}, 3), "W", ["arange", "ones"]),
    }
    explorer = helpers.padding_explorer()
    for name, values in [("padding", ["0", "1", "2", "(0, 1, 0, 1)"]),
                         ("padding_mode", ["zeros", "reflect", "circular"]),
                         ("stride_rows", [1, 2, 3]), ("dilation", [1, 2]),
                         ("input_columns", [10, 7, 4])]:
        cases[f"explorer: {name}"] = (explorer, name, values)
    results = {}
    for kind, (player, name, values) in cases.items():
        picks = [values[(i + 1) % len(values)] for i in range(changes)]
        times = timings(lambda v, player=player, name=name: player.set(**{name: v}), picks)
        results[kind] = {"median": statistics.median(times)}
    field = FieldView((9, 9), [{"kernel_size": 3}] * 3)
    times = timings(partial(setattr, field.row, "value"), [i % 3 for i in range(1, changes + 1)])
    results["field view cell (3 layers)"] = {"median": statistics.median(times)}
    dot = torch.zeros(6, 6)
    dot[2, 2] = 1
    views = {"shift view (6x6, right 0..3)": (helpers.shift_view(dot), "right", [0, 1, 2, 3]),
             "gradient view (4x4, output)": (helpers.gradient_view(X4, 2, stride=1), "output",
                                             ["every output", "[0, 0]", "[2, 2]"])}
    for kind, (view, name, values) in views.items():
        picks = [values[(i + 1) % len(values)] for i in range(changes)]
        times = timings(lambda v, view=view, name=name: view.set(**{name: v}), picks)
        results[kind] = {"median": statistics.median(times)}
    return results


# What every chapter's first cell imports: the kernel floor runs this alone.
BOOK_IMPORTS = """\
import torch
import torch.nn.functional as F
from torch import nn

import helpers
"""


def kernel_floor() -> float:
    """Wall seconds of a fresh kernel that does the book's imports and nothing else."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BOOK_IMPORTS)])
    return run_notebook(nb, ROOT / "notebooks")["seconds"]


def run_notebook(nb, folder: Path) -> dict:
    """Execute a notebook from a fresh kernel in `folder`; wall seconds and the kernel's
    peak RSS."""
    from nbclient import NotebookClient

    peak_kb = 0

    def sample(**_):
        nonlocal peak_kb
        peak_kb = max(peak_kb, vm_hwm_kb(client.km.provisioner.pid))

    client = NotebookClient(nb, kernel_name="python3", timeout=600, record_timing=False,
                            resources={"metadata": {"path": str(folder)}},
                            on_cell_executed=sample)
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_rss_mb": peak_kb / 1024}


def vm_hwm_kb(pid: int) -> int:
    """A process's peak resident set size (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmHWM for process {pid}")


def stored_weight(path: Path) -> dict:
    nb = json.loads(path.read_text())
    state = nb.get("metadata", {}).get("widgets", {})
    return {"bytes": path.stat().st_size,
            "widget_state_bytes": len(json.dumps(state, indent=1)) if state else 0}


def static_builds() -> dict:
    """Wall seconds of each static build and the weight of what it wrote."""
    results = {}
    for name, (command, folder) in STATIC_BUILDS.items():
        start = time.perf_counter()
        subprocess.run([sys.executable, *command], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        files = [p for p in (ROOT / folder).rglob("*") if p.is_file()]
        results[name] = {"seconds": seconds, "bytes": sum(p.stat().st_size for p in files),
                         "files": len(files), "pages": len(list((ROOT / folder).glob("*.html")))}
    return results


def table(results: dict) -> str:
    t = TARGETS
    lines = [f"machine: {platform.machine()}, {torch.get_num_threads()} threads, "
             f"Python {platform.python_version()}, torch {torch.__version__}", ""]

    def mark(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    lines.append(f"{'frame (ms, kernel side)':44} {'median':>8} {'p90':>8} {'mpl':>8} "
                 f"{'ratio':>7}  target: median <= {t['frame_ms']:g}, ratio >= {t['ratio']:g}")
    for kind, f in results["frame_ms"].items():
        ratio = f["baseline_median"] / f["median"]
        ok = f["median"] <= t["frame_ms"] and ratio >= t["ratio"]
        lines.append(f"  {kind:42} {f['median']:8.3f} {f['p90']:8.3f} "
                     f"{f['baseline_median']:8.1f} {ratio:7.0f}  {mark(ok)}")
    lines += ["", f"{'parameter change (ms)':44} {'median':>8}  target: <= "
                  f"{t['param_change_ms']:g}"]
    for kind, f in results["param_change_ms"].items():
        lines.append(f"  {kind:42} {f['median']:8.1f}  {mark(f['median'] <= t['param_change_ms'])}")
    lines += ["", f"{'notebook':44} {'seconds':>8} {'x floor':>8} {'peak MB':>8} "
                  f"{'bytes':>10} {'widgets':>10}  target: <= {t['floor_multiple']:g} x floor, "
                  f"peak <= {t['peak_rss_mb']:g} MB, file <= {t['bytes'] / 1e6:g} MB"]
    lines.append(f"  {'kernel floor (imports only)':42} {results['kernel_floor_seconds']:8.1f}")
    for name, n in results["notebooks"].items():
        ok = n["floor_multiple"] <= t["floor_multiple"] and \
            n["peak_rss_mb"] <= t["peak_rss_mb"] and n["bytes"] <= t["bytes"]
        lines.append(f"  {name:42} {n['seconds']:8.1f} {n['floor_multiple']:8.2f} "
                     f"{n['peak_rss_mb']:8.0f} {n['bytes']:10,} {n['widget_state_bytes']:10,}"
                     f"  {mark(ok)}")
    total = results["total_seconds"]
    lines.append(f"  {'the whole book':42} {total:8.1f}  target: <= {t['total_seconds']:g} s  "
                 f"{mark(total <= t['total_seconds'])}")
    lines += ["", f"{'static build':44} {'seconds':>8} {'MB':>8} {'files':>10} {'pages':>10}"
                  f"  target: all together <= {t['static_seconds']:g} s, "
                  f"<= {t['static_bytes'] / 1e6:g} MB"]
    for name, b in results["static"].items():
        lines.append(f"  {name:42} {b['seconds']:8.1f} {b['bytes'] / 1e6:8.1f} {b['files']:10} "
                     f"{b['pages']:10}")
    seconds = sum(b["seconds"] for b in results["static"].values())
    size = sum(b["bytes"] for b in results["static"].values())
    ok = seconds <= t["static_seconds"] and size <= t["static_bytes"]
    lines.append(f"  {'all static builds':42} {seconds:8.1f} {size / 1e6:8.1f}  {mark(ok)}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer repetitions, no notebook runs and no static builds "
                             "(a smoke check)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench.json")
    args = parser.parse_args(argv)
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    results = {
        "frame_ms": frame_costs(frames=60 if args.quick else 200,
                                baseline_frames=2 if args.quick else 50),
        "param_change_ms": param_change_costs(changes=10 if args.quick else 40),
        "notebooks": {},
    }
    floors, runs = [], {}
    for path in notebooks:  # a floor before each chapter, so both see the same machine
        if args.quick:  # one floor, no chapter
            floors = floors or [kernel_floor()]
            runs[path.name] = {"seconds": 0.0, "peak_rss_mb": 0.0}
        else:
            floors.append(kernel_floor())
            runs[path.name] = run_notebook(nbformat.read(path, as_version=4), path.parent)
    floor = results["kernel_floor_seconds"] = statistics.median(floors)
    for path in notebooks:
        run = runs[path.name]
        results["notebooks"][path.name] = {"seconds": run["seconds"],
                                           "floor_multiple": run["seconds"] / floor,
                                           "peak_rss_mb": run["peak_rss_mb"]} | stored_weight(path)
    results["total_seconds"] = sum(n["seconds"] for n in results["notebooks"].values())
    results["static"] = {} if args.quick else static_builds()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
