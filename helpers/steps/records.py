"""The base of every step sequence, and what every step model computes alike: which
cells of a padded input are padding, and which no window reads."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import torch


class StepRecords(Sequence):
    """A sequence of step records (one per window position), held in `records`.

    Every kind also carries `op` (what it computes, as frames name it) and `code` (one
    line of PyTorch that computes its output); every record has `index`, `out_pos`
    (the output cell it writes) and `value` (what it writes there).
    """

    records: tuple
    op: str
    code: str

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index):
        return self.records[index]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.op}, {len(self)} steps)"


def pad_mask(size, before, inner) -> torch.Tensor:
    """A mask of a padded input of shape `size`, True on padding: the `inner` input cells
    per axis start after `before` cells of padding."""
    mask = torch.ones(tuple(size), dtype=torch.bool)
    mask[tuple(slice(b, b + n) for b, n in zip(before, inner, strict=True))] = False
    return mask


def uncovered(records, size) -> tuple[tuple[int, ...], ...]:
    """The cells of a padded input of shape `size` that no record covers, row-major."""
    covered = {cell for record in records for cell in record.cells}
    return tuple(c for c in itertools.product(*map(range, size)) if c not in covered)
