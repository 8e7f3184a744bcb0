"""report.yaml in its usual shape, read straight from its lines: no YAML nodes.

Nearly every report.yaml is a few block mappings of plain keys holding one-line flow lists
(``received: [16, 2, 0, 0, 2, 0, 20]``) and flow mappings of plain numbers. Composing
those into position-carrying YAML nodes and reading them back costs more than half of
loading a report. This module reads exactly that shape, and nothing else: the first line,
token or value it is not sure of (a quote, a tab, a placeholder, an anchor,
revisions, a number that is not plainly valid, a key out of place, anything that would be
a problem) makes it give up, and ``load`` reads the file the full way (yamlparse,
reportread), which finds and words every problem. So it returns a report only when the
full reader would return the same report with no problem at all (tests compare the two on
every fixture and on synthetic portals).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from itertools import accumulate, chain, repeat
from operator import add, sub
from re import Match

from .formats import Format, Table, all_formats, format_for_year
from .formats import Node as FormatNode
from .model import Loc, ProcessingFees, Report, Value
from .reportread import REPORT_KEYS, REQUIRED_REPORT_KEYS, _keyed_groups, add_totals
from .yamlsource import MAX_DIGITS

# A line (without its comment): indentation, a plain lowercase key, and a value on the
# line or none (a block mapping follows). Only spaces: a tab or a quote never match.
_LINE = re.compile(r"( *)([a-z_][a-z0-9_]*):(?: +([^ #'\"].*?))? *")
_TOKEN = r"[^\s,\[\]{}:#'\"&*!|>%@`?][^\s,\[\]{}:#'\"]*"
_FLOW_LIST = re.compile(rf"\[ *{_TOKEN}(?: *, *{_TOKEN})* *\]")
_FLOW_MAP = re.compile(
    rf"\{{ *[a-z_][a-z0-9_]*: +{_TOKEN}(?: *, *[a-z_][a-z0-9_]*: +{_TOKEN})* *\}}"
)
_ITEM = re.compile(_TOKEN)
_COUNT_TEXT = r"(?:0|[1-9][0-9]{0,14})"  # at most MAX_DIGITS digits
_COUNT_LIST = rf"\[ *{_COUNT_TEXT}(?: *, *{_COUNT_TEXT})* *\]"
_COUNT_ROWS = re.compile(rf"{_COUNT_LIST}(?:\n{_COUNT_LIST})*")  # the lists, one a line
_DIGITS = re.compile(r"[0-9]+")
_PAIR = re.compile(rf"([a-z_][a-z0-9_]*): +({_TOKEN})")
_SCALAR = re.compile(_TOKEN)
# What libyaml refuses as unprintable, a BOM inside the text, and what YAML 1.1 also takes
# for a line break (NEL, U+2028, U+2029): the full reader deals with them. Written as the
# characters refused, the complement of those it prints (\n, \x20-\x7e, \xa0-\u2027,
# \u202a-\ud7ff, \ue000-\ufefe, \uff00-\ufffd, \U00010000-\U0010ffff): the negated class
# of those wide ranges took 10-25 ms to compile, in every process that reads a report
# (tests/test_reportfast.py compares the two over every code point).
_UNPRINTABLE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
)
_COUNT = re.compile(r"0|[1-9][0-9]*")
_SIGNED = re.compile(r"-?(?:0|[1-9][0-9]*)")
_MONEY = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_YEAR = re.compile(r"[0-9]{4}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

Scalar = tuple[str, int, int]  # text, 1-based line and column
Mapping = dict[str, tuple[object, int, int]]  # key → (value, line, column of the key)


def beyond_plain(text: str) -> bool:
    """Whether ``text`` holds what the fast readers (this one and agencyfast) never read:
    a carriage return, a tab or a character the full reader refuses."""
    return "\r" in text or "\t" in text or _UNPRINTABLE.search(text) is not None


class _Unsure(Exception):
    """Not the usual shape: read the file the full way."""


def fast_report(text: str, folder_year: str, agency: str, shown: str) -> Report | None:
    """The report, when ``text`` is in the usual shape and has no problem; else None."""
    try:
        top, anchor = _parse(text)
        return _report(top, anchor, folder_year, agency, shown)
    except _Unsure:
        return None


# ---------------------------------------------------------------------------------------
# Lines to nested mappings


def _parse(text: str) -> tuple[Mapping, tuple[int, int]]:
    if beyond_plain(text):
        raise _Unsure
    root: Mapping = {}
    stack: list[tuple[int, Mapping]] = []  # (indentation, mapping), innermost last
    opened: tuple[Mapping, str, int, int, int] | None = None  # a key awaiting its mapping
    anchor = (0, 0)
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip(" ")
        if not stripped or stripped[0] == "#":
            continue  # a blank line, or a comment on a line of its own
        comment = line.find(" #")  # no quotes are read here: the first " #" starts one
        m = _LINE.fullmatch(line if comment < 0 else line[:comment])
        if m is None:
            raise _Unsure
        spaces, key, value = m.groups()
        indent = len(spaces)
        if not stack:
            if indent:
                raise _Unsure
            stack.append((0, root))
            anchor = (number, 1)
        elif opened is not None:
            parent, name, key_line, key_col, above = opened
            if indent <= above:
                raise _Unsure  # a key with no value: null
            child: Mapping = {}
            parent[name] = (child, key_line, key_col)
            stack.append((indent, child))
            opened = None
        while indent < stack[-1][0]:
            stack.pop()
        if indent != stack[-1][0]:
            raise _Unsure
        mapping = stack[-1][1]
        if key in mapping:
            raise _Unsure  # a duplicate key: the full reader says where
        if value is None:
            mapping[key] = (None, number, indent + 1)  # replaced by the mapping below it
            opened = (mapping, key, number, indent + 1, indent)
            continue
        at = m.start(3)
        if value[0] == "[":  # a flow list (most lines): _value's first case, without a call
            mapping[key] = (_Flow(value, number, at), number, indent + 1)
        else:
            mapping[key] = (_value(value, number, at), number, indent + 1)
    if opened is not None or not stack:
        raise _Unsure
    return root, anchor


class _Flow:
    """A one-line flow list, kept as written until read (most are a row of counts,
    read in one go)."""

    __slots__ = ("at", "line", "text")

    def __init__(self, text: str, line: int, at: int) -> None:
        self.text, self.line, self.at = text, line, at

    def items(self) -> list[Scalar]:
        if not _FLOW_LIST.fullmatch(self.text):
            raise _Unsure
        return [
            (t.group(), self.line, self.at + t.start() + 1) for t in _ITEM.finditer(self.text, 1)
        ]


def _value(text: str, line: int, at: int) -> object:
    """A value on its key's line: a flow list, a flow mapping or a plain scalar, each
    with the line and column of every scalar (``at`` is where ``text`` starts, 0-based)."""
    first = text[0]
    if first == "[":
        return _Flow(text, line, at)
    if first == "{":
        if not _FLOW_MAP.fullmatch(text):
            raise _Unsure
        out: Mapping = {}
        for p in _PAIR.finditer(text):
            if p.group(1) in out:
                raise _Unsure
            out[p.group(1)] = ((p.group(2), line, at + p.start(2) + 1), line, at + p.start() + 1)
        return out
    if not _SCALAR.fullmatch(text):
        raise _Unsure
    return (text, line, at + 1)


# ---------------------------------------------------------------------------------------
# Mappings to a report, as reportread reads it when it finds no problem


def _report(
    top: Mapping, anchor: tuple[int, int], folder_year: str, agency: str, shown: str
) -> Report:
    if any(k not in REPORT_KEYS for k in top) or any(k not in top for k in REQUIRED_REPORT_KEYS):
        raise _Unsure
    if "carry_over_note" in top or "revisions" in top:
        raise _Unsure  # free text: the full reader
    year_text = _scalar(top["year"][0])[0]
    if not _YEAR.fullmatch(year_text) or year_text != folder_year:
        raise _Unsure
    year = int(year_text)
    fmt = format_for_year(year)
    if year > dt.date.today().year or fmt is None:
        raise _Unsure
    if "format" in top and all_formats().get(_scalar(top["format"][0])[0]) is not fmt:
        raise _Unsure
    cells: dict[str, Value] = {}
    locs: dict[str, tuple[int, int]] = {}
    units: dict[str, str] = {}
    for key, table in fmt.tables.items():
        if key in top:
            _table(top[key][0], table, fmt, cells, locs, units)
    add_totals(fmt, cells)
    report = Report(
        agency=agency,
        year=year,
        format=fmt,
        path=shown,
        cells=cells,
        locs=locs,
        units=units,
        anchor=Loc(shown, *anchor),
    )
    if "published" in top:
        text, line, col = _scalar(top["published"][0])
        if not _DATE.fullmatch(text):
            raise _Unsure
        try:
            published = dt.date.fromisoformat(text)
        except ValueError:
            raise _Unsure from None
        if published.year <= year:
            raise _Unsure
        report.published = published
        locs["published"] = (line, col)
    if "processing_fees" in top:
        fees = _mapping(top["processing_fees"][0], ["notices", "noticed_amount", "collected"])
        report.processing_fees = ProcessingFees(
            int(_number(fees["notices"][0], "count")),
            Decimal(_number(fees["noticed_amount"][0], "money")),
            Decimal(_number(fees["collected"][0], "money")),
        )
    return report


def _scalar(value: object) -> tuple[str, int, int]:
    if not isinstance(value, tuple):
        raise _Unsure
    return value  # type: ignore[return-value]


def _mapping(value: object, keys: list[str]) -> Mapping:
    """A mapping with exactly these keys (all required, none other)."""
    if not isinstance(value, dict) or len(value) != len(keys) or any(k not in value for k in keys):
        raise _Unsure
    return value


def _number(value: object, vtype: str) -> Value:
    text = _scalar(value)[0]
    if len(text) > MAX_DIGITS:
        raise _Unsure
    if vtype == "count" and _COUNT.fullmatch(text):
        return int(text)
    if vtype == "signed" and _SIGNED.fullmatch(text):
        return int(text)
    if vtype == "money" and _MONEY.fullmatch(text):
        return Decimal(text)
    raise _Unsure


def _put(
    cid: str,
    value: object,
    vtype: str,
    cells: dict[str, Value],
    locs: dict[str, tuple[int, int]],
) -> None:
    cells[cid] = _number(value, vtype)
    _, line, col = _scalar(value)
    locs[cid] = (line, col)


def _table(
    value: object,
    table: Table,
    fmt: Format,
    cells: dict[str, Value],
    locs: dict[str, tuple[int, int]],
    units: dict[str, str],
) -> None:
    if table.layout == "blocks":
        rows = {row.key or "": (b, row) for b in table.blocks for row in b.rows}
        m = _mapping(value, list(rows))
        for row_key, (row_value, _, _) in m.items():  # as written, like the full reader
            block, _row = rows[row_key]
            rid = f"{table.key}.{row_key}"
            if block.scalar:
                _put(rid, row_value, block.value_types[0], cells, locs)
                continue
            col_keys = [c.key or "" for c in block.columns]
            extra = [block.unit_field] if block.unit_field else []
            rm = _mapping(row_value, col_keys + extra)
            for ck, vtype in zip(col_keys, block.value_types, strict=True):
                _put(f"{rid}.{ck}", rm[ck][0], vtype, cells, locs)
            if block.unit_field:
                unit = _scalar(rm[block.unit_field][0])[0]
                if unit not in block.units:
                    raise _Unsure
                units[f"{rid}.{block.unit_column}"] = unit
    elif table.layout == "matrix":
        data_rows: list[tuple[str, _Flow]] = []
        _matrix_rows(value, table.rows, table.key, data_rows)
        _fill_rows(table, data_rows, cells, locs)
    else:
        groups, keys = _groups_plan(table)
        m = _mapping(value, keys)
        for group, leaves in groups:
            flow = m[group.key or ""][0]
            if not isinstance(flow, _Flow):
                raise _Unsure
            items = flow.items()
            if len(items) != len(leaves):
                raise _Unsure
            gid = f"{table.key}.{group.key}"
            for leaf, item in zip(leaves, items, strict=True):
                _put(f"{gid}.{leaf.key}", item, table.type, cells, locs)


def _matrix_rows(
    value: object, rows: tuple[FormatNode, ...], prefix: str, leaves: list[tuple[str, _Flow]]
) -> None:
    """Each data row of a matrix table (its id and its list), in the format's order."""
    if not isinstance(value, dict):
        raise _Unsure
    allowed, required, plan = _rows_plan(rows, prefix)
    if not allowed.issuperset(value) or not required.issubset(value):
        raise _Unsure
    for row, rid in plan:
        if row.key not in value:
            continue
        row_value = value[row.key or ""][0]
        if row.children:
            _matrix_rows(row_value, row.children, rid, leaves)
        elif isinstance(row_value, _Flow):
            leaves.append((rid, row_value))
        else:
            raise _Unsure


def _fill_rows(
    table: Table,
    leaves: list[tuple[str, _Flow]],
    cells: dict[str, Value],
    locs: dict[str, tuple[int, int]],
) -> None:
    """The rows' values and positions. Rows of plain counts (table 三, nearly always) are
    read all at once: one check, one pass of the regex, no Python call per row or number."""
    texts = [flow.text for _, flow in leaves]
    joined = "\n".join(texts)
    if table.type != "count" or not _COUNT_ROWS.fullmatch(joined):
        for rid, flow in leaves:
            items = flow.items()
            for cid, item in zip(_row_ids(table, rid, len(items)), items, strict=True):
                _put(cid, item, table.type, cells, locs)
        return
    sizes = [text.count(",") + 1 for text in texts]
    ids = tuple(chain.from_iterable(map(_row_ids, repeat(table), [r for r, _ in leaves], sizes)))
    numbers = list(_DIGITS.finditer(joined))  # one pass: each number's text and offset
    values = map(int, map(Match.group, numbers))
    # a number's column: its offset in the joined text, less where its row starts there,
    # plus where the row's list starts on its line
    starts = accumulate((len(text) + 1 for text in texts), initial=0)
    bases = map(sub, [flow.at + 1 for _, flow in leaves], starts)
    offsets = map(Match.start, numbers)
    columns = map(add, offsets, chain.from_iterable(map(repeat, bases, sizes)))
    lines = chain.from_iterable(map(repeat, [flow.line for _, flow in leaves], sizes))
    cells.update(zip(ids, values, strict=True))
    locs.update(zip(ids, zip(lines, columns, strict=True), strict=True))


GroupsPlan = tuple[list[tuple[FormatNode, tuple[FormatNode, ...]]], list[str]]
_GROUPS_PLANS: dict[int, GroupsPlan] = {}


def _groups_plan(table: Table) -> GroupsPlan:
    """A table of keyed column groups (表四): each group with its leaves, and the keys."""
    plan = _GROUPS_PLANS.get(id(table))  # formats live as long as the process
    if plan is None:
        groups = [(g, g.leaves) for g in _keyed_groups(table.columns)]
        plan = _GROUPS_PLANS[id(table)] = (groups, [g.key or "" for g, _ in groups])
    return plan


_ROW_IDS: dict[tuple[int, str, int], tuple[str, ...]] = {}
RowsPlan = tuple[frozenset[str], frozenset[str], tuple[tuple[FormatNode, str], ...]]
_ROWS_PLANS: dict[tuple[int, str], RowsPlan] = {}


def _rows_plan(rows: tuple[FormatNode, ...], prefix: str) -> RowsPlan:
    """The keys a level of matrix rows allows and requires, and each row with its id."""
    key = (id(rows), prefix)  # formats live as long as the process
    plan = _ROWS_PLANS.get(key)
    if plan is None:
        plan = _ROWS_PLANS[key] = (
            frozenset(row.key or "" for row in rows),
            frozenset(row.key or "" for row in rows if not row.optional),
            tuple((row, f"{prefix}.{row.key}") for row in rows),
        )
    return plan


def _row_ids(table: Table, rid: str, given: int) -> tuple[str, ...]:
    """The cell ids of a matrix row written with ``given`` numbers: every column, or
    those a report may not leave out (the 总计 column computed)."""
    key = (id(table), rid, given)  # formats live as long as the process
    ids = _ROW_IDS.get(key)
    if ids is None:
        cols = table.leaf_columns
        if given != len(cols):
            cols = tuple(c for c in cols if not c.optional)
            if given != len(cols):
                raise _Unsure
        ids = _ROW_IDS[key] = tuple(f"{rid}.{c.key}" for c in cols)
    return ids


__all__ = ["fast_report"]
