"""The digits chapter's engine: layer shapes from the book's formula, training, feature
maps, and the drawing pad and progress display driven without a browser."""

import re
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pytest
import torch
from sklearn.datasets import load_digits
from torch import nn

import helpers
from helpers.digits import accuracy, feature_maps, layer_table, lenet, train
from helpers.frames import digits as frame_digits
from helpers.widgets import DigitPad, TrainingProgress


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Small layers train faster, and the same on every machine, on one thread."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


NETWORKS = {
    "lenet": lenet,
    "sigmoid, average pooling": lambda: lenet(nn.Sigmoid, nn.AvgPool2d),
    "stride, dilation, padding": lambda: nn.Sequential(
        nn.Conv2d(3, 4, (3, 2), padding=(2, 0), stride=(2, 1), dilation=(1, 2)), nn.Tanh(),
        nn.MaxPool2d(3, stride=1, padding=1), nn.AvgPool2d((2, 1)), nn.Flatten(),
        nn.Linear(4 * 3 * 7, 7)),
    "dense": lambda: nn.Sequential(nn.Flatten(), nn.Linear(3 * 11 * 9, 5)),
}


@pytest.mark.parametrize("name", NETWORKS)
def test_layer_table_agrees_with_the_real_layers(name):
    net = NETWORKS[name]()
    shape = (1, 8, 8) if name in ("lenet", "sigmoid, average pooling") else (3, 11, 9)
    table = layer_table(net, shape)
    x = torch.zeros(2, *shape)
    for row, layer in zip(table, net, strict=True):
        x = layer(x)
        assert row.shape == tuple(x.shape[1:]), row.name
        assert row.params == sum(p.numel() for p in layer.parameters())
    assert table.total == sum(p.numel() for p in net.parameters())


def test_lenet_table_reads_as_the_chapter_says():
    table = layer_table(lenet(), (1, 8, 8))
    assert [row.shape for row in table][:6] == [(6, 8, 8), (6, 8, 8), (6, 4, 4),
                                                 (16, 4, 4), (16, 4, 4), (16, 2, 2)]
    assert table.total == 3350
    text = repr(table)
    assert text.splitlines()[1].split() == ["Conv2d(1,", "6,", "3x3)", "6", "x", "8", "x", "8",
                                            "60"]
    assert text.splitlines()[-1].split() == ["total", "3,350"]


def test_layer_table_names_the_layer_that_does_not_fit():
    net = nn.Sequential(nn.Conv2d(1, 6, 3), nn.Flatten(), nn.Linear(64, 10))
    with pytest.raises(ValueError, match=r"layer 2 \(Linear\(64, 10\)\): expects 64 inputs, "
                                         r"gets shape \(216,\)"):
        layer_table(net, (1, 8, 8))
    with pytest.raises(ValueError, match=r"layer 0 .*expects 3 channels, gets 1"):
        layer_table(nn.Sequential(nn.Conv2d(3, 1, 3)), (1, 8, 8))
    with pytest.raises(ValueError, match="layer 0 .*a 9 x 9 kernel needs at least 9 rows"):
        layer_table(nn.Sequential(nn.Conv2d(1, 1, 9)), (1, 8, 8))
    with pytest.raises(ValueError, match="BatchNorm2d layers are not supported"):
        layer_table(nn.Sequential(nn.BatchNorm2d(1)), (1, 8, 8))
    with pytest.raises(ValueError, match="ceil_mode"):
        layer_table(nn.Sequential(nn.MaxPool2d(3, ceil_mode=True)), (1, 8, 8))
    with pytest.raises(ValueError, match="must be an nn.Sequential"):
        layer_table(nn.Linear(2, 2), (1, 8, 8))
    with pytest.raises(ValueError, match="input_shape must be"):
        layer_table(lenet(), (8, 8))


def blobs(n=128, seed=0):
    """Two classes of 8 x 8 images: ink in the top or the bottom half, plus noise."""
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % 2
    X = torch.rand(n, 1, 8, 8, generator=g) * 0.5
    X[y == 0, :, :4] += 1
    X[y == 1, :, 4:] += 1
    X = (X - X.mean()) / X.std()
    return X, y


def test_training_is_seeded_and_learns():
    X, y = blobs()
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        net = lenet()
        calls = []
        losses = train(net, X, y, epochs=8,
                       progress=lambda *args, calls=calls: calls.append(args))
        runs.append(losses)
        assert [e for e, _ in calls] == list(range(1, 9))
        assert [loss for _, loss in calls] == losses.tolist()
    assert torch.equal(runs[0], runs[1])
    assert runs[0][-1] < runs[0][0]
    assert accuracy(net, X, y) == 1.0 and not net.training


def test_feature_maps_follow_the_layer_table():
    net = lenet()
    x = torch.rand(1, 8, 8)
    maps = feature_maps(net, x)
    assert [name for name, _ in maps] == [row.name for row in layer_table(net, (1, 8, 8))]
    assert [tuple(m.shape) for _, m in maps] == [row.shape for row in layer_table(net, (1, 8, 8))]
    assert torch.allclose(maps[-1][1], net(x[None])[0])


def test_the_digits_are_scikit_learns():
    images, labels = helpers.load_digits()
    digits = load_digits()
    assert torch.equal(images, torch.tensor(digits.images, dtype=torch.float32))
    assert torch.equal(labels, torch.tensor(digits.target))


def test_stratified_split_keeps_each_class_share():
    labels = torch.tensor([0] * 10 + [1] * 7 + [2] * 3)
    is_test = helpers.stratified_split(labels, 0.3, seed=1)
    assert torch.bincount(labels[is_test]).tolist() == [3, 2, 1]  # 3, 2.1, 0.9 rounded
    assert torch.equal(is_test, helpers.stratified_split(labels, 0.3, seed=1))
    assert not torch.equal(is_test, helpers.stratified_split(labels, 0.3, seed=2))
    for share in (0, 1, 1.5):
        with pytest.raises(ValueError, match="test_share must be between 0 and 1"):
            helpers.stratified_split(labels, share)


def test_the_chapters_split_is_normalised_on_the_training_set():
    X_train, y_train, X_test, y_test = helpers.digits.load_split()
    assert X_train.shape == (1346, 1, 8, 8) and X_test.shape == (451, 1, 8, 8)
    assert abs(X_train.mean()) < 1e-4 and abs(X_train.std() - 1) < 1e-4
    assert len(y_train) + len(y_test) == 1797


def test_confusion_figure_writes_every_count():
    matrix = torch.tensor([[5, 1, 0], [0, 4, 2], [0, 0, 6]])
    figure = helpers.show_confusion(matrix)
    texts = sorted(t.get_text() for t in figure.axes[0].texts)
    assert texts == sorted(["5", "1", "4", "2", "6"])
    plt.close(figure)
    with pytest.raises(ValueError, match="must be square"):
        helpers.show_confusion(torch.zeros(2, 3))


# -- the drawing pad -------------------------------------------------------------------

def row_reader():
    """A network that answers k when the ink is in row k (0..7) of the 8 x 8 grid."""
    linear = nn.Linear(64, 10)
    with torch.no_grad():
        linear.weight.zero_()
        linear.bias.zero_()
        for k in range(8):
            linear.weight[k, 8 * k: 8 * k + 8] = 1.0
    return nn.Sequential(nn.Flatten(), linear)


def shown_prediction(pad) -> int:
    return int(re.search(r'data-prediction="(\d)"', pad.answer.value).group(1))


def test_painting_cells_changes_the_prediction():
    pad = DigitPad(row_reader(), lambda images: images / 16)
    assert repr(pad) == "DigitPad(8x8 grid, 0 examples to start from)"
    assert "the grid is empty" in pad.answer.value
    for row in (5, 2, 7):
        pad.clear()
        pad.cells[row][3].click()  # as the reader does
        assert pad.image[row, 3] == 16 and pad.image.sum() == 16
        assert pad.prediction == shown_prediction(pad) == row
    pad.paint(1, 0)
    pad.paint(1, 1)
    assert pad.prediction == 1  # two cells of ink in row 1 beat one in row 7
    assert "the grid is empty" not in pad.answer.value


def test_shades_and_the_eraser():
    pad = DigitPad(row_reader(), lambda images: images / 16)
    pad.brush.value = 4
    pad.cells[2][2].click()
    pad.brush.value = 0
    pad.cells[6][6].click()
    assert pad.image[2, 2] == 4 and pad.image.sum() == 4 and pad.prediction == 2
    assert pad.cells[2][2].style.button_color == frame_digits.shade(4, 16, False)
    assert pad.cells[2][2].tooltip == "row 2, column 2: light"
    pad.cells[2][2].click()  # the eraser is still the brush
    assert not pad.image.any() and pad.cells[2][2].style.button_color == "#ffffff"
    for label, value in [("ink", 16), ("grey", 8), ("light", 4), ("eraser", 0)]:
        assert dict(pad.brush.options)[label] == value


def test_the_clear_button_and_the_examples():
    three = torch.zeros(8, 8)
    three[3] = 16
    pad = DigitPad(row_reader(), lambda images: images / 16, examples={"row 3": three},
                   start="row 3")
    assert pad.prediction == 3 and torch.equal(pad.image, three)
    pad.clear_button.click()
    assert not pad.image.any() and pad.start.value == "blank"  # choosing "row 3" works again
    assert pad.prediction is None and "data-prediction" not in pad.answer.value
    assert "(none yet)" in pad.answer.value and pad.maps.value == ""
    pad.clear_button.click()  # clearing a blank grid keeps it blank
    assert not pad.image.any() and pad.prediction is None
    pad.start.value = "blank"
    pad.start.value = "row 3"
    assert torch.equal(pad.image, three) and pad.image is not three
    pad.paint(3, 0, 0)
    assert three[3, 0] == 16  # painting never changes the example itself


def test_feature_maps_of_every_layer_are_shown():
    pad = DigitPad(lenet(), lambda images: images / 16)
    pad.paint(4, 4)
    names = re.findall(r'class="cbk-maps-name">([^<]+)<', pad.maps.value)
    assert names == [row.name for row in layer_table(pad.net, (1, 8, 8))]
    assert pad.maps.value.count('aria-label="Conv2d(1, 6, 3x3): output 6\u00d78\u00d78"') == 1
    not_sequential = DigitPad(MeanReader(), lambda images: images)
    not_sequential.paint(4, 4)
    assert not_sequential.maps.value == "" and not_sequential.prediction is not None


class MeanReader(nn.Module):
    def forward(self, x):
        return x.mean((1, 2, 3))[:, None] * torch.arange(10.0)


def test_a_trained_network_reads_a_real_digit_as_it_does_outside_the_pad():
    digits = load_digits()
    X = torch.tensor(digits.images, dtype=torch.float32)[:, None]
    y = torch.tensor(digits.target)
    mean, std = X[:1200].mean(), X[:1200].std()

    def normalize(images):
        return (images - mean) / std

    torch.manual_seed(0)
    net = lenet()
    train(net, normalize(X[:1200]), y[:1200], epochs=10)
    test = {f"digit {i}": X[i, 0] for i in range(1200, 1220)}
    pad = DigitPad(net, normalize, examples=test)
    expected = net(normalize(X[1200:1220])).argmax(1).tolist()
    seen = []
    for name in test:
        pad.start.value = name
        seen.append(pad.prediction)
        assert shown_prediction(pad) == pad.prediction
    assert seen == expected
    assert sum(p == t for p, t in zip(seen, y[1200:1220].tolist(), strict=True)) >= 15


def test_bad_input_to_the_pad():
    net = row_reader()
    with pytest.raises(ValueError, match="net must be a torch.nn.Module"):
        DigitPad(lambda x: x, lambda images: images)
    with pytest.raises(ValueError, match="normalize must be a function"):
        DigitPad(net, 16)
    with pytest.raises(ValueError, match=r"odd must be 8 x 8, got shape \(7, 8\)"):
        DigitPad(net, lambda images: images, examples={"odd": torch.zeros(7, 8)})
    with pytest.raises(ValueError, match="values from 0 to 16"):
        DigitPad(net, lambda images: images, examples={"bright": torch.full((8, 8), 255.0)})
    with pytest.raises(ValueError, match="start must be one of"):
        DigitPad(net, lambda images: images, start="missing")
    pad = DigitPad(net, lambda images: images)
    with pytest.raises(ValueError, match="inside the 8 x 8 grid"):
        pad.paint(8, 0)
    with pytest.raises(ValueError, match="between 0 and 16"):
        pad.paint(0, 0, 17)


def test_a_network_that_fails_shows_a_message_not_a_traceback():
    pad = DigitPad(nn.Sequential(nn.Flatten(), nn.Linear(63, 10)), lambda images: images)
    assert pad.prediction is None and pad.message.startswith("RuntimeError")
    assert "could not read the drawing" in pad.answer.value
    assert 'class="cbk-msg"' in pad.answer.value
    pad.paint(0, 0)  # still no traceback
    assert pad.prediction is None


# -- the progress display and the frames ---------------------------------------------

def test_training_progress_updates_in_place():
    progress = TrainingProgress(3)
    assert repr(progress) == "TrainingProgress(training, 3 epochs)"
    assert "3 epochs to go" in progress.line.value and progress.bar.value == 0
    children = progress.children
    progress(1, 0.5)
    progress(2, 0.25, 0.875)
    assert progress.children == children and progress.bar.value == 2
    assert "epoch 2 of 3 \u00b7 training loss 0.2500 \u00b7 test accuracy 0.875" in \
        progress.line.value
    assert progress.history == [(1, 0.5, None), (2, 0.25, 0.875)]
    for bad in (0, 2.5, "3"):
        with pytest.raises(ValueError, match="epochs must be a whole number"):
            TrainingProgress(bad)


def test_shades_run_from_paper_to_ink():
    shade = frame_digits.shade
    assert shade(0, 16, False) == "#ffffff" and shade(16, 16, False) == "#111111"
    assert shade(32, 16, False) == "#111111"  # clipped
    assert shade(-1, 1, True) == "#e66101" and shade(1, 1, True) == "#5e3c99"
    assert shade(5, 0, False) == "#ffffff"  # an all-zero map


def test_maps_svg_draws_one_cell_per_non_zero_value():
    grids = torch.zeros(2, 3, 3)
    grids[0, 1, 1] = 2.0
    grids[1, 0, 2] = -1.0
    svg = frame_digits.maps_svg(grids, cell=10, signed=True, limit=2.0)
    assert svg.count("h1v1h-1z") == 2 and svg.startswith("<svg width=")


def test_probability_bars_name_the_most_likely_class():
    probs = torch.full((10,), 0.05)
    probs[7] = 0.55
    frame = frame_digits.probability_bars(probs)
    assert 'data-prediction="7"' in frame and "(55 %)" in frame
    assert frame.count("<rect") == 10
    empty = frame_digits.probability_bars(None, note="draw")
    assert "data-prediction" not in empty and "<rect" not in empty and "(none yet)" in empty
    assert empty.count("<text") == 10 and "draw" in empty


def test_the_package_exports_the_chapter_names():
    chapter = {"DigitPad": DigitPad, "TrainingProgress": TrainingProgress,
               "layer_table": layer_table, "feature_maps": feature_maps, "train": train}
    assert set(chapter) <= set(helpers.__all__)
    for name, thing in chapter.items():
        assert hasattr(helpers, name)
        assert getattr(helpers, name) is thing
    # every helpers.NAME the chapter's code calls (not its `#|` marks) is exported
    notebook = nbformat.read(Path(__file__).parent.parent / "notebooks" / "06_lenet_digits.ipynb",
                             as_version=4)
    code = "\n".join(line for cell in notebook.cells if cell.cell_type == "code"
                     for line in cell.source.splitlines() if not line.startswith("#|"))
    used = set(re.findall(r"\bhelpers\.(\w+)", code))
    assert used and used <= set(helpers.__all__)


def test_feature_map_figure_draws_every_layer_at_one_scale():
    net = lenet()
    maps = feature_maps(net, torch.rand(1, 8, 8))
    figure = helpers.show_feature_maps(maps)
    ax, = figure.axes
    titles = [t.get_text() for t in ax.texts]
    assert titles[:3] == ["Conv2d(1, 6, 3x3): 6x8x8", "ReLU: 6x8x8", "MaxPool2d(2): 6x4x4"]
    assert len(titles) == len(maps)
    tiles = ax.images
    assert len(tiles) == 6 + 6 + 6 + 16 + 16 + 16 + 4  # channels, then one strip a vector
    sizes = {(round(t.get_extent()[1] - t.get_extent()[0]), t.get_array().shape[1])
             for t in tiles}
    assert all(width == cells for width, cells in sizes)  # one cell is one unit everywhere
    conv, relu = tiles[0], tiles[6]
    assert conv.get_cmap().name.startswith("PuOr") and conv.norm.vmin == -conv.norm.vmax
    assert relu.norm.vmin == 0 and relu.get_cmap().name.startswith("gray_r")
    plt.close(figure)


def test_digit_grid_names_every_digit():
    images = {f"digit {k}": torch.full((8, 8), float(k)) for k in range(13)}
    figure = helpers.show_digits(images, columns=5)
    ax, = figure.axes
    assert [t.get_text() for t in ax.texts] == list(images)
    assert len(ax.images) == 13 and {t.norm.vmax for t in ax.images} == {4.0, 9.0, 12.0}
    tops = sorted({t.get_extent()[3] for t in ax.images})
    assert len(tops) == 3  # three rows of at most five
    plt.close(figure)


def test_the_training_step_is_torch_optim_sgd_with_momentum():
    """The chapter writes the momentum step out (v = momentum v + g, w = w - lr v) instead
    of importing torch.optim, whose first use costs seconds; here it meets torch.optim.SGD."""
    torch.manual_seed(0)
    ours, theirs = lenet(), lenet()
    theirs.load_state_dict(ours.state_dict())
    X = torch.randn(40, 1, 8, 8, generator=torch.Generator().manual_seed(1))
    y = torch.arange(40) % 10
    train(ours, X, y, epochs=2, lr=0.05, momentum=0.9, batch_size=16, seed=3)
    sgd = torch.optim.SGD(theirs.parameters(), lr=0.05, momentum=0.9)
    order = torch.Generator().manual_seed(3)
    for _ in range(2):
        for batch in torch.randperm(len(y), generator=order).split(16):
            sgd.zero_grad()
            nn.functional.cross_entropy(theirs(X[batch]), y[batch]).backward()
            sgd.step()
    for a, b in zip(ours.parameters(), theirs.parameters(), strict=True):
        assert torch.allclose(a, b, atol=1e-6)
