"""Every bad input gets a ValueError that names the parameter and the problem."""

import pytest
import torch
from torch import nn

import helpers

X = torch.arange(9.0).reshape(3, 3)
K = torch.arange(4.0).reshape(2, 2)
X2 = torch.stack([X, X + 1])
K2 = torch.stack([K, K + 1])

CASES = [
    ("kernel larger", lambda: helpers.corr2d(X, torch.ones(4, 4)),
     "^a 4 x 4 kernel needs at least 4 rows; this input has 3$"),
    ("dilated kernel", lambda: helpers.corr2d(X, K, dilation=3),
     "dilation 3 spans 4 rows, so it needs at least 4 rows; this input has 3$"),
    ("stride 0", lambda: helpers.corr2d(X, K, stride=0), "stride must be at least 1"),
    ("stride pair", lambda: helpers.corr2d(X, K, stride=(1, 0)), "stride must be at least 1"),
    ("dilation 0", lambda: helpers.corr2d(X, K, dilation=0), "dilation must be at least 1"),
    ("negative padding", lambda: helpers.corr2d(X, K, padding=-1), "padding must be 0 or more"),
    ("fractional padding", lambda: helpers.corr2d(X, K, padding=0.5), "padding must be a whole"),
    ("bool padding", lambda: helpers.corr2d(X, K, padding=True), "padding must be a whole"),
    ("three paddings", lambda: helpers.corr2d(X, K, padding=(1, 1, 1)), "padding must be an int"),
    ("3-D X for corr2d", lambda: helpers.corr2d(X2, K), "X must be 2-D"),
    ("1-D K", lambda: helpers.corr2d(X, torch.ones(2)), "K must be 2-D"),
    ("empty X", lambda: helpers.corr2d(torch.ones(0, 3), K), "X must not be empty"),
    ("text X", lambda: helpers.corr2d("abc", K), "X must be a tensor of numbers"),
    ("complex X", lambda: helpers.corr2d(X.to(torch.complex64), K), "real numbers"),
    ("channels", lambda: helpers.corr2d_multi_in(X2, torch.stack([K] * 3)), "3 input channel"),
    ("multi_in 2-D K", lambda: helpers.corr2d_multi_in(X2, K), "K must be 3-D"),
    ("multi_in_out 3-D K", lambda: helpers.corr2d_multi_in_out(X2, K2), "K must be 4-D"),
    ("1x1 wrong kernel", lambda: helpers.corr2d_multi_in_out_1x1(X2, torch.ones(1, 2, 2, 2)),
     "c_o x c_i x 1 x 1"),
    ("1x1 channels", lambda: helpers.corr2d_multi_in_out_1x1(X2, torch.ones(1, 3, 1, 1)),
     "3 input channel"),
    ("pool mode", lambda: helpers.pool2d(X, 2, "min"), "mode must be 'max' or 'avg'"),
    ("pool too big", lambda: helpers.pool2d(X, 4), "^a 4 x 4 pool window needs at least 4 rows"),
    ("pool padding", lambda: helpers.pool2d(X, 2, padding=2), "more than half the pool size"),
    ("pool size 0", lambda: helpers.pool2d(X, 0), "pool_size must be at least 1"),
    ("pool 4-D", lambda: helpers.pool2d(X[None, None], 2), "X must be 2-D or 3-D"),
    ("shape kernel", lambda: helpers.conv_output_shape(3, 5),
     "^a 5 x 5 kernel needs at least 5 rows; this input has 3$"),
    ("padded too small", lambda: helpers.corr2d(X[:1], torch.ones(4, 2), padding=1),
     r"^a 4 x 2 kernel needs at least 4 rows; this input has 1 \(3 with padding 1 on each "
     r"side\)$"),
    ("columns too few", lambda: helpers.corr2d(X, torch.ones(1, 5)),
     "^a 1 x 5 kernel needs at least 5 columns; this input has 3$"),
    ("shape input 0", lambda: helpers.conv_output_shape(0, 1), "input_size must be at least 1"),
    ("comp_conv2d layer", lambda: helpers.comp_conv2d(nn.Linear(2, 2), X), "torch.nn.Conv2d"),
    ("comp_conv2d channels", lambda: helpers.comp_conv2d(nn.Conv2d(2, 1, 1), X),
     "one input and one output channel"),
    ("comp_conv2d fit", lambda: helpers.comp_conv2d(nn.Conv2d(1, 1, 5), X), "needs at least 5"),
    ("comp_conv2d circular",
     lambda: helpers.comp_conv2d(nn.Conv2d(1, 1, 3, padding=4, padding_mode="circular"), X),
     "cannot run on a \\(3, 3\\) input"),
    ("steps K dims", lambda: helpers.conv2d_steps(X2, K), "K must be 3-D"),
    ("steps bias", lambda: helpers.conv2d_steps(X, K, bias=[1, 2]), "bias must be a single"),
    ("steps bias bool", lambda: helpers.conv2d_steps(X, K, bias=True), "bias must be a single"),
    ("pool steps 4-D", lambda: helpers.pool2d_steps(X2[None], 2), "X must be 2-D or 3-D"),
    ("pool ceil_mode", lambda: helpers.pool2d(X, 2, ceil_mode="yes"), "ceil_mode must be True"),
    ("pool count_include_pad", lambda: helpers.pool2d(X, 2, "avg", count_include_pad=0),
     "count_include_pad must be True or False"),
    ("pool too big in ceil mode", lambda: helpers.pool2d(X, 4, ceil_mode=True),
     "a 4 x 4 pool window needs at least 4 rows"),
    ("pool shape padding", lambda: helpers.pool_output_shape(4, 3, padding=2),
     "more than half the pool size"),
    ("pool steps mode", lambda: helpers.pool2d_steps(X, 2, mode="sum"), "mode must be"),
    ("field out_pos", lambda: helpers.receptive_field(4, [{"kernel_size": 3}], (2, 0)),
     "outside the last output"),
    ("field no layers", lambda: helpers.receptive_field(4, [], (0, 0)), "at least one layer"),
    ("field fit", lambda: helpers.receptive_field(4, [{"kernel_size": 3}] * 2, (0, 0)),
     "layer 2: a 3 x 3 kernel needs"),
    ("field string padding",
     lambda: helpers.receptive_field(4, [nn.Conv2d(1, 1, 3, padding="same")], (0, 0)),
     "padding='same' is not supported"),
    ("exercise name", lambda: helpers.check("no.such", 1), "no exercise named"),
]


@pytest.mark.parametrize(("call", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


PADDING_CASES = [
    ("padding string", lambda: helpers.corr2d(X, K, padding="full"), "got the string 'full'"),
    ("five paddings", lambda: helpers.corr2d(X, K, padding=(1,) * 5), "got 5 values"),
    ("negative side", lambda: helpers.corr2d(X, K, padding=(0, 1, -1, 0)), "0 or more on every"),
    ("same strided", lambda: helpers.corr2d(X, K, padding="same", stride=(2, 1)),
     "not supported for strided convolutions"),
    ("unknown mode", lambda: helpers.corr2d(X, K, padding=1, padding_mode="mirror"),
     "padding_mode must be one of"),
    ("reflect too wide", lambda: helpers.corr2d(X, K, padding=3, padding_mode="reflect"),
     "reflect padding 3 is too large for an input of 3 rows"),
    ("circular too wide", lambda: helpers.corr2d(X, K, padding=(0, 4), padding_mode="circular"),
     "circular padding 4 is too large for an input of 3 columns"),
    ("kernel larger one side", lambda: helpers.corr2d(X, torch.ones(1, 5), padding=(1, 0, 0, 0)),
     "needs at least 5 columns; this input has 3 \\(4 with padding 1 before and 0 after\\)"),
    ("shape 4-tuple", lambda: helpers.conv_output_shape(3, 6, padding=(1, 1, 1, 1)),
     "needs at least 6 rows; this input has 3 \\(5 with padding 1 on each side\\)"),
    ("multi_in_out mode", lambda: helpers.corr2d_multi_in_out(X2, K2[None], padding_mode="x"),
     "padding_mode must be"),
    ("steps padding", lambda: helpers.conv2d_steps(X, K, padding=(1, 2, 3)), "got 3 values"),
    ("lazy comp_conv2d", lambda: helpers.comp_conv2d(nn.LazyConv2d(3, 3), X), "out_channels=3"),
]


@pytest.mark.parametrize(("call", "message"), [c[1:] for c in PADDING_CASES],
                         ids=[c[0] for c in PADDING_CASES])
def test_bad_padding_raises_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
