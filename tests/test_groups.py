"""Grouped convolutions: the connection table PyTorch gives, against the rule."""

import matplotlib.pyplot as plt
import pytest
import torch

import helpers


@pytest.mark.parametrize(("c_i", "c_o", "groups"), [(4, 8, 1), (4, 8, 2), (4, 8, 4), (6, 3, 3),
                                                     (1, 5, 1), (3, 6, 3)])
def test_output_o_reads_the_input_channels_of_its_group(c_i, c_o, groups):
    table = helpers.connections(c_i, c_o, groups)
    assert table.shape == (c_o, c_i) and table.dtype == torch.bool
    per_in, per_out = c_i // groups, c_o // groups
    rule = torch.tensor([[o // per_out == c // per_in for c in range(c_i)] for o in range(c_o)])
    assert torch.equal(table, rule)
    assert int(table.sum()) == c_o * per_in


def test_channel_counts_must_split_into_the_groups():
    with pytest.raises(ValueError, match="in_channels must be divisible by groups: 3 channels"):
        helpers.connections(3, 4, 2)
    with pytest.raises(ValueError, match="out_channels must be divisible by groups"):
        helpers.connections(4, 3, 2)
    with pytest.raises(ValueError, match="groups"):
        helpers.connections(4, 4, 0)


def test_the_picture_has_one_panel_per_table():
    fig = helpers.show_connections({f"groups={g}": helpers.connections(4, 8, g)
                                    for g in (1, 2, 4)})
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["groups=1\n32 of 32 pairs", "groups=2\n16 of 32 pairs",
                      "groups=4\n8 of 32 pairs"]
    plt.close(fig)
