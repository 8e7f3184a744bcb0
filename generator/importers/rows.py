"""Table rows as every source shows them: a label and the value cells after it.

A text extraction gives a row as one line ("规章 0 0 0"); a PDF, Word or HTML table gives
cells. Either way a row becomes its label text and its value cells, blanks included where
the source has real cells. Header rows and group labels come through as rows without
values, so the matcher can read the labels that stand above a row. Cells of a real table
carry the grid column they start in (merged cells above and beside them counted), so
values can be placed by the column headings above them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .document import Block, Cell, Paragraph, TableGrid, Where
from .labels import is_blank, parse_number
from .sections import is_page_number


@dataclass(frozen=True)
class Span:
    """A header cell of a real table: the grid columns it covers, [first, last)."""

    first: int
    last: int
    text: str


@dataclass(frozen=True)
class Row:
    label: str  # the label cells' text (empty for a row of numbers alone)
    values: tuple[Cell, ...]  # value cells in column order; a blank cell has text ""
    where: Where
    grid: bool  # from a real table: blank cells are real cells, positions are reliable
    table: int = 0  # which table of the document (0: a text line)
    starts: tuple[int, ...] = ()  # grid column of each value cell
    spans: tuple[Span, ...] = ()  # every cell of the row, for header rows


def rows_of(blocks: list[Block]) -> list[Row]:
    out: list[Row] = []
    tables = 0
    for block in blocks:
        if isinstance(block, Paragraph):
            if is_page_number(block.text) or not block.text.strip():
                continue
            out.append(_line_row(block))
        else:
            tables += 1
            out.extend(_grid_rows(block, tables))
    return out


def _line_row(p: Paragraph) -> Row:
    """ "一、本年新收… 21 0 0 0 0 0 21": the numbers at the end are the values."""
    tokens = p.text.split()
    n = len(tokens)
    while n > 0 and parse_number(tokens[n - 1]) is not None:
        n -= 1
    values = tuple(Cell(t, p.where) for t in tokens[n:])
    return Row(" ".join(tokens[:n]), values, p.where, grid=False)


def _positions(grid: TableGrid) -> list[list[int]]:
    """The grid column each cell starts in, skipping places merged cells above cover."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, cells in enumerate(grid.rows):
        c = 0
        starts = []
        for cell in cells:
            while (r, c) in taken:
                c += 1
            starts.append(c)
            for i in range(max(cell.rowspan, 1)):
                for j in range(max(cell.colspan, 1)):
                    taken.add((r + i, c + j))
            c += max(cell.colspan, 1)
        out.append(starts)
    return out


def _grid_rows(grid: TableGrid, number: int) -> list[Row]:
    out: list[Row] = []
    for cells, starts in zip(grid.rows, _positions(grid), strict=True):
        texts = [c.text for c in cells]
        if not any(t.strip() for t in texts):
            continue
        if len(cells) == 1 and is_page_number(texts[0]):
            continue  # a page number or running footer caught inside the table frame
        n = len(cells)
        while n > 0 and (parse_number(texts[n - 1]) is not None or is_blank(texts[n - 1])):
            n -= 1
        label = " ".join(c.text for c in cells[:n] if c.text.strip())
        where = cells[0].where if cells else grid.where
        values = tuple(Cell("" if is_blank(c.text) else c.text, c.where) for c in cells[n:])
        spans = tuple(
            Span(s, s + max(c.colspan, 1), c.text) for c, s in zip(cells, starts, strict=True)
        )
        out.append(Row(label, values, where, True, number, tuple(starts[n:]), spans))
    return out
