"""Every cell of a format as a row of the data files: keys and official labels, read from
the format description once per format.

The data files never name a cell by hand: table, row and column labels all come from
``Format.cells`` (the description's own words), in the description's order, which is the
order of the printed tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from ..formats import CellSpec, Format, all_formats
from ..model import Filed, Report, Value
from ..tables import grids


@dataclass(frozen=True)
class CellField:
    """One cell of a format, as the data files describe it."""

    id: str  # requests.results.disclosed.total
    table: str  # requests
    table_label: str  # 表三 收到和处理政府信息公开申请情况
    row_key: str  # results.disclosed
    row_label: str  # 三、（一）予以公开
    column_key: str  # total
    column_label: str  # 申请人情况 · 总计 (heads joined by " · ")
    type: str  # count, signed, money


@cache
def cell_fields(format_id: str) -> tuple[CellField, ...]:
    fmt = all_formats()[format_id]
    captions = {g.key: g.caption for g in grids(fmt)}
    numbers = {key: t.number for key, t in fmt.tables.items()}
    return tuple(_field(spec, captions, numbers) for spec in fmt.cells.values())


@cache
def cell_index(format_id: str) -> dict[str, int]:
    return {f.id: i for i, f in enumerate(cell_fields(format_id))}


def _field(spec: CellSpec, captions: dict[str, str], numbers: dict[str, str]) -> CellField:
    row_key = ".".join(n.key or "" for n in spec.row)
    rest = spec.id[len(spec.table) + 1 :]
    column_key = rest[len(row_key) + 1 :] if row_key else rest
    row_label = spec.row_name
    if spec.caption:  # table 二: the block (第二十条第（一）项) tells its rows apart
        row_label = f"{spec.caption} {row_label}"
    return CellField(
        id=spec.id,
        table=spec.table,
        table_label=f"表{numbers[spec.table]} {captions[spec.table]}",
        row_key=row_key,
        row_label=row_label,
        column_key=column_key,
        column_label=" · ".join(n.label for n in spec.column),
        type=spec.type,
    )


def value_text(value: Value | None) -> str:
    """A cell as written in the data files: integers plainly, money exactly as given."""
    if value is None:
        return ""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def parse_value(text: str) -> Value | None:
    if text == "":
        return None
    return Decimal(text) if "." in text or "E" in text else int(text)


def filed(report: Report) -> Filed:
    """The light record of a report that the region's pages and files are made from."""
    values = _values_text(report.cells, _cell_ids(report.format.id))
    units = tuple(sorted((cid, u) for cid, u in report.units.items()))
    published = report.published.isoformat() if report.published else ""
    revisions = tuple((r.date.isoformat(), r.what, r.why) for r in report.revisions)
    return Filed(report.year, report.format.id, published, values, units, revisions)


@cache
def _cell_ids(format_id: str) -> tuple[str, ...]:
    """The ids of ``cell_fields``, in their order, without making the fields: a build that
    loads one agency (an edit) needs only these, and the fields' labels cost a fifth of
    loading it (the tables' grids for their captions, a frozen dataclass per cell)."""
    return tuple(spec.id for spec in all_formats()[format_id].cells.values())


def _values_text(cells: dict[str, Value], ids: tuple[str, ...]) -> str:
    """The cells' ``value_text``s joined by commas, in one %-formatting, not a Python call
    per cell (some 200). ``str`` is ``value_text`` but for an absent cell ("None") and a Decimal in
    exponent notation ("1E+2"; otherwise str and format "f" write the same digits): a text
    with neither "N" nor "E" has none of them (nearly every report: counts and money)."""
    values = tuple(map(cells.get, ids))
    joined = _joiner(len(values)) % values  # %s: str of each, without a str() call each
    if "N" not in joined and "E" not in joined and "e" not in joined:
        return joined
    return ",".join(map(value_text, values))


@cache
def _joiner(count: int) -> str:
    return ",".join(["%s"] * count)


def unit_of(field: CellField, units: dict[str, str]) -> str:
    """件 for counts; a money cell's unit as the report gave it (else its label says it)."""
    if field.type != "money":
        return "件"
    return units.get(field.id, "")


def cells_of(record: Filed, only: frozenset[str] | None = None) -> dict[str, Value]:
    """The cells of a light record as numbers, by cell id (absent cells left out);
    ``only`` reads just those cells."""
    out: dict[str, Value] = {}
    texts = record.texts()
    for i, cid in _positions(record.format, only):
        v = parse_value(texts[i])
        if v is not None:
            out[cid] = v
    return out


@cache
def _positions(format_id: str, only: frozenset[str] | None) -> tuple[tuple[int, str], ...]:
    return tuple(
        (i, f.id) for i, f in enumerate(cell_fields(format_id)) if only is None or f.id in only
    )


def format_of(record: Filed) -> Format:
    return all_formats()[record.format]
