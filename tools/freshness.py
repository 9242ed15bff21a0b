"""Is every stored output current? Re-execute each notebook into memory and compare.

    python tools/freshness.py notebooks/*.ipynb

nbval (in `make test`) compares text outputs only; this also compares what it
skips: the widget state (every frame of every player, every link between
widgets), the widget views and the images (by decoded pixels). The execution is
the one `make notebooks` does (tools/execute_notebooks.py), so a notebook it
just wrote is always fresh. tests/test_freshness.py runs it on every notebook.
"""

from __future__ import annotations

import sys
from collections import deque
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).parent))
from execute_notebooks import WIDGET_STATE, WIDGET_VIEW, execute, pixels, referenced  # noqa: E402

HINT = "the stored outputs are stale: run `make notebooks` and commit the result"
IMAGES = ("image/png",)


def first_difference(stored, fresh, context: int = 40) -> str:
    """Where two values first differ, with a little of each side."""
    if isinstance(stored, str) and isinstance(fresh, str):
        at = next((i for i, (a, b) in enumerate(zip(stored, fresh, strict=False)) if a != b),
                  min(len(stored), len(fresh)))
        start = max(0, at - context)
        return (f"differs at character {at}: stored {stored[start:at + context]!r}, "
                f"a fresh run {fresh[start:at + context]!r}")
    return f"stored {stored!r:.200}, a fresh run {fresh!r:.200}"


def image_difference(stored: str, fresh: str) -> str | None:
    """None when two base64 PNGs decode to the same pixels, else what differs."""
    (size_a, a), (size_b, b) = pixels(stored), pixels(fresh)
    if size_a != size_b:
        return f"image size {size_a[0]}x{size_a[1]} stored, {size_b[0]}x{size_b[1]} fresh"
    if a == b:
        return None
    changed = sum(a[i:i + 4] != b[i:i + 4] for i in range(0, len(a), 4))
    return f"image pixels differ: {changed} of {len(a) // 4}"


def output_differences(stored, fresh) -> list[str]:
    """What differs between one stored output and the fresh one (images by pixels)."""
    problems = []
    for key in sorted(set(stored) | set(fresh)):
        if key == "data":
            continue
        if stored.get(key) != fresh.get(key):
            problems.append(f"{key} {first_difference(stored.get(key), fresh.get(key))}")
    data_a, data_b = stored.get("data", {}), fresh.get("data", {})
    for mime in sorted(set(data_a) | set(data_b)):
        a, b = data_a.get(mime), data_b.get(mime)
        if a is None or b is None:
            problems.append(f"{mime} {'only in a fresh run' if a is None else 'only stored'}")
        elif mime in IMAGES:
            problem = image_difference(a, b) if a != b else None
            problems += [problem] if problem else []
        elif a != b:
            problems.append(f"{mime} {first_difference(a, b)}")
    return problems


def widget_places(nb) -> dict[str, tuple[int, str]]:
    """For each stored widget: the code cell showing it and its path from the widget shown."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    places, queue = {}, deque()
    for number, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        for output in cell.outputs:
            root = output.get("data", {}).get(WIDGET_VIEW, {}).get("model_id")
            if root in state and root not in places:
                places[root] = (number, model_name(state[root]))
                queue.append(root)
    while queue:
        parent = queue.popleft()
        number, path = places[parent]
        for key, value in state[parent]["state"].items():
            items = value if isinstance(value, list) else [value]
            for i, item in enumerate(items):
                for child in referenced(item):
                    if child in state and child not in places:
                        where = f"{key}[{i}]" if isinstance(value, list) else key
                        places[child] = (number, f"{path}.{where} {model_name(state[child])}")
                        queue.append(child)
    for model, value in state.items():  # links refer to the widgets they link
        linked = [places[m] for m in sorted(referenced(value)) if m in places]
        if model not in places and linked:
            places[model] = (linked[0][0], f"{model_name(value)} of {linked[0][1]}")
    return places


def model_name(model) -> str:
    return model["model_name"].removesuffix("Model")


def differences(stored, fresh, name: str) -> list[str]:
    """Every stale output of `stored`, named by notebook and code cell."""
    code_a = [c for c in stored.cells if c.cell_type == "code"]
    code_b = [c for c in fresh.cells if c.cell_type == "code"]

    def where(number: int) -> str:
        first = code_a[number].source.strip().splitlines()[:1] if number < len(code_a) else []
        return f"{name}, code cell {number + 1}" + (f" ({first[0][:60]})" if first else "")

    problems = []
    for number, (a, b) in enumerate(zip(code_a, code_b, strict=True)):
        if a.execution_count != b.execution_count:
            problems.append(f"{where(number)}: execution count {a.execution_count} stored, "
                            f"{b.execution_count} fresh")
        if len(a.outputs) != len(b.outputs):
            problems.append(f"{where(number)}: {len(a.outputs)} outputs stored, "
                            f"{len(b.outputs)} in a fresh run")
            continue
        for i, (out_a, out_b) in enumerate(zip(a.outputs, b.outputs, strict=True)):
            problems += [f"{where(number)}, output {i + 1}: {p}"
                         for p in output_differences(out_a, out_b)]
    spec_a, spec_b = stored.metadata.get("kernelspec"), fresh.metadata.get("kernelspec")
    if spec_a != spec_b:
        problems.append(f"{name}: kernelspec {first_difference(spec_a, spec_b)}")
    state_a = stored.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    state_b = fresh.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    places = {**widget_places(stored), **widget_places(fresh)}
    order = {model: i for i, model in enumerate(places)}  # cell by cell, outside in
    for model in sorted(set(state_a) | set(state_b),
                        key=lambda m: (places.get(m, (len(code_a),))[0], order.get(m, 0), m)):
        number, path = places.get(model, (None, "a widget no output shows"))
        at = where(number) if number is not None else name
        a, b = state_a.get(model), state_b.get(model)
        if a is None or b is None:
            problems.append(f"{at}: widget {path} ({model}) "
                            f"{'only in a fresh run' if a is None else 'only stored'}")
            continue
        for key in sorted(set(a["state"]) | set(b["state"])):
            if a["state"].get(key) != b["state"].get(key):
                problems.append(f"{at}: widget {path}, {key} "
                                f"{first_difference(a['state'].get(key), b['state'].get(key))}")
        if {k: v for k, v in a.items() if k != "state"} != {
                k: v for k, v in b.items() if k != "state"}:
            problems.append(f"{at}: widget {path}: model or buffers differ")
    return problems


def check(path: Path) -> list[str]:
    """The stale outputs of the notebook at `path` (empty when it is current)."""
    return differences(nbformat.read(path, as_version=4), execute(path), path.name)


def main(paths: list[str]) -> None:
    if not paths:
        sys.exit("usage: freshness.py NOTEBOOK.ipynb ...")
    stale = False
    for name in paths:
        problems = check(Path(name))
        print(f"{name}: " + ("current" if not problems else f"{len(problems)} stale outputs"))
        for problem in problems:
            print(f"  {problem}")
        stale = stale or bool(problems)
    if stale:
        sys.exit(HINT)


if __name__ == "__main__":
    main(sys.argv[1:])
