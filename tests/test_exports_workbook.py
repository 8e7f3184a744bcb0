"""The year workbook's rows are written as XML by nianbao, not cell by cell by XlsxWriter:
the sheet must be what XlsxWriter itself writes for the same cells (the slow path is kept
here, as the oracle), and openpyxl must read the same numbers."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import openpyxl
import pytest
import xlsxwriter
from nianbao.exports import workbook as workbook_module
from nianbao.exports.book_pieces import Memory, write_book
from nianbao.exports.layout import cell_fields, parse_value
from nianbao.exports.workbook import _MADE, WORKBOOK_DATE, frame, make_frame, workbook
from nianbao.exports.year_files import REPORT_FIELDS, Members
from nianbao.formats import all_formats
from nianbao.model import Agency, Filed

NAMES = [
    "县人民政府办公室",
    "A&B <局> \"引号\" 与 '单引号'",
    " 前后有空格 ",
    "控制\x01字符_x0041_",
    "",  # an agency without a name is impossible, but an empty cell must not be written
]


def oracle(year: int, rows: Members, format_id: str | None) -> bytes:
    """main's workbook: XlsxWriter's per-cell API for every cell."""
    buffer = io.BytesIO()
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
    for r, (agency, record) in enumerate(rows, start=2):
        head = [agency.slug, agency.name, agency.group or "", year, record.format, record.published]
        values = [parse_value(t) for t in record.texts()]
        sheet.write_row(r, 0, head)
        sheet.write_row(
            r,
            len(head),
            [float(v) if v is not None and not isinstance(v, int) else v for v in values],
        )
    book.close()
    return buffer.getvalue()


def text(i: int, n: int, kind: str) -> str:
    """A cell's text: some empty, money with decimals, big and negative numbers."""
    if (i + n) % 7 == 0:
        return ""
    if kind == "money":
        return ["12.50", "0.1", "1234567.891", "3", "0.000012"][(i + n) % 5]
    if kind == "signed":
        return str(-((i * 31 + n) % 50))
    return str([(i * 17 + n) % 1000, 10**17 + i, 0][(i + n) % 3 if n == 3 else 0])


def portal_rows(format_id: str, count: int) -> Members:
    fields = cell_fields(format_id)
    rows: Members = []
    for n in range(count):
        name = NAMES[n % len(NAMES)] or f"机构{n}"
        agency = Agency(
            slug=f"agency-{n}",
            name=name,
            kind="department",
            path="agency.yaml",
            group=["", "县直部门", "乡镇 & 街道"][n % 3] or None,
        )
        values = ",".join(text(i, n, f.type) for i, f in enumerate(fields))
        published = "" if n % 4 == 3 else "2022-01-15"
        rows.append((agency, Filed(2021, format_id, published, values)))
    return rows


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def same_book(made: bytes, want: bytes) -> bool:
    """The same zip but for how the sheet is compressed (in pieces: book_pieces): the same
    entries in order, dates, modes, compressors and uncompressed bytes, each CRC right."""

    def entries(data: bytes) -> list[tuple[object, ...]]:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert z.testzip() is None  # every member inflates to its CRC
            return [
                (
                    i.filename,
                    i.date_time,
                    i.compress_type,
                    i.external_attr,
                    i.create_system,
                    i.flag_bits,
                    i.CRC,
                    i.file_size,
                    z.read(i),
                )
                for i in z.infolist()
            ]

    return entries(made) == entries(want)


@pytest.mark.parametrize("format_id", sorted(all_formats()))
def test_the_sheet_is_what_xlsxwriter_writes_cell_by_cell(format_id: str) -> None:
    rows = portal_rows(format_id, 300)  # more than one piece of rows
    made, want = workbook(2021, rows, format_id), oracle(2021, rows, format_id)
    sheet = "xl/worksheets/sheet1.xml"
    assert parts(made)[sheet] == parts(want)[sheet]
    assert b"&amp;B &lt;\xe5\xb1\x80&gt;" in parts(made)[sheet]  # the escapes were tried
    assert b'xml:space="preserve"' in parts(made)[sheet]
    assert same_book(made, want)  # the same zip too: same entries, dates, modes, compressors


@pytest.mark.parametrize("format_id", sorted(all_formats()))
def test_full_reports_take_the_fast_path_to_the_same_sheet(format_id: str) -> None:
    """Reports with every cell given and no long number (the usual ones: their cells are
    filled by slots of a per-format list), among reports that are not (cell by cell)."""
    rows = portal_rows(format_id, 60)
    for n, (agency, record) in enumerate(rows):
        if n % 5:  # 4 in 5 full: empty cells given, numbers of 16 digits or more cut short
            texts = [(t or "7")[:15] for t in record.texts()]
            rows[n] = (agency, replace(record, values=",".join(texts)))
    fast = sum(1 for _, r in rows if "" not in r.texts())
    assert fast >= 40 and any("." in r.values for _, r in rows[1:5])  # money decimals too
    made, want = workbook(2021, rows, format_id), oracle(2021, rows, format_id)
    assert same_book(made, want)


def test_an_empty_year_and_one_row() -> None:
    assert workbook(2021, [], None) == oracle(2021, [], None)  # no sheet to make in pieces
    rows = portal_rows("2021", 1)
    assert same_book(workbook(2021, rows, "2021"), oracle(2021, rows, "2021"))


def test_openpyxl_reads_the_same_numbers() -> None:
    rows = portal_rows("2021", 40)
    book = openpyxl.load_workbook(io.BytesIO(workbook(2021, rows, "2021")), read_only=True)
    sheet = book.worksheets[0]
    read = list(sheet.iter_rows(values_only=True))
    assert read[1][: len(REPORT_FIELDS)] == REPORT_FIELDS
    assert len(read) == len(rows) + 2
    for (agency, record), got in zip(rows, read[2:], strict=True):
        assert got[0] == agency.slug and got[3] == 2021
        # openpyxl leaves Excel's _xHHHH_ escapes of control characters as they are
        assert got[1] == agency.name or "\x01" in agency.name
        for cell, value in zip(record.texts(), got[len(REPORT_FIELDS) :], strict=False):
            if cell == "":
                assert value is None
            elif "." in cell:
                assert value == float(cell)
            else:
                assert value == int(cell) or len(cell) > 15  # Excel keeps 15 digits


@pytest.mark.parametrize("format_id", sorted(all_formats()))
def test_a_frame_for_another_year_is_xlsxwriters(
    format_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A year's frame made from another year's (workbook.frame) is the very workbook
    XlsxWriter makes for it (the same members, so the same year workbook)."""
    rows = portal_rows(format_id, 20)
    _MADE.pop(format_id, None)
    assert frame(2020, format_id) == make_frame(2020, format_id)
    made = {year: make_frame(year, format_id) for year in (2019, 2024, 1999, 2100, 20000)}

    def never(year: int, format_id: str | None) -> bytes:
        assert year == 20000  # (five digits: not made from another year's)
        return made[year]

    monkeypatch.setattr(workbook_module, "make_frame", never)
    for year, want in made.items():
        assert frame(year, format_id) == want
    book, oracle_book = Memory(), Memory()
    write_book(book, 2024, rows, frame(2024, format_id))
    write_book(oracle_book, 2024, rows, made[2024])
    assert book.buffer.getvalue() == oracle_book.buffer.getvalue()
