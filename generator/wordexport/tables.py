"""Tables 二, 三 and 四 as Word tables laid out like the national template.

The shapes come from the grid builder (``nianbao.tables``), which reads the format
description: header rows with merged cells, grouped row heads, one slot per value. HTML
spans become Word merges here; table 二, which the site shows block by block, is set as the
template prints it: one table, each block's caption row across its full width, a block with
fewer columns letting its last column span the rest.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from xml.sax.saxutils import escape

from docx.document import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Emu, Length, Mm

from ..formats import all_formats
from ..model import Report
from ..tables import Cell, Grid, display, grids
from .layout import TABLE_STYLE_ID, TEXT_WIDTH, WUHAO, XIAOWU

VERTICAL_COLUMN = Mm(9)  # the outermost row group (三、本年度办理结果), set vertically
LABEL_COLUMN = Mm(52)  # table 二's 信息内容
VALUE_COLUMN = Mm(11)  # table 三's value columns: room for 4 digits, labels wrap
CELL_MARGIN = Mm(1)  # left and right; above and below
CELL_PADDING = Mm(0.8)
ROW_HEIGHT = Mm(7)  # at least: a row of the printed form has room around its text


@dataclass(frozen=True)
class Slot:
    """One cell of the Word table: where it starts, how far it spans, what it holds."""

    row: int
    column: int
    rowspan: int
    colspan: int
    text: str = ""
    value: str = ""  # the id of the report cell whose value goes here
    align: str = "center"  # center, left
    vertical: bool = False
    head: bool = False  # a row of the column head, repeated on each page


@dataclass(frozen=True)
class Shape:
    """A whole table: its slots, its column widths, its font size."""

    rows: int
    widths: tuple[Length, ...]
    slots: tuple[Slot, ...]
    small: bool  # 小五 rather than 五号: many columns
    keep: frozenset[int] = frozenset()  # rows kept on the page of the row after them


def shape(grid: Grid) -> Shape:
    """The Word layout of one of the format's tables."""
    if grid.parts:
        return _blocks(grid)
    slots = tuple(_place([*grid.head, *grid.body], len(grid.head)))
    columns = grid.label_columns + grid.data_columns
    rows = len(grid.head) + len(grid.body)
    # the head stays with the first row; a table of a few rows (四) stays whole
    keep = range(rows - 1) if len(grid.body) <= 3 else range(len(grid.head))
    return Shape(
        rows=rows,
        widths=_widths(grid.label_columns, grid.data_columns, columns),
        slots=slots,
        small=grid.data_columns > 4,
        keep=frozenset(keep),
    )


def _place(rows: Iterable[tuple[Cell, ...]], head_rows: int) -> list[Slot]:
    """HTML rows with row and column spans → cells at grid positions."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            taken.update(
                (r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan)
            )
            row_head = cell.header and cell.scope == "row"
            out.append(
                Slot(
                    r,
                    c,
                    cell.rowspan,
                    cell.colspan,
                    text=cell.text,
                    value=cell.cell,
                    align="left" if row_head or "corner" in cell.css else "center",
                    vertical="group" in cell.css and "level1" in cell.css,
                    head=r < head_rows,
                )
            )
            c += cell.colspan
    return out


def _blocks(grid: Grid) -> Shape:
    """Table 二: caption row, head row and value rows of each block, one table."""
    width = grid.data_columns
    slots: list[Slot] = []
    keep: set[int] = set()
    r = 0
    for part in grid.parts:
        # a block stays on one page: its caption and head with its rows
        keep.update(range(r, r + len(part.head) + len(part.body)))
        slots.append(Slot(r, 0, 1, 1 + width, text=part.caption, align="left"))
        r += 1
        for row in (*part.head, *part.body):
            spans = [1] * (len(row) - 1)
            spans[-1] = width - (len(spans) - 1)  # the last column takes what is left
            label, *values = row
            slots.append(Slot(r, 0, 1, 1, text=label.text, align="left"))
            c = 1
            for cell, span in zip(values, spans, strict=True):
                slots.append(Slot(r, c, 1, span, text=cell.text, value=cell.cell))
                c += span
            r += 1
    label_width = LABEL_COLUMN
    rest = Emu((TEXT_WIDTH - label_width) // width)
    widths = (label_width, *([rest] * width))
    return Shape(r, widths, tuple(slots), small=False, keep=frozenset(keep))


def _widths(labels: int, values: int, columns: int) -> tuple[Length, ...]:
    """Value columns of equal width; the row heads share the rest, the outermost group
    narrow (its text runs vertically), the innermost labels widest."""
    if not labels:
        return tuple([Emu(TEXT_WIDTH // columns)] * columns)
    value = VALUE_COLUMN
    area = TEXT_WIDTH - value * values
    if labels == 1:
        heads = [area]
    else:
        rest = area - VERTICAL_COLUMN
        weights = [1] * (labels - 2) + [2]
        heads = [VERTICAL_COLUMN] + [rest * w // sum(weights) for w in weights]
    return tuple(Emu(w) for w in [*heads, *([value] * values)])


def add_table(doc: Document, grid: Grid, report: Report, text_style: str) -> None:
    """Append one standard table, filled with the report's values. ``text_style`` is the
    style id of the table text."""
    template = _table_xml(report.format.id, grid.key, text_style)
    table = copy.deepcopy(template)
    values = report.cells
    units = report.units
    slots = _value_slots(report.format.id, grid.key)
    for t in table.iter(_T):
        if t.text in slots:
            t.text = display(values.get(t.text), units.get(t.text))
    body = doc.element.body
    body.sectPr.addprevious(table)  # before the section's own properties, which end the body


_T = qn("w:t")


@cache
def _value_slots(format_id: str, key: str) -> frozenset[str]:
    grid = next(g for g in grids(all_formats()[format_id]) if g.key == key)
    return frozenset(s.value for s in shape(grid).slots if s.value)


@cache
def _table_xml(format_id: str, key: str, text_style: str) -> BaseOxmlElement:
    """The table of one format, built once: each value cell holds its cell id as text,
    which ``add_table`` replaces with the report's value. Written as XML rather than
    through python-docx's cell API, whose every lookup walks the whole table."""
    grid = next(g for g in grids(all_formats()[format_id]) if g.key == key)
    s = shape(grid)
    size = str(int((XIAOWU if s.small else WUHAO).pt * 2))
    starts = {(slot.row, slot.column): slot for slot in s.slots}
    below: dict[tuple[int, int], Slot] = {}  # cells continuing a vertical merge
    for slot in s.slots:
        for r in range(slot.row + 1, slot.row + slot.rowspan):
            below[(r, slot.column)] = slot
    heads = {slot.row for slot in s.slots if slot.head}
    xml = [
        f"<w:tbl {nsdecls('w')}><w:tblPr>",
        f'<w:tblStyle w:val="{TABLE_STYLE_ID}"/>',
        f'<w:tblW w:w="{TEXT_WIDTH.twips}" w:type="dxa"/><w:jc w:val="center"/>',
        '<w:tblLayout w:type="fixed"/><w:tblCellMar>',
        f'<w:top w:w="{CELL_PADDING.twips}" w:type="dxa"/>',
        f'<w:left w:w="{CELL_MARGIN.twips}" w:type="dxa"/>',
        f'<w:bottom w:w="{CELL_PADDING.twips}" w:type="dxa"/>',
        f'<w:right w:w="{CELL_MARGIN.twips}" w:type="dxa"/>',
        "</w:tblCellMar></w:tblPr><w:tblGrid>",
        *(f'<w:gridCol w:w="{w.twips}"/>' for w in s.widths),
        "</w:tblGrid>",
    ]
    for r in range(s.rows):
        # a row never breaks across pages; the column head repeats on every page
        xml.append("<w:tr><w:trPr><w:cantSplit/>")
        xml.append(f'<w:trHeight w:val="{ROW_HEIGHT.twips}" w:hRule="atLeast"/>')
        xml.append("<w:tblHeader/></w:trPr>" if r in heads else "</w:trPr>")
        c = 0
        while c < len(s.widths):
            found = starts.get((r, c)) or below.get((r, c))
            if found is None:
                raise ValueError(f"table {key}: nothing at row {r}, column {c}")
            slot = found
            width = sum(w.twips for w in s.widths[c : c + slot.colspan])
            xml.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>')
            if slot.colspan > 1:
                xml.append(f'<w:gridSpan w:val="{slot.colspan}"/>')
            if slot.rowspan > 1:
                xml.append('<w:vMerge w:val="restart"/>' if slot.row == r else "<w:vMerge/>")
            if slot.vertical:
                xml.append('<w:textDirection w:val="tbRlV"/>')
            xml.append('<w:vAlign w:val="center"/></w:tcPr>')
            xml.append(f'<w:p><w:pPr><w:pStyle w:val="{text_style}"/>')
            if r in s.keep:
                xml.append("<w:keepNext/>")
            if slot.align == "left" and not slot.vertical:
                xml.append('<w:jc w:val="left"/>')
            xml.append("</w:pPr>")
            text = slot.value or slot.text
            if slot.row == r and text:
                xml.append(f'<w:r><w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>')
                xml.append(f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r>')
            xml.append("</w:p></w:tc>")
            c += slot.colspan
        xml.append("</w:tr>")
    xml.append("</w:tbl>")
    return parse_xml("".join(xml))
