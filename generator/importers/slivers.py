"""Sliver grid columns: a millimetre wide, left by rounding, not counted as columns.

Word keeps a table's column grid apart from its cells. Editing a table by hand, or
converting it (LibreOffice turns a .doc into a .docx with a 1-twip grid column beside a
merged head), leaves grid columns too narrow to hold anything; cells start on them or span
them, and every later position shifts by one. Readers number columns without them: a
sliver belongs to the column after it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

SLIVER_TWIPS = 57  # 1 mm: narrower than any character


class GridColumns:
    """Maps Word grid columns to table columns, slivers folded into the next column."""

    def __init__(self, widths: Sequence[int | None]) -> None:
        """widths: each grid column's width in twips (None when not given)."""
        self.real = [i for i, w in enumerate(widths) if w is None or w >= SLIVER_TWIPS]
        self.count = len(widths)

    def column(self, grid_column: int) -> int:
        """0-based table column of a grid column (grid columns past the grid count as real)."""
        if grid_column >= self.count:
            return len(self.real) + grid_column - self.count
        return bisect_left(self.real, grid_column)

    def span(self, grid_column: int, colspan: int) -> int:
        """How many table columns a cell covers (at least 1)."""
        return max(1, self.column(grid_column + colspan) - self.column(grid_column))
