"""Frames: a step of a sequence drawn as self-contained HTML with SVG grids.

Nothing here knows of ipywidgets. `kit` is the drawing kit, `base` the frame shell
every kind shares, `notes` the lines under the grids. A module named as a step model
of `steps` draws its kinds (`conv2d`, `pool2d`, `corr_nd`, `conv1x1`, on the 2-D
parts of `window2d`; `conv2d_channels` draws conv2d with several output channels);
`pictures` and `digits` draw the pictures that are not animations. `renderer_for(steps)`
finds what draws a sequence.
"""

from __future__ import annotations

from collections.abc import Callable

from ..steps import NdSequence, PixelSequence, PoolSequence, StepSequence
from .base import FrameRenderer
from .conv1x1 import Conv1x1Renderer
from .conv2d import Conv2dRenderer
from .conv2d_channels import ChannelsRenderer
from .corr_nd import corr_nd_renderer
from .pool2d import Pool2dRenderer


def conv2d_renderer(steps: StepSequence, **options) -> FrameRenderer:
    """One output channel's frames, or several output channels' (a 4-D kernel)."""
    draw = ChannelsRenderer if steps.kernel.dim() == 4 else Conv2dRenderer
    return draw(steps, **options)


# What draws each type of step sequence: a renderer class, or a function that picks one,
# called with the sequence, `cell` and `title`. A subtype without its own entry is drawn
# by its nearest base type's.
RENDERERS: dict[type, Callable[..., FrameRenderer]] = {
    StepSequence: conv2d_renderer,
    PoolSequence: Pool2dRenderer,
    NdSequence: corr_nd_renderer,
    PixelSequence: Conv1x1Renderer,
}


def renderer_for(steps) -> Callable[..., FrameRenderer]:
    """What draws `steps`: the entry of RENDERERS for its type or its nearest base type."""
    for kind in type(steps).__mro__:
        if kind in RENDERERS:
            return RENDERERS[kind]
    raise TypeError(f"no frame kind draws {type(steps).__name__}; add one to RENDERERS")


def renderer(steps, **options) -> FrameRenderer:
    """The renderer of `steps` (see `renderer_for`), made with `options` (`cell`, `title`)."""
    return renderer_for(steps)(steps, **options)


__all__ = ["RENDERERS", "FrameRenderer", "renderer", "renderer_for"]
