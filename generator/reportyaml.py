"""Writing report.yaml: one emitter for every tool that writes a report (`new`, `import`).

The file is laid out as a clerk would write it by hand and as docs/content-model.md shows
it: every key of the format, the official label in a comment on each line, rows of table
三 and 四 as one list each. A cell without a value is written as the placeholder `待填`,
which keeps the YAML valid and which `check` reports as 未填写 (P1). Everything is read
from the format description; nothing here names a row.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .formats import Block, Format, Node, Table, leaf_paths
from .model import Value
from .yamlsource import PLACEHOLDER

FEE_KEYS = (
    ("notices", "发出收费通知的件数"),
    ("noticed_amount", "收费通知总金额（元）"),
    ("collected", "实际收取总金额（元）"),
)
COMMENT_COLUMN = 36  # where the label comments start, as in docs/content-model.md


@dataclass
class Draft:
    """What to write: the values known so far; every other input cell becomes `待填`."""

    format: Format
    year: int
    cells: Mapping[str, Value]
    notes: Mapping[str, str] = field(default_factory=dict)  # cell id → said beside it
    header: Sequence[str] = ()  # comment lines at the top of the file
    schema: str | None = None  # where the editor finds the JSON Schema (a relative path)
    published: dt.date | None = None
    carry_over_note: str | None = None
    units: Mapping[str, str] = field(default_factory=dict)  # as Report.units
    fees: Mapping[str, Value] | None = None  # processing_fees; None leaves the keys out
    write_fees: bool = True  # processing_fees keys written (as `待填` where not in fees)


def schema_comment(schema: str) -> str:
    """The first line of a written file: the YAML language server reads its schema here."""
    return f"# yaml-language-server: $schema={schema}"


def schema_path(report_file: Path, schemas: Path, format_id: str) -> str:
    """The schema of ``format_id`` in the folder ``schemas``, relative to ``report_file``."""
    target = schemas / schema_file_name(format_id)
    return Path(os.path.relpath(target, report_file.parent)).as_posix()


def schema_file_name(format_id: str) -> str:
    return f"report-{format_id}.schema.json"


def report_yaml(draft: Draft) -> str:
    """The text of report.yaml for ``draft``."""
    out = _Lines()
    if draft.schema:
        out.comment(schema_comment(draft.schema))
    for line in draft.header:
        out.comment(f"# {line}" if line else "#")
    out.add(f"year: {draft.year}", "报告年度，与所在文件夹一致")
    if draft.published is not None:
        out.add(f"published: {draft.published.isoformat()}", "发布日期")
    else:
        out.add(f"# published: {draft.year + 1}-01-20", "发布日期：发布时填写（用于检查发布期限）")
    if draft.carry_over_note:
        out.add(f"carry_over_note: {_quote(draft.carry_over_note)}", "上年结转不一致的原因")
    fmt = draft.format
    for key, table in fmt.tables.items():
        out.blank()
        section = next((s.heading for s in fmt.sections if s.table == key), "")
        out.add(f"{key}:", section)
        if table.layout == "blocks":
            _blocks(out, table, draft)
        elif table.layout == "matrix":
            cols = "、".join(c.label for c in table.leaf_columns)
            out.comment(f"  # 每行依次为：{cols}；总计可不写，由程序计算")
            _matrix_rows(out, table, table.rows, key, draft, 1)
        else:
            _groups(out, table, draft)
    if draft.write_fees or draft.fees:
        out.blank()
        out.add("processing_fees:", "信息处理费（显示在“六、其他需要报告的事项”中）")
        fees = draft.fees or {}
        for key, label in FEE_KEYS:
            out.add(f"  {key}: {_value(fees.get(key))}", label)
    return out.text()


def _blocks(out: _Lines, table: Table, draft: Draft) -> None:
    for block in table.blocks:
        for row in block.rows:
            rid = f"{table.key}.{row.key}"
            label = f"{block.caption} {row.label}"
            if block.scalar:
                note = _join(f"{label} · {block.columns[0].label}", draft.notes.get(rid))
                out.add(f"  {row.key}: {_value(draft.cells.get(rid))}", note)
                continue
            out.add(f"  {row.key}:", label)
            _block_columns(out, block, rid, draft)


def _block_columns(out: _Lines, block: Block, rid: str, draft: Draft) -> None:
    for col in block.columns:
        cid = f"{rid}.{col.key}"
        out.add(
            f"    {col.key}: {_value(draft.cells.get(cid))}", _join(col.label, draft.notes.get(cid))
        )
    if block.unit_field and block.unit_column:
        unit = draft.units.get(f"{rid}.{block.unit_column}") or block.units[-1]
        out.add(f"    {block.unit_field}: {unit}", "金额单位：" + " 或 ".join(block.units))


def _matrix_rows(
    out: _Lines, table: Table, rows: tuple[Node, ...], prefix: str, draft: Draft, depth: int
) -> None:
    indent = "  " * depth
    leaf_cols = table.leaf_columns
    width = max(len(r.key or "") for r in rows) + 1
    for row in rows:
        rid = f"{prefix}.{row.key}"
        if row.children:
            out.add(f"{indent}{row.key}:", row.label)
            _matrix_rows(out, table, row.children, rid, draft, depth + 1)
            continue
        row_cells = [f"{rid}.{c.key}" for c in leaf_cols] if not row.children else []
        if row.optional and not any(c in draft.cells for c in row_cells):
            continue  # （七）总计: computed when left out
        cols = [c for c in leaf_cols if not c.optional or f"{rid}.{c.key}" in draft.cells]
        values = ", ".join(_value(draft.cells.get(f"{rid}.{c.key}")) for c in cols)
        notes = [draft.notes[c] for c in row_cells if c in draft.notes]
        key = f"{row.key}:".ljust(width + 1)
        out.add(f"{indent}{key}[{values}]", _join(row.label, *notes))


def _groups(out: _Lines, table: Table, draft: Draft) -> None:
    groups: list[tuple[Node, tuple[Node, ...]]] = []
    for path in leaf_paths(table.columns):
        group = next(n for n in reversed(path[:-1]) if n.key)
        if not groups or groups[-1][0] is not group:
            groups.append((group, path[:-1]))
    cols = "、".join(leaf.label for leaf in groups[0][0].children)
    out.comment(f"  # 每行依次为：{cols}")
    width = max(len(g.key or "") for g, _ in groups) + 1
    for group, heads in groups:
        gid = f"{table.key}.{group.key}"
        cells = [f"{gid}.{leaf.key}" for leaf in group.children]
        values = ", ".join(_value(draft.cells.get(c)) for c in cells)
        notes = [draft.notes[c] for c in cells if c in draft.notes]
        label = " · ".join(h.label for h in heads)
        out.add(f"  {f'{group.key}:'.ljust(width + 1)}[{values}]", _join(label, *notes))


def _value(value: Value | None) -> str:
    if value is None:
        return PLACEHOLDER
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _quote(text: str) -> str:
    """A text value as a YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _join(*parts: str | None) -> str:
    return "；".join(p for p in parts if p)


def _width(text: str) -> int:
    """Columns on screen: a Chinese character takes two, so comments line up in editors."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class _Lines:
    def __init__(self) -> None:
        self._lines: list[str] = []

    def add(self, code: str, comment: str = "") -> None:
        if not comment:
            self._lines.append(code)
            return
        pad = max(COMMENT_COLUMN - _width(code), 2)
        self._lines.append(f"{code}{' ' * pad}# {comment.replace(chr(10), ' ')}")

    def comment(self, line: str) -> None:
        self._lines.append(line)

    def blank(self) -> None:
        self._lines.append("")

    def text(self) -> str:
        return "\n".join(self._lines) + "\n"
