"""The step model: one record per window position, for every kind of animation.

Nothing here knows of drawing. `records` holds the base of every sequence, `code`
the line of PyTorch each one carries, and one module per kind of step model the
records and the function that makes them.
"""

from .conv1x1 import PixelSequence, PixelStep, conv1x1_steps
from .conv2d import conv2d_steps
from .corr_nd import NdSequence, NdStep, corr1d_steps, corr3d_steps
from .pool2d import pool2d_steps
from .records import StepRecords
from .window2d import PoolSequence, Step, StepSequence

__all__ = [
    "NdSequence",
    "NdStep",
    "PixelSequence",
    "PixelStep",
    "PoolSequence",
    "Step",
    "StepRecords",
    "StepSequence",
    "conv1x1_steps",
    "conv2d_steps",
    "corr1d_steps",
    "corr3d_steps",
    "pool2d_steps",
]
