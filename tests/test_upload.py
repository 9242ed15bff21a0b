"""The reader's own picture: decoding, the limits, and the upload widget driven headless."""

import datetime
import io
import json
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

import helpers
from helpers.widgets.upload import MAX_BYTES, PictureUpload, decode_picture, picture_html

ROOT = Path(__file__).parent.parent


def encoded(array: np.ndarray, format: str = "PNG", **options) -> bytes:
    out = io.BytesIO()
    Image.fromarray(array).save(out, format=format, **options)
    return out.getvalue()


def gradient(h: int, w: int) -> np.ndarray:
    """An h x w RGB picture: red grows down, green across, blue is constant."""
    rows, cols = np.mgrid[0:h, 0:w]
    return np.stack([rows * 255 // max(h - 1, 1), cols * 255 // max(w - 1, 1),
                     np.full((h, w), 128)], axis=-1).astype(np.uint8)


def test_a_png_is_read_exactly_channels_first():
    array = gradient(12, 20)
    picture = decode_picture(encoded(array))
    assert picture.shape == (3, 12, 20) and picture.dtype == torch.float32
    assert torch.equal(picture, torch.from_numpy(array).permute(2, 0, 1).float() / 255)


def test_grey_and_transparent_pictures_become_three_channels():
    grey = np.arange(30, dtype=np.uint8).reshape(5, 6)
    picture = decode_picture(encoded(grey))
    assert picture.shape == (3, 5, 6) and torch.equal(picture[0], picture[2])
    rgba = np.dstack([gradient(4, 4), np.full((4, 4), 255, np.uint8)])
    assert decode_picture(encoded(rgba)).shape == (3, 4, 4)


def test_a_large_picture_is_shrunk_to_the_longest_side():
    picture = decode_picture(encoded(gradient(300, 450), "JPEG"), side=90)
    assert picture.shape == (3, 60, 90)
    assert 0 <= float(picture.min()) and float(picture.max()) <= 1


def test_the_camera_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: the stored 10 x 20 picture is shown 20 x 10
    picture = decode_picture(encoded(gradient(10, 20), "JPEG", exif=exif))
    assert picture.shape == (3, 20, 10)
    # turned a quarter clockwise: the stored top-left corner (no red, no green) is shown at
    # the top right, the stored bottom-left corner (all red, no green) at the top left
    red, green = picture[0], picture[1]
    assert red[0, -1] < 0.1 and green[0, -1] < 0.1
    assert red[0, 0] > 0.9 and green[0, 0] < 0.1
    upright = decode_picture(encoded(gradient(10, 20), "JPEG"))  # the same pixels, no EXIF
    assert torch.equal(picture, upright.rot90(-1, dims=(1, 2)))


@pytest.mark.parametrize(("data", "message"), [
    (b"", "notes.txt is empty"),
    (b"just some text, not a picture\n" * 10, "notes.txt is not a picture"),
    (b"%PDF-1.4\n" + bytes(range(256)), "notes.txt is not a picture"),
])
def test_what_is_not_a_picture_is_refused_by_name(data, message):
    with pytest.raises(ValueError, match=message):
        decode_picture(data, name="notes.txt")


def test_a_damaged_picture_is_refused():
    data = encoded(gradient(40, 40))
    with pytest.raises(ValueError, match="cut.png looks like a picture but cannot be read"):
        decode_picture(data[: len(data) // 2], name="cut.png")


def test_too_many_bytes_and_too_many_pixels_are_refused():
    noise = np.random.default_rng(0).integers(0, 256, (100, 100, 3), dtype=np.uint8)
    data = encoded(noise)  # noise does not compress: about 30 kB
    with pytest.raises(ValueError, match=r"big.png has \d\d\.?\d? kB; .* up to 1 kB"):
        decode_picture(data, name="big.png", max_bytes=1000)
    with pytest.raises(ValueError, match="claims 100 x 100 pixels; .* at most 0.005 million"):
        decode_picture(data, name="big.png", max_pixels=5000)


def test_a_picture_is_embedded_as_png_with_its_caption():
    page = picture_html(torch.rand(3, 4, 5), caption="a <test>")
    assert page.count('src="data:image/png;base64,') == 1
    assert 'alt="a &lt;test&gt;"' in page and "(4\u00d75)" in page
    assert "(2\u00d73)" in picture_html(torch.tensor([[-1.0, 0, 1], [2, 0, 0]]))


MODIFIED = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
KERNELS = {"grey": torch.tensor([0.299, 0.587, 0.114]).reshape(1, 3, 1, 1),
           "two edges": torch.randn(2, 3, 1, 2, generator=torch.Generator().manual_seed(0))}


def test_the_widget_shows_the_picture_and_every_output_channel():
    start = torch.rand(3, 8, 9, generator=torch.Generator().manual_seed(1))
    view = PictureUpload(KERNELS, start, name="start")
    assert repr(view) == "PictureUpload(grey, two edges)"
    assert view.name == "start" and view.message == ""
    for key, K in KERNELS.items():
        assert torch.allclose(view.outputs[key], F.conv2d(start[None], K)[0], atol=1e-6)
    assert 'data-picture="start 8x9"' in view.view.value
    assert view.view.value.count("<img") == 1 + 1 + 2  # the picture, 1 grey map, 2 edge maps


def test_uploading_a_picture_replaces_it_and_keeps_no_bytes():
    view = PictureUpload(KERNELS, torch.rand(3, 4, 4))
    array = gradient(6, 7)
    view.upload.value = ({"name": "mine.png", "type": "image/png", "size": 0,
                          "content": memoryview(encoded(array)), "last_modified": MODIFIED},)
    assert view.name == "mine.png" and view.message == ""
    assert torch.equal(view.picture, torch.from_numpy(array).permute(2, 0, 1).float() / 255)
    assert 'data-picture="mine.png 6x7"' in view.view.value
    assert view.upload.value == ()


def test_uploading_a_non_picture_shows_a_message_above_the_last_pictures():
    start = torch.rand(3, 4, 4)
    view = PictureUpload(KERNELS, start, name="start")
    pictures = view.view.value
    view.upload.value = ({"name": "notes.txt", "type": "text/plain", "size": 0,
                          "content": memoryview(b"hello"), "last_modified": MODIFIED},)
    assert view.message.startswith("notes.txt is not a picture")
    assert view.name == "start" and torch.equal(view.picture, start)  # nothing of it is kept
    message, _, rest = view.view.value.partition('<div class="cbk-picture"')
    assert 'class="cbk-msg"' in message and '<div class="cbk-picture"' + rest == pictures
    assert view.upload.value == ()
    view.load(encoded(gradient(3, 3)), "fine.png")  # the next picture works again
    assert view.message == "" and view.picture.shape == (3, 3, 3)
    assert "cbk-msg" not in view.view.value


def test_the_button_hides_its_count_of_files_which_is_always_0():
    view = PictureUpload(KERNELS, torch.rand(3, 4, 4))
    assert "cbk-upload" in view.upload._dom_classes
    button, note = view.children[1].children
    assert button is view.upload
    page = note.value
    assert '.cbk-upload::after{content:"Upload a picture"' in page
    assert ".cbk-upload{font-size:0}" in page


def test_kernels_must_have_three_input_channels():
    with pytest.raises(ValueError, match="kernel 'bad' has 2 input channels"):
        PictureUpload({"bad": torch.ones(1, 2, 1, 1)}, torch.rand(3, 4, 4))
    with pytest.raises(ValueError, match="kernel 'flat'"):
        PictureUpload({"flat": torch.ones(3, 1, 1)}, torch.rand(3, 4, 4))


def test_the_sample_photo_in_colour_averages_to_the_grey_one():
    colour = helpers.sample_photo(colour=True)
    assert colour.shape == (3, 150, 128)
    assert torch.allclose(colour.mean(0), helpers.sample_photo(), atol=1e-6)
    assert helpers.sample_photo(8, colour=True).shape == (3, 75, 64)


def test_the_book_server_lets_a_file_above_the_limit_reach_the_kernel():
    """Tornado drops a websocket message above 10 MiB: the book's server takes more, so
    that a file a little above the widget's limit gets the widget's message."""
    config = json.loads((ROOT / "jupyter" / "jupyter_server_config.json").read_text())
    limit = config["ServerApp"]["tornado_settings"]["websocket_max_message_size"]
    assert limit >= 4 * MAX_BYTES
