"""The base of every step sequence: its records, indexed and counted."""

from __future__ import annotations

from collections.abc import Sequence


class StepRecords(Sequence):
    """A sequence of step records (one per window position), held in `records`."""

    records: tuple

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index):
        return self.records[index]
