"""report.yaml written the way a person writes it: the format's layout, official labels
as aligned comments (see content/*/2021/report.yaml and docs/content-model.md).

Everything is derived from the format description, so the importer (and ``nianbao new``)
write every format the same way. Cells missing from ``cells`` are left out (optional
totals); ``comments`` adds a note to a cell's line (what the import saw, where).

The first line of a written file names its JSON Schema (``schema_comment``), so an editor
with the YAML language server completes keys and marks mistakes while typing.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from .formats import Format, Node, Table, leaf_paths
from .yamlsource import PLACEHOLDER

Value = int | Decimal | str
_LABEL_NAMES = {"requests": "表三", "appeals": "表四"}

# processing_fees (信息处理费, stated in section 六): key and label, in report.yaml's order
FEE_KEYS = (
    ("notices", "发出收费通知的件数"),
    ("noticed_amount", "收费通知总金额（元）"),
    ("collected", "实际收取总金额（元）"),
)


def schema_file_name(format_id: str) -> str:
    """The file `nianbao init` writes each format's JSON Schema to, under schemas/."""
    return f"report-{format_id}.schema.json"


def schema_path(report_file: Path, schemas: Path, format_id: str) -> str:
    """The schema of ``format_id`` in the folder ``schemas``, relative to ``report_file``."""
    target = schemas / schema_file_name(format_id)
    return Path(os.path.relpath(target, report_file.parent)).as_posix()


def schema_comment(schema: str) -> str:
    """The header line (``header`` adds the "# ") the YAML language server reads."""
    return f"yaml-language-server: $schema={schema}"


def _scalar(value: Value | None) -> str:
    if value is None:
        return PLACEHOLDER
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    return str(value)


def _width(text: str) -> int:
    """Columns a line takes in a monospaced editor (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _Lines:
    """Lines of (code, comment); comments are aligned per table when written out."""

    def __init__(self) -> None:
        self.groups: list[list[tuple[str, str]]] = []

    def start(self) -> None:
        self.groups.append([])

    def add(self, code: str, comment: str = "") -> None:
        self.groups[-1].append((code, comment))

    def text(self) -> str:
        out: list[str] = []
        for group in self.groups:
            column = max((_width(code) for code, c in group if c), default=0) + 2
            for code, comment in group:
                if comment:
                    pad = " " * max(column - _width(code), 1)
                    out.append(f"{code}{pad}# {comment}")
                else:
                    out.append(code)
            out.append("")
        return "\n".join(out).rstrip("\n") + "\n"


def _note(comment: str, notes: list[str]) -> str:
    return " — ".join([comment, *notes]) if notes else comment


def dump_report(
    fmt: Format,
    cells: Mapping[str, Value],
    comments: Mapping[str, str] | None = None,
    *,
    top: Mapping[str, str] | None = None,
    header: list[str] | None = None,
    units: Mapping[str, str] | None = None,
    fees: Mapping[str, Value] | None = None,
) -> str:
    """The text of report.yaml. ``top`` holds the first keys in order (year, format,
    published …), ``header`` the comment lines above them, ``units`` the unit of each
    row with a unit field (2019 采购总金额), ``fees`` the processing_fees values (left out
    when None; a key missing from it is written as 待填)."""
    comments = comments or {}
    units = units or {}
    lines = _Lines()
    lines.start()
    for h in header or []:
        lines.add(f"# {h}")
    for key, value in (top or {}).items():
        lines.add(f"{key}: {value}")
    by_number = {s.table: s.heading for s in fmt.sections if s.table}
    for table in fmt.tables.values():
        lines.start()
        lines.add(f"{table.key}:", by_number[table.key])
        if table.layout == "blocks":
            _blocks(lines, table, cells, comments, units)
        elif table.layout == "matrix":
            _matrix(lines, table, cells, comments)
        else:
            _groups(lines, table, cells, comments)
    if fees is not None:
        lines.start()
        lines.add("processing_fees:", "信息处理费（列在“六、其他需要报告的事项”中）")
        for key, label in FEE_KEYS:
            lines.add(f"  {key}: {_scalar(fees.get(key))}", label)
    return lines.text()


def _blocks(
    lines: _Lines,
    table: Table,
    cells: Mapping[str, Value],
    comments: Mapping[str, str],
    units: Mapping[str, str],
) -> None:
    for block in table.blocks:
        for row in block.rows:
            rid = f"{table.key}.{row.key}"
            if block.scalar:
                note = [comments[rid]] if rid in comments else []
                lines.add(
                    f"  {row.key}: {_scalar(cells.get(rid))}",
                    _note(f"{row.label} · {block.columns[0].label}", note),
                )
                continue
            lines.add(f"  {row.key}:", row.label)
            for col in block.columns:
                cid = f"{rid}.{col.key}"
                note = [comments[cid]] if cid in comments else []
                lines.add(f"    {col.key}: {_scalar(cells.get(cid))}", _note(col.label, note))
            if block.unit_field:
                lines.add(
                    f"    {block.unit_field}: {units.get(rid, '待填')}",
                    "金额单位：" + " 或 ".join(block.units),
                )


def _matrix(
    lines: _Lines, table: Table, cells: Mapping[str, Value], comments: Mapping[str, str]
) -> None:
    columns = table.leaf_columns
    lines.add("  # 列：" + ", ".join(c.label for c in columns))

    def level(nodes: tuple[Node, ...], prefix: str, depth: int) -> None:
        indent = "  " * depth
        width = max(len(n.key or "") for n in nodes) + 2
        for n in nodes:
            rid = f"{prefix}.{n.key}"
            if n.children:
                lines.add(f"{indent}{n.key}:", n.label)
                level(n.children, rid, depth + 1)
                continue
            ids = [f"{rid}.{c.key}" for c in columns]
            if all(cid not in cells for cid in ids):
                continue  # an optional row left out
            given = [cid for cid in ids if cid in cells]
            items = ", ".join(_scalar(cells[cid]) for cid in given)
            key = f"{n.key}:".ljust(width)
            notes = [comments[cid] for cid in given if cid in comments]
            lines.add(f"{indent}{key}[{items}]", _note(n.label, _unique(notes)))

    level(table.rows, table.key, 1)


def _groups(
    lines: _Lines, table: Table, cells: Mapping[str, Value], comments: Mapping[str, str]
) -> None:
    paths = leaf_paths(table.columns)
    lines.add(
        "  # 列："
        + ", ".join(
            n.label
            for n in paths[0][-1:] + tuple(p[-1] for p in paths[1:] if p[:-1] == paths[0][:-1])
        )
    )
    groups: dict[str, list[tuple[Node, ...]]] = {}
    for path in paths:
        group = next(n for n in reversed(path[:-1]) if n.key)
        groups.setdefault(group.key or "", []).append(path)
    width = max(len(k) for k in groups) + 2
    for key, members in groups.items():
        ids = [f"{table.key}.{key}.{p[-1].key}" for p in members]
        items = ", ".join(_scalar(cells.get(cid)) for cid in ids)
        name = " · ".join(n.label for n in members[0][:-1])
        notes = [comments[cid] for cid in ids if cid in comments]
        lines.add(f"  {(key + ':').ljust(width)}[{items}]", _note(name, _unique(notes)))


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
