"""Each year's group sums (yearmodel.GroupSums) added up report by report, as the reports
come: a cold build's parent adds each agency's entries as its worker hands them back,
while the other agencies are still being rendered, instead of summing every report once
all are in (with the other core idle).

The sums are integers, so the same in any order. Which groups a year has, in what order,
and which format each group sums (its first report's) follow the display order, as
``yearmodel._group_sums`` takes them: the reports are summed by year, group and format,
and ``of`` picks each group's from its first report once the order is known."""

from __future__ import annotations

from .coverage import OTHER_GROUP, summed_cells
from .yearmodel import Entry, GroupSums, numbers_of

FOLD = 64  # reports' numbers held per group before they are added up (column by column)


class YearSums:
    """The running sums of the reports added so far, by year, group and format."""

    def __init__(self) -> None:
        # (year, group, format) → [reports, sums, counts, numbers not added up yet]
        self._groups: dict[tuple[int, str, str], _Group] = {}

    def add(self, year: int, entry: Entry) -> None:
        key = (year, entry.group or OTHER_GROUP, entry.format)
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = _Group(len(summed_cells(entry.format, None)))
        group.add(numbers_of(entry))

    def of(self, year: int, entries: list[tuple[str, Entry]]) -> list[GroupSums]:
        """The year's sums as ``yearmodel._group_sums`` makes them from ``entries`` (every
        report of the year added here, in display order)."""
        first: dict[str, str] = {}
        for _, e in entries:
            first.setdefault(e.group or OTHER_GROUP, e.format)
        out = []
        for name, fmt in first.items():
            group = self._groups[(year, name, fmt)]
            group.fold()
            out.append((name, fmt, group.reports, list(group.sums), list(group.counts)))
        return out


class _Group:
    def __init__(self, width: int) -> None:
        self.reports = 0
        self.sums, self.counts = [0] * width, [0] * width
        self._pending: list[list[int | None]] = []

    def add(self, numbers: list[int | None]) -> None:
        self.reports += 1
        self._pending.append(numbers)
        if len(self._pending) >= FOLD:
            self.fold()

    def fold(self) -> None:
        """Add the pending reports' numbers to the sums, a column at a time."""
        if self._pending and self.sums:
            for column, numbers in enumerate(zip(*self._pending, strict=True)):
                given = [v for v in numbers if v is not None]
                self.sums[column] += sum(given)
                self.counts[column] += len(given)
        self._pending = []
