"""Widgets driven without a browser: set the step or a control, read what the frame shows."""

import itertools
import re

import pytest
import torch
from kinds import K2, X3

import helpers
from helpers import frames, widgets


def shown_value(frame: str) -> float:
    return float(re.search(r'data-value="([^"]+)"', frame).group(1))


def test_worked_example_plays_19_25_37_43():
    player = helpers.conv_player(X3, K2)
    assert repr(player) == ("Player(corr2d, input 3x3, kernel 2x2, padding (0, 0), "
                            "stride (1, 1), 4 steps)")
    seen = []
    for _ in range(4):
        seen.append(shown_value(player.frame))
        assert player.stack.selected_index == player.step
        assert player.stack.children[player.step].value == player.frame
        player.next()
    assert seen == [19, 25, 37, 43]
    assert player.step == 3  # next() stops at the last step
    player.prev()
    assert player.step == 2 and player.slider.value == 2 and player.play.value == 2
    assert "4\u00d70 + 5\u00d71" not in player.frame and "3\u00d70 + 4\u00d71" in player.frame


def test_controls_of_the_player():
    player = helpers.conv_player(X3, K2)
    assert player.play.max == player.slider.max == 3
    assert player.speed.value == player.play.interval
    player.step = 2
    assert "step 3 of 4" in player.frame
    with pytest.raises(ValueError, match="step must be between 0 and 3"):
        player.step = 4


def test_changing_a_parameter_rebuilds_the_animation():
    player = helpers.Player(lambda padding, stride: helpers.conv2d_steps(
        X3, K2, padding=padding, stride=stride), {"padding": widgets.control("padding", range(3)),
        "stride": widgets.control("stride", range(1, 3))}, max_settings=1)
    assert player.stored == []
    player.step = 3
    player.set(padding=1)
    assert player.step == 0 and len(player.steps) == 16 and len(player.stack.children) == 16
    assert "padding 1" in player.frame
    old = player.stack.children
    player.set(stride=2)
    assert len(player.steps) == 4 and shown_value(player.frame) == 0
    assert player.stack.children == old[:4]  # the frames' widgets are reused
    assert all(frame.comm is None for frame in old[4:])  # the others closed
    with pytest.raises(ValueError, match="no control named 'dilation'"):
        player.set(dilation=2)


def test_controls_with_few_values_have_every_setting_drawn():
    """Each setting of the few-valued controls has its animation in nested Stacks, linked
    to the controls in the page; the others are the kernel's, and say so."""
    player = helpers.conv_player(X3, K2, padding=range(0, 3), stride=range(1, 3),
                                 dilation=range(1, 8))
    assert player.stored == ["padding", "stride"]  # 7 dilations: too many to store
    top = player.children[-1]
    assert len(top.children) == 3 and all(len(s.children) == 3 for s in top.children)
    player.step = 2
    drawn = player.stack.children
    player.set(padding=2, stride=2)  # drawn already: shown from its first step, none redrawn
    assert (top.selected_index, top.children[2].selected_index) == (2, 2)
    assert top.children[2].children[2] is player.animation and player.step == 0
    assert len(player.steps) == 9 and drawn[0].comm is not None
    assert player.frame == frames.renderer(helpers.conv2d_steps(X3, K2, padding=2, stride=2))(0)
    needs = "(runs in the kernel: run the notebook first)"
    tips = {name: c.tooltip for name, c in player.controls.items()}
    assert tips == {"padding": "padding", "stride": "stride", "dilation": f"dilation {needs}"}
    links = {(link.source[0].description, link.source[1]) for link in player._stacks.links}
    assert links == {("padding", "value"), ("stride", "value")}
    player.set(dilation=2)  # the kernel draws every stored setting again
    assert player.step == 0 and player.steps.dilation == (2, 2) and len(player.steps) == 9


def test_stored_settings_are_bounded():
    many = {f"{n}x{n}": torch.ones(n, n) for n in range(3, 8)}  # 5 options: not stored
    player = helpers.conv_player(many, K2, padding=range(0, 3), stride=range(1, 4),
                                 flip={"no": False, "yes": True})
    assert player.stored == ["padding", "stride"]  # 3 x 3 settings; x 2 flips would be 18
    large = helpers.conv_player(torch.ones(9, 9), K2, padding=range(0, 3))
    assert large.stored == []  # 64 + 100 + 144 frames: more than a notebook should carry


def test_impossible_setting_shows_a_message_not_a_traceback():
    player = helpers.conv_player({"3x3": X3}, {"2x2": K2, "4x4": torch.ones(4, 4),
                                               "3x3": torch.ones(3, 3)})
    player.set(K="4x4")
    assert player.steps is None
    assert player.message == "a 4 x 4 kernel needs at least 4 rows; this input has 3"
    assert player.message in player.frame and 'class="cbk-msg" role="status"' in player.frame
    def stepping():
        return (player.play, player.slider, player.back, player.forward)

    assert all(control.disabled for control in stepping())
    assert repr(player) == "Player(animation: impossible setting, message shown)"
    player.set(K="2x2")
    assert player.message == "" and shown_value(player.frame) == 19
    assert not any(control.disabled for control in stepping())
    player.set(K="3x3")  # a single step: nothing to step through
    assert len(player.steps) == 1 and all(control.disabled for control in stepping())


def test_a_bug_in_a_build_is_reported_in_the_widget():
    def broken(**_):
        raise TypeError("boom")

    player = helpers.Player(broken, title="broken")
    assert player.message.startswith("Internal error, please report it: TypeError: boom")


@pytest.mark.parametrize("max_frames", [150, 2], ids=["frames in the stack", "drawn live"])
def test_a_bug_in_drawing_is_reported_in_the_widget(monkeypatch, max_frames):
    def broken(self, index):
        raise KeyError(index)

    monkeypatch.setattr(frames.FrameRenderer, "__call__", broken)
    player = helpers.Player(lambda: helpers.conv2d_steps(X3, K2), max_frames=max_frames)
    assert player.message == "Internal error, please report it: KeyError: 0"
    assert player.message in player.frame


def test_a_bug_in_a_live_frame_is_reported_in_the_frame(monkeypatch):
    player = helpers.Player(lambda: helpers.conv2d_steps(X3, K2), max_frames=2)
    monkeypatch.setattr(frames.FrameRenderer, "__call__",
                        lambda self, index: 1 / 0)
    player.next()
    assert "Internal error, please report it: ZeroDivisionError" in player.live.value


def test_every_combination_of_controls_gives_a_frame_or_a_message():
    inputs = {"1x1": torch.ones(1, 1), "3x3": X3, "band": torch.ones(6, 8),
              "two channels": torch.stack([X3, X3 + 1])}
    kernels = {"1x1": torch.ones(1, 1), "2x2": K2, "1x2": torch.tensor([[1.0, -1.0]]),
               "5x5": torch.ones(5, 5), "two channels": torch.stack([K2, K2])}
    player = helpers.conv_player(inputs, kernels, padding=range(0, 3), stride=range(1, 4),
                                 dilation=range(1, 3), bias={"none": 0.0, "0.5": 0.5})
    combos = itertools.product(inputs, kernels, range(0, 3), range(1, 4), range(1, 3),
                               ["none", "0.5"])
    drawn = refused = 0
    for x, k, p, s, d, b in combos:
        player.set(X=x, K=k, padding=p, stride=s, dilation=d, bias=b)
        if player.steps is None:
            assert player.message and not player.message.startswith("Internal error")
            assert 'class="cbk-msg"' in player.frame
            refused += 1
            continue
        expected = helpers.conv2d_steps(inputs[x], kernels[k], padding=p, stride=s,
                                        dilation=d, bias=float(b != "none") * 0.5)
        assert [st.value for st in player.steps] == [st.value for st in expected]
        player.step = len(player.steps) - 1
        assert shown_value(player.frame) == expected[-1].value
        drawn += 1
    assert drawn > 100 and refused > 50


def test_pool_player_modes():
    player = helpers.pool_player(torch.arange(16.0).reshape(4, 4), 3,
                                 mode={"max": "max", "avg": "avg"}, padding=range(0, 3),
                                 stride=range(1, 4))
    player.set(padding=1, stride=2)
    assert [st.value for st in player.steps] == [5, 7, 13, 15]
    player.set(mode="avg")
    assert player.steps.op == "avg pool"
    player.set(padding=2)
    assert "more than half the pool size" in player.message


def test_long_animations_are_drawn_by_the_kernel():
    player = helpers.Player(lambda: helpers.conv2d_steps(torch.ones(5, 5), K2), max_frames=10)
    assert len(player.steps) == 16 and player.frame_area.children == (player.live,)
    player.step = 7
    assert player.live.value == player.frame == frames.renderer(player.steps)(7)
    assert player.stack.children == ()
    small = helpers.Player(lambda: helpers.conv2d_steps(X3, K2), max_frames=10)
    assert small.frame_area.children == (small.stack,)


def test_field_view():
    view = helpers.FieldView(9, [{"kernel_size": 3}] * 3)
    assert repr(view) == "FieldView(3 layers, 9x9 -> 7x7 -> 5x5 -> 3x3)"
    assert len(view.fields[0]) == 49 and 'data-field="49"' in view.view.value
    view.depth.value = 1
    assert view.row.max == 6 and len(view.fields[0]) == 9
    view.row.value, view.col.value = 6, 6
    assert view.fields[0] == {(r, c) for r in range(6, 9) for c in range(6, 9)}
    view.depth.value = 3  # the chosen cell is clamped into the smaller output
    assert view.row.value == 2 and len(view.fields[0]) == 49


def test_speed_test_times_only_on_request():
    test = helpers.SpeedTest({"sum": lambda: sum(range(100)), "nothing": lambda: None},
                             repeat=2)
    assert repr(test) == "SpeedTest(sum, nothing)" and test.table.value == ""
    row = test.children[1]  # a column stretches its children; a row keeps the label's width
    assert row.children == (test.button,) and "HBox" in type(row).__name__
    test.button.click()
    assert set(test.results) == {"sum", "nothing"} and "median time" in test.table.value
    assert not test.button.disabled


def test_speed_test_reports_errors_in_the_widget():
    test = helpers.SpeedTest({"bad": lambda: 1 / 0}, repeat=1)
    test.measure()
    assert "ZeroDivisionError" in test.table.value and 'class="cbk-msg"' in test.table.value


def test_inputs_too_large_to_draw_get_a_message():
    player = helpers.conv_player(torch.rand(150, 128), torch.ones(3, 3))
    assert player.steps is None and "too large to animate" in player.message
    assert "1 x 150 x 128 cells" in player.message


def test_every_setting_of_the_field_view():
    layers = [{"kernel_size": 3}, {"kernel_size": 2, "stride": 2}, {"kernel_size": 2}]
    view = helpers.FieldView((9, 8), layers)
    for depth in (1, 2, 3):
        view.depth.value = depth
        h, w = view.sizes[depth]
        assert (view.row.max, view.col.max) == (h - 1, w - 1)
        for r, c in itertools.product(range(h), range(w)):
            view.row.value, view.col.value = r, c
            assert view.fields == helpers.receptive_field((9, 8), layers[:depth], (r, c))
            assert f"Output [{r}, {c}] of layer {depth}" in view.view.value


def test_every_setting_of_a_pool_player():
    X = torch.randn(5, 5, generator=torch.Generator().manual_seed(0))
    player = helpers.pool_player(X, {"2x2": 2, "3x3": 3, "2x3": (2, 3)},
                                 mode={"max": "max", "avg": "avg"}, padding=range(0, 3),
                                 stride=range(1, 4))
    for size, mode, p, s in itertools.product(["2x2", "3x3", "2x3"], ["max", "avg"],
                                              range(0, 3), range(1, 4)):
        player.set(pool_size=size, mode=mode, padding=p, stride=s)
        if player.steps is None:
            assert "more than half the pool size" in player.message
            continue
        player.step = len(player.steps) - 1
        assert shown_value(player.frame) == player.steps[-1].value


def test_every_pooling_option_of_a_pool_player_matches_pytorch():
    X = torch.randn(5, 5, generator=torch.Generator().manual_seed(1))
    inputs = {"5x5": X, "two channels": torch.stack([X, X + 1])}
    player = helpers.pool_player(inputs, {"2x2": 2, "3x3": 3, "4x4": 4},
                                 mode={"max": "max", "avg": "avg"}, padding=range(0, 3),
                                 stride=range(1, 4), ceil_mode={"False": False, "True": True},
                                 count_include_pad={"True": True, "False": False})
    refused = 0
    for x, size, mode, p, s, ceil, include in itertools.product(
            inputs, ["2x2", "3x3", "4x4"], ["max", "avg"], range(0, 3), range(1, 4),
            ["False", "True"], ["True", "False"]):
        player.set(X=x, pool_size=size, mode=mode, padding=p, stride=s, ceil_mode=ceil,
                   count_include_pad=include)
        k = int(size[0])
        if 2 * p > k:
            assert "more than half the pool size" in player.message
            refused += 1
            continue
        batch = inputs[x] if inputs[x].dim() == 3 else inputs[x][None]
        options = {"ceil_mode": ceil == "True"}
        if mode == "max":
            expected = torch.nn.functional.max_pool2d(batch, k, s, p, **options)
        else:
            expected = torch.nn.functional.avg_pool2d(batch, k, s, p, **options,
                                                      count_include_pad=include == "True")
        got = torch.tensor([st.value for st in player.steps]).reshape(expected.shape)
        assert torch.allclose(got, expected, atol=1e-6)
        player.step = len(player.steps) - 1
        assert shown_value(player.frame) == player.steps[-1].value
    assert refused == 2 * 2 * 3 * 2 * 2 * 2  # padding 2 with a 2x2 or 3x3 window


def test_what_needs_the_kernel_says_so():
    """Stored animations play without a kernel; buttons and settings that ask it say so."""
    player = helpers.conv_player(X3, {"2x2": K2}, padding=range(0, 2), dilation=range(1, 9))
    assert player.stored == ["padding"] and player.controls["padding"].tooltip == "padding"
    del player.controls["padding"]
    needs = (player.back, player.forward, *player.controls.values(),
             helpers.SpeedTest({"none": lambda: None}).button)
    assert all(w.tooltip.endswith("(runs in the kernel: run the notebook first)") for w in needs)
    assert player.back.tooltip.startswith("previous step")


def test_players_are_named_after_their_step_models_and_keep_their_first_names():
    assert helpers.conv_player is helpers.conv2d_player
    assert helpers.pool_player is helpers.pool2d_player
    assert helpers.pixel_player is helpers.conv1x1_player
    player = helpers.conv1x1_player(torch.ones(2, 2, 2), torch.ones(3, 2))
    assert repr(player) == "Player(1x1 conv, input 2x2x2, W 3x2, 4 steps)"
