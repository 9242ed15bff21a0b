"""The reader's own picture: read in the kernel (never sent anywhere), checked, shrunk,
and run through kernels with three input channels.

`decode_picture` turns the bytes of an image file into a `3 x h x w` tensor or
raises ValueError naming the problem; `PictureUpload` is the widget around it.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Mapping

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib import colormaps
from PIL import Image, ImageOps, UnidentifiedImageError

from .._args import as_tensor
from ..frames.kit import STYLE, message_frame
from ..ops import corr2d_multi_in_out
from .base import NEEDS_KERNEL, guarded

MAX_BYTES = 20_000_000  # a phone's photograph fits; a video or an archive does not
MAX_PIXELS = 50_000_000  # a PNG of a few kilobytes can claim far more pixels than that
SIDE = 160  # the longest side after shrinking: every kernel then runs in milliseconds


def decode_picture(data: bytes, *, name: str = "the file", max_bytes: int = MAX_BYTES,
                   max_pixels: int = MAX_PIXELS, side: int = SIDE) -> torch.Tensor:
    """The picture in `data` (the bytes of a PNG, JPEG, GIF, ... file) as a `3 x h x w`
    float tensor in [0, 1] (red, green, blue), shrunk so that its longest side is at
    most `side` pixels and turned upright as its camera says.

    Raises ValueError for an empty file, one above `max_bytes`, one that is not a picture
    Pillow can read, and one whose header claims more than `max_pixels` pixels.
    """
    data = bytes(data)
    if not data:
        raise ValueError(f"{name} is empty")
    if len(data) > max_bytes:
        raise ValueError(f"{name} has {_size(len(data))}; this widget takes pictures up to "
                         f"{_size(max_bytes)}")
    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            width, height = image.size
            if width * height > max_pixels:
                raise ValueError(f"{name} claims {width} x {height} pixels; this widget takes "
                                 f"at most {max_pixels / 1e6:g} million")
            image.draft("RGB", (side, side))  # a JPEG decodes at a smaller size directly
            rgb = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise ValueError(f"{name} is not a picture (Pillow reads PNG, JPEG, GIF, BMP, WebP "
                         "and more)") from None
    except (OSError, SyntaxError) as error:  # a picture cut short or damaged
        raise ValueError(f"{name} looks like a picture but cannot be read: {error}") from None
    rgb.thumbnail((side, side), Image.Resampling.BOX)
    return torch.from_numpy(np.asarray(rgb).copy()).permute(2, 0, 1).float() / 255


def _without_count(description: str) -> str:
    """CSS that shows a FileUpload's button (class cbk-upload) with its icon and
    `description` but not the count of files it holds, always 0 here (its value is emptied
    at once, so that no file is kept)."""
    return (f"<style>.cbk-upload{{font-size:0}}.cbk-upload>i,.cbk-upload::after"
            f"{{font-size:var(--jp-widgets-font-size)}}.cbk-upload::after"
            f"{{content:{json.dumps(description)}/''}}</style>")


def _size(count: int) -> str:
    """A number of bytes as people say it: 20 MB, 1.5 MB, 30 kB."""
    return f"{count / 1e6:.3g} MB" if count >= 1e6 else f"{count / 1e3:.3g} kB"


def picture_html(image, *, caption: str = "", width: int = 220) -> str:
    """A `3 x h x w` picture in [0, 1], or an `h x w` map, as an HTML figure with an
    embedded PNG. A map without negative values is grey (0 black); one with negative
    values is purple (positive) and orange (negative), centred on zero."""
    t = torch.as_tensor(image).detach().float()
    if t.dim() == 3:
        pixels = t.clamp(0, 1).permute(1, 2, 0).numpy()
    else:
        low = float(t.min())
        top = max(float(t.abs().max()), 1e-12)
        scale = (t + top) / (2 * top) if low < 0 else t / max(float(t.max()), 1.0)
        pixels = colormaps["PuOr" if low < 0 else "gray"](scale.numpy())[..., :3]
    png = io.BytesIO()
    Image.fromarray((pixels * 255).round().astype(np.uint8)).save(png, format="PNG")
    data = base64.b64encode(png.getvalue()).decode("ascii")
    h, w = t.shape[-2:]
    label = html.escape(caption)
    return (f'<figure style="margin:4px 8px"><img src="data:image/png;base64,{data}" '
            f'alt="{label}" style="width:{width}px;height:auto;image-rendering:pixelated">'
            f"<figcaption>{label} ({h}\u00d7{w})</figcaption></figure>")


class PictureUpload(widgets.VBox):
    """Upload a picture and see what kernels with three input channels make of it.

    `kernels` maps a name to a `c_o x 3 x k_h x k_w` kernel; each output channel is
    shown as a map beside the picture. The widget starts on `picture` (a `3 x h x w`
    tensor named `name`). A file that is not a picture, or is too large, shows a message
    above the last pictures, which stay; nothing of the file is kept.
    """

    def __init__(self, kernels: Mapping, picture, *, name: str = "sample picture",
                 max_bytes: int = MAX_BYTES, side: int = SIDE):
        self.kernels = {key: as_tensor(K, f"kernel {key!r}", ndim=4,
                                       layout="c_o, 3, k_h, k_w") for key, K in kernels.items()}
        for key, K in self.kernels.items():
            if K.shape[1] != 3:
                raise ValueError(f"kernel {key!r} has {K.shape[1]} input channels; a colour "
                                 "picture has 3 (red, green, blue)")
        self.max_bytes, self.side = max_bytes, side
        self.picture, self.name, self.message = None, "", ""
        self.outputs: dict[str, torch.Tensor] = {}
        self._figures = ""  # the last pictures shown, which a refused file leaves in place
        self.upload = widgets.FileUpload(
            accept="image/*", multiple=False, description="Upload a picture",
            tooltip=f"read in the kernel, never sent anywhere{NEEDS_KERNEL}",
            layout=widgets.Layout(width="auto"))
        self.upload.add_class("cbk-upload")
        self.view = widgets.HTML()
        self.upload.observe(self._on_upload, "value")
        note = widgets.HTML(f"{_without_count(self.upload.description)}<small>PNG, JPEG, GIF, "
                            f"BMP or WebP, up to {_size(max_bytes)}; shrunk to at most {side} "
                            "pixels a side.</small>")
        super().__init__([widgets.HTML(STYLE), widgets.HBox([self.upload, note]),
                          self.view])
        self.show(picture, name)

    def show(self, picture, name: str) -> None:
        """Show `picture` (`3 x h x w`, values in [0, 1]) and every kernel's output on it."""
        picture = as_tensor(picture, "picture", ndim=3, layout="3, height, width").float()
        self.outputs = {key: corr2d_multi_in_out(picture, K) for key, K in self.kernels.items()}
        self.picture, self.name, self.message = picture, name, ""
        figures = [picture_html(picture, caption=name)]
        for key, Y in self.outputs.items():
            figures += [picture_html(y, caption=key if len(Y) == 1 else f"{key}, channel {o}")
                        for o, y in enumerate(Y)]
        h, w = picture.shape[1:]
        self._figures = (f'<div class="cbk-picture" data-picture="{html.escape(name)} '
                         f'{h}x{w}" style="display:flex;flex-wrap:wrap">{"".join(figures)}'
                         "</div>")
        self.view.value = self._figures

    def load(self, data: bytes, name: str) -> None:
        """Read a file's bytes as the upload button does; a ValueError becomes a message
        above the pictures shown before."""
        try:
            picture = decode_picture(data, name=name, max_bytes=self.max_bytes, side=self.side)
        except ValueError as error:
            self._refuse(str(error))
            return
        self.show(picture, name)

    def _refuse(self, message: str) -> None:
        self.message = message
        self.view.value = message_frame(message, title="your picture") + self._figures

    def _on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        file = files[0]
        _, error = guarded(self.load, file["content"], file["name"])
        self.upload.value = ()  # the file's bytes are not kept, in the kernel or the page
        if error:  # load() shows its own messages: this is a bug
            self._refuse(error)

    def __repr__(self) -> str:
        return f"PictureUpload({', '.join(self.kernels)})"

