"""A year's ``reports.xlsx``: XlsxWriter makes the workbook (properties, styles, frozen
panes, the two header rows); the report rows, 300,000 cells a year at 10,000 reports, are
written here as the sheet's XML and compressed in pieces (``book_pieces``).

XlsxWriter's per-cell API costs about a microsecond and a half per cell (a third of the
site's pages at 10,000 reports); the rows below are string joins. The XML is what XlsxWriter
writes cell by cell in ``constant_memory`` mode (inline strings, no row spans), which the
tests check against the library itself, member by member.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import re
import zipfile
from functools import cache

from ..formats import all_formats
from ..model import Agency, Filed
from .layout import cell_fields
from .year_files import REPORT_FIELDS, Members, report_values

# Fixed document dates: the same content gives the same bytes, whenever it is built.
WORKBOOK_DATE = dt.datetime(2000, 1, 1)
SHEET = "xl/worksheets/sheet1.xml"

_CONTROL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")  # a literal escape is itself escaped
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+)1:([A-Z]+)2"/>')


def workbook(year: int, rows: Members, format_id: str | None) -> bytes:
    """One sheet in the official column order; numbers stored as numbers."""
    from .book_pieces import Memory, write_book  # (which builds on this module)

    out = Memory()
    write_book(out, year, rows, make_frame(year, format_id))
    return out.buffer.getvalue()


def sheet_with_rows(sheet: bytes, count: int) -> tuple[bytes, bytes]:
    """The frame's sheet XML as the head and tail around ``count`` report rows (its
    dimension made to cover them)."""
    sheet = _DIMENSION.sub(rb'<dimension ref="\g<1>1:\g<2>%d"/>' % (count + 2), sheet)
    head, tail = sheet.split(b"</sheetData>", 1)
    return head, b"</sheetData>" + tail


def make_frame(year: int, format_id: str | None) -> bytes:
    """The workbook with its header rows only, made by XlsxWriter."""
    import xlsxwriter  # only the build of a year's files needs it

    buffer = io.BytesIO()
    # constant_memory: strings are written inline, as ``rows_xml`` writes them
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_numbers": False})
    book.set_properties(
        {"title": f"{year}年度政府信息公开工作年度报告数据", "created": WORKBOOK_DATE}
    )
    sheet = book.add_worksheet(f"{year}年")
    bold = book.add_format({"bold": True})
    fields = cell_fields(format_id) if format_id else ()
    fmt = all_formats()[format_id] if format_id else None
    names = [fmt.cells[f.id].name for f in fields] if fmt else []
    sheet.write_row(0, 0, ["机构", "机构名称", "分组", "年度", "格式", "发布日期", *names], bold)
    sheet.write_row(1, 0, [*REPORT_FIELDS, *(f.id for f in fields)])
    sheet.freeze_panes(2, 2)
    book.close()
    return buffer.getvalue()


# a frame XlsxWriter made in this process, per format: (its year, its bytes)
_MADE: dict[str, tuple[int, bytes]] = {}
# the members that name the year, once each: the title (core.xml), the sheet (the others)
_NAMED = ("xl/workbook.xml", "docProps/core.xml", "docProps/app.xml")


def frame(year: int, format_id: str | None) -> bytes:
    """``make_frame(year, format_id)``, or a workbook that ``book_pieces.write_book``
    reads as the same (the same members in order, names, dates, modes, compressors and
    bytes): the frame XlsxWriter made for another year, the year's name (``…年``)
    changed where it is written (``_NAMED``). XlsxWriter takes 16 ms a frame and its
    import 70 ms, once per process; a cold build needs a frame a year."""
    base = _MADE.get(format_id) if format_id is not None else None
    if base is not None and base[0] == year:
        return base[1]
    if base is not None and 1000 <= year <= 9999:
        made = _with_year(base[1], base[0], year)
        if made is not None:
            return made
    made = make_frame(year, format_id)
    if format_id is not None and 1000 <= year <= 9999:
        _MADE.setdefault(format_id, (year, made))
    return made


def prepare_frames(year: int = 2020) -> None:
    """Make every format's frame (importing XlsxWriter): called by a cold build while its
    workers render the agencies, so that the year files' workers, forked later, start
    with them."""
    for format_id in all_formats():
        frame(year, format_id)


def _with_year(made: bytes, was: int, year: int) -> bytes | None:
    """The frame ``made`` for ``was``, for ``year``; None when the year is not written
    where it should be, once."""
    old, new = f"{was}年".encode(), f"{year}年".encode()
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(made)) as frame,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for entry in frame.infolist():
            data = frame.read(entry)
            if data.count(old) != (entry.filename in _NAMED):
                return None
            info = zipfile.ZipInfo(entry.filename, entry.date_time)
            info.compress_type = entry.compress_type
            info.external_attr = entry.external_attr
            info.create_system = entry.create_system
            out.writestr(info, data.replace(old, new))
    return buffer.getvalue()


def frame_maker() -> bytes:
    """What a frame is made by besides its year and format: XlsxWriter's version, read
    from its ``__init__.py`` without importing it (a warm build need not import it)."""
    spec = importlib.util.find_spec("xlsxwriter")
    if spec is None or spec.origin is None:
        return b""
    try:
        with open(spec.origin, "rb") as f:
            return f.read()
    except OSError:
        return b""


def rows_xml(year: int, rows: Members, first: int) -> bytes:
    """The ``<row>`` elements of ``rows`` (UTF-8), the first being report ``first`` of the
    year (sheet row ``first + 3``: two header rows before it). Bytes row by row: joined as
    text, a name's Chinese would widen all of a piece's ASCII cells to join and encode."""
    return b"".join(_row(r, year, a, record) for r, (a, record) in enumerate(rows, first + 3))


def _row(r: int, year: int, agency: Agency, record: Filed) -> bytes:
    refs = _columns(max(len(REPORT_FIELDS) + len(cell_fields(record.format)), 1))
    head = report_values(year, agency, record)
    out = [f'<row r="{r}">']
    for ref, value in zip(refs, head, strict=False):
        if isinstance(value, int):
            out.append(f'<c r="{ref}{r}"><v>{value:.16G}</v></c>')
        elif value:  # an empty string is no cell
            out.append(f'<c r="{ref}{r}" t="inlineStr">{_inline(value)}</c>')
    cells = _cells(record.format)
    numbers = cells.numbers(record.values)
    if numbers is not None:
        return "".join(out).encode() + cells.row(b"%d" % r, numbers)
    for ref, text in zip(refs[len(head) :], record.texts(), strict=True):
        if text:
            out.append(f'<c r="{ref}{r}"><v>{_number(text)}</v></c>')
    out.append("</row>")
    return "".join(out).encode()


ROW = b"\x00"  # in a per-format row, where the row's number goes (no XML holds a NUL)


class _Cells:
    """A report's cells as ``<c>`` elements, for the usual report: every cell given, the
    counts plain integers of under 16 digits (as written), only money cells (few) to
    format. The constant parts per format, the row's number left as ``ROW``, between
    slots for the values: filled by one slice assignment, joined once, the number put
    in by one ``replace`` (not an f-string per cell)."""

    def __init__(self, format_id: str) -> None:
        fields = cell_fields(format_id)
        refs = _columns(len(REPORT_FIELDS) + len(fields))[len(REPORT_FIELDS) :]
        self.parts: list[bytes] = []
        for i, ref in enumerate(refs):
            self.parts += [f'{"</v></c>" if i else ""}<c r="{ref}'.encode() + ROW + b'"><v>', b""]
        self.parts.append(b"</v></c></row>" if fields else b"</row>")
        self.count = len(fields)
        self.money = tuple(i for i, f in enumerate(fields) if f.type == "money")

    def numbers(self, values: str) -> list[bytes] | None:
        """The cells' numbers as XlsxWriter writes them, or None when this is not the
        usual report (the caller then writes cell by cell)."""
        data = values.encode()
        texts = data.split(b",")
        if len(texts) != self.count or b"" in texts or max(map(len, texts), default=0) >= 16:
            return None
        marks = data.count(b".") + data.count(b"E")
        numbers = texts
        for i in self.money:
            text = texts[i]
            if b"." in text or b"E" in text:
                if numbers is texts:
                    numbers = texts.copy()
                numbers[i] = _number(text.decode()).encode()
                marks -= text.count(b".") + text.count(b"E")
        return numbers if marks == 0 else None  # a count written as a decimal: not usual

    def row(self, r: bytes, numbers: list[bytes]) -> bytes:
        parts = self.parts.copy()
        parts[1:-1:2] = numbers
        return b"".join(parts).replace(ROW, r)


@cache
def _cells(format_id: str) -> _Cells:
    return _Cells(format_id)


def _number(text: str) -> str:
    """A cell's text as XlsxWriter writes the number (``.16G`` of an int, or of a float
    for money)."""
    if "." in text or "E" in text:
        return f"{float(text):.16G}"
    return text if len(text) < 16 else f"{int(text):.16G}"


@cache
def _inline(text: str) -> str:
    """An inline string's ``<is>`` element: control characters as ``_xHHHH_``, XML
    escapes, whitespace kept where it leads or trails."""
    text = _CONTROL_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    preserve = text[:1].isspace() or text[-1:].isspace()
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if preserve else ""
    return f"<is><t{space}>{text}</t></is>"


@cache
def _columns(count: int) -> tuple[str, ...]:
    """Column letters A, B, …, Z, AA, … for the first ``count`` columns."""
    out = []
    for n in range(1, count + 1):
        letters = ""
        while n:
            n, rest = divmod(n - 1, 26)
            letters = chr(65 + rest) + letters
        out.append(letters)
    return tuple(out)
