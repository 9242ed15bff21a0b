"""The engine behind the book, in layers that each know nothing of the next:

    ops      what is computed (corr2d, pool2d, shapes), checked against PyTorch
    steps    one record per window position
    frames   a step drawn as HTML/SVG
    widgets  how a reader drives it (the only state)

beside the chapters' exercises (`check`) and small topic helpers (receptive fields,
the convolution matrix, pooling's shift and gradient, groups, the digits, pictures).
Every name a notebook uses is here, as `helpers.NAME`.
"""

from .digits import accuracy, feature_maps, layer_table, load_digits, stratified_split, train
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
from .pooling import pool_gradient, pool_shift, shift2d
from .steps import (
    NdSequence,
    NdStep,
    PixelSequence,
    PixelStep,
    Step,
    StepSequence,
    conv1x1_steps,
    conv2d_steps,
    corr1d_steps,
    corr3d_steps,
    pool2d_steps,
)
from .timing import median_ms
from .widgets import (
    DigitPad,
    FieldView,
    LiveView,
    PictureUpload,
    Player,
    SpeedTest,
    TrainingProgress,
    conv1x1_player,
    conv2d_player,
    conv_player,
    corr1d_player,
    corr3d_player,
    decode_picture,
    explore,
    gradient_view,
    padding_explorer,
    pixel_player,
    pool2d_player,
    pool_player,
    shift_view,
)

__all__ = [
    # ops: what is computed
    "comp_conv2d",
    "conv_output_shape",
    "corr1d",
    "corr2d",
    "corr2d_multi_in",
    "corr2d_multi_in_out",
    "corr2d_multi_in_out_1x1",
    "corr3d",
    "pool2d",
    "pool_output_shape",
    # steps: one record per window position
    "NdSequence",
    "NdStep",
    "PixelSequence",
    "PixelStep",
    "Step",
    "StepSequence",
    "conv1x1_steps",
    "conv2d_steps",
    "corr1d_steps",
    "corr3d_steps",
    "pool2d_steps",
    # widgets: the players and views a reader drives
    "DigitPad",
    "FieldView",
    "LiveView",
    "PictureUpload",
    "Player",
    "SpeedTest",
    "TrainingProgress",
    "conv1x1_player",
    "conv2d_player",
    "conv_player",
    "corr1d_player",
    "corr3d_player",
    "decode_picture",
    "explore",
    "gradient_view",
    "padding_explorer",
    "pixel_player",
    "pool2d_player",
    "pool_player",
    "shift_view",
    # exercises
    "check",
    # topic helpers: receptive fields, the convolution matrix, pooling, groups
    "conv_matrix",
    "conv_matrix_index",
    "connections",
    "pool_gradient",
    "pool_shift",
    "receptive_field",
    "shift2d",
    "show_connections",
    "show_conv_matrix",
    # topic helpers: the digits and pictures of chapters 3 and 6
    "accuracy",
    "feature_maps",
    "layer_table",
    "load_digits",
    "median_ms",
    "sample_photo",
    "show_confusion",
    "show_counts",
    "show_digits",
    "show_feature_maps",
    "show_images",
    "stratified_split",
    "train",
]
