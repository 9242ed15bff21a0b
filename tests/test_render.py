"""Frames: what a reader sees for a step, checked as text."""

import html
import re
from pathlib import Path

import pytest
import torch
from kinds import K2, KINDS, X3, fit_layouts, math_lines, read_frame, stored_frames
from svg_cells import cells, count

import helpers
from helpers import frames
from helpers.frames import kit, pictures


def test_fmt():
    assert [kit.fmt(v) for v in (19.0, -1.0, 0.5, 1 / 3, -0.0, float("-inf"))] == [
        "19", "\u22121", "0.5", "0.33", "0", "\u2212\u221e"]


def test_worked_example_frames_write_out_the_sums():
    drawn = frames.renderer(helpers.conv2d_steps(X3, K2)).frames()
    lines = [math_lines(f) for f in drawn]
    assert lines == [
        ["0\u00d70 + 1\u00d71 + 3\u00d72 + 4\u00d73 = 19"],
        ["1\u00d70 + 2\u00d71 + 4\u00d72 + 5\u00d73 = 25"],
        ["3\u00d70 + 4\u00d71 + 6\u00d72 + 7\u00d73 = 37"],
        ["4\u00d70 + 5\u00d71 + 7\u00d72 + 8\u00d73 = 43"],
    ]
    assert 'data-step="2" data-value="37.0"' in drawn[2]
    assert "step 3 of 4 \u00b7 output [1, 0]" in drawn[2]


def test_frame_marks_window_output_and_padding():
    frame = frames.renderer(helpers.conv2d_steps(X3, K2, padding=1))(0)
    assert count(frame, "wp") == 3 and count(frame, "w") == 1
    assert count(frame, "p") == 16 - 3
    assert count(frame, "o") == 1 and count(frame, "e") == 15
    assert "input 3\u00d73, padding 1" in frame


@pytest.mark.parametrize("name", KINDS)
def test_every_frame_of_every_kind_says_its_step_and_its_arithmetic(name):
    """One labelled picture per frame: the heading and the label count the step, and a
    screen reader hears every line of arithmetic the frame shows (a pooling line's
    `channel c:` is said in the label's output instead)."""
    frames = stored_frames(KINDS[name].steps())
    for index, frame in enumerate(frames):
        assert read_frame(frame)["step"] == index
        count = f"step {index + 1} of {len(frames)}"
        assert f" \u00b7 {count} \u00b7 " in frame
        label, = re.findall(r'role="img" aria-label="([^"]*)"', frame)
        label = html.unescape(label)
        assert f", {count}: " in label
        lines = math_lines(frame)
        assert lines
        for line in lines:
            assert line in label or re.sub(r"^channel \d+: ", "", line) in label, (line, label)


def test_output_fills_in_as_steps_go():
    renderer = frames.renderer(helpers.conv2d_steps(X3, K2))
    last = renderer(3)
    assert count(last, "d") == (9 - 4) + 3  # input cells off the window, done outputs
    for value in ("19", "25", "37", "43"):
        assert f">{value}</text>" in last
    assert ">25</text>" not in renderer(0)


def test_multi_channel_and_bias_arithmetic():
    steps = helpers.conv2d_steps(torch.stack([X3, X3 + 1]), torch.stack([K2, K2 + 1]), bias=0.5)
    lines = math_lines(frames.renderer(steps)(0))
    assert lines[-1] == "19 + 37 + 0.5 (bias) = 56.5"
    assert lines[0].startswith("input channel 0: 0\u00d70 + 1\u00d71")
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", frames.renderer(steps)(0))
    assert captions[:2] == ["input channel 0: 3\u00d73", "slice 0: 2\u00d72"]  # channel c, slice c
    single = math_lines(frames.renderer(helpers.conv2d_steps(X3, -K2, bias=-1))(0))
    assert single == [
        "0\u00d70 + 1\u00d7(\u22121) + 3\u00d7(\u22122) + 4\u00d7(\u22123) = \u221219",
        "\u221219 + (\u22121) (bias) = \u221220"]


def test_pooling_arithmetic():
    X4 = torch.arange(16.0).reshape(4, 4)
    max_lines = math_lines(frames.renderer(helpers.pool2d_steps(X4, 3, padding=1,
                                                                     stride=2))(0))
    inf = "\u2212\u221e"
    assert max_lines == [f"max({inf}, {inf}, {inf}, {inf}, 0, 1, {inf}, 4, 5) = 5"]
    avg = frames.renderer(helpers.pool2d_steps(X3, 2, mode="avg"))
    assert math_lines(avg(3)) == ["(4 + 5 + 7 + 8) / 4 = 6"]
    assert avg(3).startswith('<div class="cbk"') and "avg pool \u00b7 step 4 of 4" in avg(3)


def test_message_frame_escapes_text():
    frame = kit.message_frame("kernel <4x4> does not fit", title="demo")
    assert "kernel &lt;4x4&gt; does not fit" in frame and 'class="cbk-msg"' in frame


def test_field_frame_counts_cells():
    sizes = [(6, 6), (5, 5), (4, 4)]
    fields = helpers.receptive_field(6, [{"kernel_size": 2}] * 2, (1, 2))
    frame = pictures.field_frame(sizes, fields)
    assert 'data-field="9"' in frame
    assert "depends on 9 input cells (rows 1..3, columns 2..4)" in frame
    assert count(frame, "w") == 9 + 4 and count(frame, "o") == 1


def test_average_frames_divide_by_the_counted_cells():
    X4 = torch.arange(16.0).reshape(4, 4)
    include = frames.renderer(helpers.pool2d_steps(X4, 3, mode="avg", padding=1, stride=2))
    assert math_lines(include(0)) == ["(0 + 0 + 0 + 0 + 0 + 1 + 0 + 4 + 5) / 9 = 1.11"]
    steps = helpers.pool2d_steps(X4, 3, mode="avg", padding=1, stride=2, count_include_pad=False)
    frame = frames.renderer(steps)(0)
    assert math_lines(frame) == ["(0 + 1 + 4 + 5) / 4 = 2.5"]  # not the note below it
    assert count(frame, "wn") == 5 and count(frame, "w") == 4
    assert "divided by the 4 input cells" in frame


def test_ceil_mode_frames_draw_cells_past_the_padding_and_the_dropped_window():
    X5 = torch.arange(25.0).reshape(5, 5)
    renderer = frames.renderer(helpers.pool2d_steps(X5, 2, stride=2, ceil_mode=True))
    last_in_row = renderer(2)
    assert "max(4, 9) = <b>9</b>" in last_in_row and "(stride 2, ceil_mode)" in last_in_row
    assert count(last_in_row, "wx") == 2 and "2 cells of this window lie past" in \
        last_in_row
    assert count(last_in_row, "x") == 11 - 2  # row 5 and column 5, empty
    assert {number for _, number in cells(last_in_row, "x")} == {""}  # empty
    steps = helpers.pool2d_steps(X5, 2, padding=1, stride=2, ceil_mode=True)
    dropped = frames.renderer(steps)
    assert 'class="drop"' not in dropped(0) and dropped(2).count('class="drop"') == 1
    assert dropped(8).count('class="drop"') == 2  # the last window: both neighbours dropped
    assert "ceil_mode drops the window outlined" in dropped(2)


def test_pooling_frames_show_every_channel():
    X4 = torch.arange(16.0).reshape(4, 4)
    renderer = frames.renderer(
        helpers.pool2d_steps(torch.stack([X4, X4 + 1]), 3, padding=1, stride=2))
    frame = renderer(5)
    assert "step 6 of 8 \u00b7 output [channel 1, 0, 1]" in frame
    line, = math_lines(frame)
    assert line.startswith("channel 1: max(") and line.endswith("= 8")
    assert frame.count("channel 0: input 4\u00d74") == 1 and count(frame, "o") == 1
    assert frame.count("<figcaption>output 2\u00d72 (stride 2)</figcaption>") == 2
    assert count(frame, "w") == 6  # the window is on channel 1 only
    for value in ("5", "7", "13", "15", "6", "8"):
        assert f">{value}</text>" in frame


def test_frame_has_a_text_alternative():
    drawn = frames.renderer(helpers.conv2d_steps(X3, K2, padding=1), title="demo").frames()
    label = re.search(r'role="img" aria-label="([^"]*)"', drawn[0]).group(1)
    assert label == ("demo, step 1 of 16: the window covers input rows \u22121 to 0, columns "
                     "\u22121 to 0; output [0, 0]: 0\u00d70 + 0\u00d71 + 0\u00d72 + 0\u00d73 = 0")
    assert all(f.count("aria-label=") == 1 for f in drawn)
    assert all("aria-hidden='true'" in svg for svg in re.findall(r"<svg[^>]*>", drawn[5]))
    pool = frames.renderer(helpers.pool2d_steps(X3, 2, mode="avg"))(3)
    assert "avg pool, step 4 of 4: the window covers input rows 1 to 2, columns 1 to 2; " \
           "output [1, 1]: (4 + 5 + 7 + 8) / 4 = 6" in pool
    many = frames.renderer(helpers.conv2d_steps(torch.stack([X3, X3]), torch.stack([K2, K2])))
    assert "; 19 + 19 = 38" in re.search(r'aria-label="([^"]*)"', many(0)).group(1)


def test_frames_scale_to_their_width_and_height():
    """One row of grids that shrinks (never wraps) to the width and height it gets, text
    and grids alike: the fit is worked out from everything the frame draws."""
    assert ".cbk-row{display:flex;flex-wrap:nowrap" in kit.STYLE
    assert "max-width:100%" in re.search(r"\.cbk svg\{[^}]*\}", kit.STYLE).group(0)
    assert "font-size:calc(var(--cbk-fit,1px) * var(--cbk-text,16))" in kit.STYLE
    edge = torch.ones(6, 8)
    frame = frames.renderer(helpers.conv2d_steps(edge, torch.tensor([[1.0, -1.0]])))(0)
    svgs = re.findall(r"<svg width='(\d+)' height='(\d+)' viewBox='0 0 (\d+) (\d+)' "
                      r"style='width:calc\(var\(--cbk-fit,1px\)\*(\d+)\)'", frame)
    assert len(svgs) == 3 and all(w == vw == sw and h == vh for w, h, vw, vh, sw in svgs)
    tallest = max(int(h) for _, h, *_ in svgs)  # the input grid, 6 rows with indices
    assert tallest == 22 + 6 * kit.CELL + 2
    # heading, the input grid and its caption, one line of arithmetic; the size formula is
    # the line a short window hides
    (height, hidden, width), = fit_layouts(frame)
    assert height == kit.HEAD + tallest + kit.CAPTION + kit.MATH + kit.MATH_LINE
    assert hidden == kit.NOTE_LINE
    widths = [int(w) for w, *_ in svgs]  # input, kernel, output side by side
    widths[1] = max(widths[1], kit.text_width("kernel 1\u00d72"))  # or its caption
    assert width == sum(widths) + 2 * kit.OP + 4 * kit.GAP
    assert frame.count("clamp(0.32px, min(max(0.637px, ") == 1 and "--cbk-text" not in frame


def test_fit_never_lets_a_number_be_smaller_than_the_text():
    """In every kind, the frame's text is no larger than its smallest number, and a
    frame with several channels weighs them side by side against a column."""
    for name, kind in KINDS.items():
        renderer = frames.renderer(kind.steps())
        frame = renderer(len(renderer) - 1)
        sizes = [int(v) for v in re.findall(r"<text x='\d+' y='\d+' font-size='(\d+)'", frame)]
        text = re.search(r"--cbk-text:(\d+)", frame)
        text = int(text.group(1)) if text else kit.TEXT
        assert all(size >= text for size in sizes), name
        assert text <= kit.TEXT and fit_layouts(frame), name
    layouts = fit_layouts(frames.renderer(KINDS["max pool 2 channels, 3x3, padding 1"].steps())(0))
    (tall, _, narrow), (low, _, wide) = layouts
    assert tall > low and wide > narrow
    fractions = frames.renderer(KINDS["1x1 conv 3x2x3 -> 2, fractions, 2 biases"].steps())(0)
    assert "--cbk-text:13" in fractions  # "−0.45" is drawn at 13 px in a 44 px cell


def test_the_size_formula_leaves_out_what_is_not_there():
    plain = frames.renderer(helpers.conv2d_steps(X3, K2))(0)
    assert ('<div class="cbk-shape">output size: <span>rows: 3 \u2212 2 + 1 = 2</span> \u00b7 '
            "<span>columns: 3 \u2212 2 + 1 = 2</span></div>") in plain
    padded = frames.renderer(helpers.conv2d_steps(X3, K2, padding=1))(0)
    assert ("output size, padding counted per side: <span>rows: (3 + 1 + 1 \u2212 2) + 1 = 4"
            "</span>") in padded
    assert ".cbk-shape span{white-space:nowrap}" in kit.STYLE  # breaks only between axes


def test_captions_write_a_stride_per_axis_as_rows_by_columns():
    frame = frames.renderer(helpers.conv2d_steps(torch.ones(8, 8), K2, stride=(2, 3)))(0)
    assert "<figcaption>output 4\u00d73 (stride 2\u00d73)</figcaption>" in frame
    assert "(stride 2)" in frames.renderer(helpers.conv2d_steps(torch.ones(8, 8), K2,
                                                                stride=2))(0)


def test_indices_and_captions_are_large_and_follow_the_theme():
    style = kit.STYLE
    assert re.search(r"\.cbk svg \.lbl text\{fill:var\(--cbk-fg\);stroke:none\}", style)
    assert int(re.search(r"\.lbl\{[^}]*font-size:(\d+)px", style).group(1)) >= 16
    assert "figcaption{font-size:1em;" in style and "white-space:nowrap" in style
    assert "--cbk-fg:var(--jp-content-font-color1,#111)" in style
    assert '[data-jp-theme-light="false"] .cbk{' in style
    for rule in ("cbk-head", "cbk-op", "figcaption", "cbk-math"):
        body = re.search(rf"{rule}\{{([^}}]*)\}}", style).group(1)
        assert "color:#" not in body, f"{rule} has a fixed colour: unreadable in some theme"


def _luminance(hex_colour: str) -> float:
    if len(hex_colour) == 4:  # #abc
        hex_colour = "#" + "".join(2 * d for d in hex_colour[1:])
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_numbers_in_every_kind_of_cell_have_enough_contrast():
    """Cells keep their own fills in every theme; their numbers must read at 4.5:1, in the
    looks of every stylesheet (the kernel slices not at work, the weights' colours)."""
    css = sorted((Path(kit.__file__).parent / "css").glob("*.css"))
    style = "".join(kit.style(path.stem) for path in css)
    default_text = re.search(r"\.cbk svg text\{[^}]*fill:(#\w+)", style).group(1)
    fills = dict(re.findall(r"\.cbk \.(\w+) path\{fill:(#\w+)", style))
    texts = dict(re.findall(r"\.cbk \.(\w+) text\{fill:(#\w+)", style))
    assert set(fills) >= {"p", "w", "wp", "k", "o", "e", "ko", "z"} | {f"m{n}" for n in range(9)}
    for cls, fill in fills.items():
        text = texts.get(cls, default_text)
        assert contrast(text, fill) >= 4.5, (cls, text, fill)
    assert contrast("#111111", "#ffffff") >= 4.5  # data cells
