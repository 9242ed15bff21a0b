"""The engine behind the book: operations, the step model, frames and widgets."""

from .digits import (
    accuracy,
    feature_maps,
    layer_table,
    load_digits,
    stratified_split,
    train,
)
from .drawing import DigitPad, TrainingProgress
from .exercises import check
from .fields import receptive_field
from .groups import connections, show_connections
from .images import (
    sample_photo,
    show_confusion,
    show_counts,
    show_digits,
    show_feature_maps,
    show_images,
)
from .matrix import conv_matrix, conv_matrix_index, show_conv_matrix
from .ops import (
    comp_conv2d,
    conv_output_shape,
    corr1d,
    corr2d,
    corr2d_multi_in,
    corr2d_multi_in_out,
    corr2d_multi_in_out_1x1,
    corr3d,
    pool2d,
    pool_output_shape,
)
from .pixel_steps import PixelSequence, PixelStep, conv1x1_steps
from .pooling import pool_gradient, pool_shift, shift2d
from .steps import Step, StepSequence, conv2d_steps, pool2d_steps
from .steps_nd import NdSequence, NdStep, corr1d_steps, corr3d_steps
from .timing import median_ms
from .upload import PictureUpload, decode_picture
from .widgets import (
    FieldView,
    LiveView,
    Player,
    SpeedTest,
    conv_player,
    corr1d_player,
    corr3d_player,
    explore,
    gradient_view,
    padding_explorer,
    pixel_player,
    pool_player,
    shift_view,
)

__all__ = [
    "DigitPad",
    "FieldView",
    "LiveView",
    "NdSequence",
    "NdStep",
    "PixelSequence",
    "PictureUpload",
    "PixelStep",
    "Player",
    "SpeedTest",
    "Step",
    "StepSequence",
    "TrainingProgress",
    "accuracy",
    "check",
    "comp_conv2d",
    "connections",
    "conv1x1_steps",
    "conv2d_steps",
    "conv_matrix",
    "conv_matrix_index",
    "conv_output_shape",
    "conv_player",
    "corr1d",
    "corr1d_player",
    "corr1d_steps",
    "corr2d",
    "corr2d_multi_in",
    "corr2d_multi_in_out",
    "corr2d_multi_in_out_1x1",
    "corr3d",
    "corr3d_player",
    "corr3d_steps",
    "decode_picture",
    "explore",
    "feature_maps",
    "gradient_view",
    "layer_table",
    "load_digits",
    "median_ms",
    "pixel_player",
    "padding_explorer",
    "pool2d",
    "pool2d_steps",
    "pool_output_shape",
    "pool_gradient",
    "pool_player",
    "pool_shift",
    "receptive_field",
    "sample_photo",
    "shift2d",
    "shift_view",
    "show_conv_matrix",
    "show_confusion",
    "show_connections",
    "show_counts",
    "show_digits",
    "show_feature_maps",
    "show_images",
    "stratified_split",
    "train",
]
