"""Widgets: how a reader drives the book. They hold its only state.

`base` holds what every widget shares (controls, setting them, the guarded redraw),
`player` the Player and the functions that make one per kind of step model,
`animation` one setting's frames and bar, `settings` which settings have their frames
stored so that their controls work with no kernel, `views`
the pictures redrawn by their controls, `explorer` chapter 2's padding explorer,
`digit_pad` chapter 6's pad, and `upload` chapter 3's picture upload.
"""

from .base import NEEDS_KERNEL, control
from .digit_pad import DigitPad, TrainingProgress
from .explorer import padding_explorer, padding_steps
from .player import (
    Player,
    conv1x1_player,
    conv2d_player,
    conv_player,
    corr1d_player,
    corr3d_player,
    explore,
    pixel_player,
    pool2d_player,
    pool_player,
)
from .upload import PictureUpload, decode_picture
from .views import FieldView, LiveView, SpeedTest, gradient_view, shift_view

__all__ = [
    "NEEDS_KERNEL",
    "DigitPad",
    "FieldView",
    "LiveView",
    "PictureUpload",
    "Player",
    "SpeedTest",
    "TrainingProgress",
    "control",
    "conv1x1_player",
    "conv2d_player",
    "conv_player",
    "corr1d_player",
    "corr3d_player",
    "decode_picture",
    "explore",
    "gradient_view",
    "padding_explorer",
    "padding_steps",
    "pixel_player",
    "pool2d_player",
    "pool_player",
    "shift_view",
]
