"""`nianbao schema`: a JSON Schema of report.yaml, generated from the format description.

Editors with the YAML language server read it to complete keys, show the official labels
on hover and mark mistakes while typing (a typo'd key, a negative count, text where a
number belongs). It states structure and types only; the arithmetic of the format stays
with `check`.

The placeholder `待填` is allowed wherever a number is: a file written by `nianbao new` or
`nianbao import` is structurally right while it is being filled, and the editor then marks
only real mistakes. Its description says 未填写, and `check` reports it as an error (P1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .formats import Block, Format, Node, Table, all_formats, leaf_paths
from .reportread import REQUIRED_REPORT_KEYS
from .reportyaml import FEE_KEYS, schema_file_name
from .yamlsource import PLACEHOLDER

DIALECT = "http://json-schema.org/draft-07/schema#"  # the YAML language server's own dialect

Schema = dict[str, Any]

_NUMBER: dict[str, Schema] = {
    "count": {"type": "integer", "minimum": 0},
    "signed": {"type": "integer"},
    "money": {"type": "number", "minimum": 0},
}
_KIND = {"count": "非负整数", "signed": "整数（可为负）", "money": "非负数（金额）"}
_UNFILLED = f"。未填写时为“{PLACEHOLDER}”，nianbao check 报告为未填写（P1）"


def report_schema(fmt: Format) -> Schema:
    """The schema of one format's report.yaml."""
    props: Schema = {
        "year": {
            "title": "报告年度",
            "description": "四位数字，与所在文件夹一致",
            "type": "integer",
            "minimum": fmt.first_year,
            **({"maximum": fmt.last_year} if fmt.last_year else {}),
        },
        "format": {
            "title": "格式",
            "description": f"可省略；写则为 {fmt.id}（{fmt.title}）",
            "enum": [fmt.id, int(fmt.id)],
        },
        "published": {
            "title": "发布日期",
            "description": "写作 2022-01-20；用于检查《条例》第四十九条的发布期限",
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}$",
        },
        "carry_over_note": {
            "title": "结转说明",
            "description": "本年“上年结转”与上一年度“结转下年度继续办理”不一致的原因",
            "type": "string",
        },
    }
    for key, table in fmt.tables.items():
        heading = next((s.heading for s in fmt.sections if s.table == key), key)
        props[key] = {"title": heading, **_table(table, fmt)}
    date = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    text = {"type": "string", "minLength": 1}
    props["revisions"] = {
        "title": "更正说明",
        "description": "发布后的更正：日期、改了什么、为什么",
        "type": "array",
        "items": _object(
            "",
            "",
            {
                "date": {"title": "更正日期", **date},
                "what": {"title": "更正内容", **text},
                "why": {"title": "更正原因", **text},
            },
        ),
    }
    props["processing_fees"] = _object(
        "信息处理费",
        "显示在“六、其他需要报告的事项”中",
        {
            key: _cell(label, f"信息处理费 {label}", "count" if key == "notices" else "money")
            for key, label in FEE_KEYS
        },
    )
    return {
        "$schema": DIALECT,
        "$id": schema_file_name(fmt.id),
        "title": f"政府信息公开工作年度报告 report.yaml（{fmt.title}）",
        "description": f"{fmt.first_year} 年度起"
        + (f"至 {fmt.last_year} 年度" if fmt.last_year else "")
        + f"的年报。数字未填时可写“{PLACEHOLDER}”，nianbao check 会报告为未填写。",
        "type": "object",
        "properties": props,
        "required": REQUIRED_REPORT_KEYS,
        "additionalProperties": False,
    }


def _table(table: Table, fmt: Format) -> Schema:
    if table.layout == "blocks":
        props: Schema = {}
        for block in table.blocks:
            for row in block.rows:
                props[row.key or ""] = _block_row(block, row, fmt, table.key)
        return _object("", "", props)
    if table.layout == "matrix":
        return _matrix(table, table.rows, table.key, fmt)
    props = {}
    for path in leaf_paths(table.columns):
        group = next(n for n in reversed(path[:-1]) if n.key)
        if group.key in props:
            continue
        gid = f"{table.key}.{group.key}"
        label = " · ".join(n.label for n in path[:-1])
        specs = [fmt.cells[f"{gid}.{leaf.key}"] for leaf in group.children]
        props[group.key or ""] = _row(label, [s.name for s in specs], table.type, len(specs))
    return _object("", "", props)


def _block_row(block: Block, row: Node, fmt: Format, table: str) -> Schema:
    rid = f"{table}.{row.key}"
    title = f"{block.caption} {row.label}"
    if block.scalar:
        spec = fmt.cells[rid]
        return _cell(title, spec.name, block.value_types[0])
    props: Schema = {}
    for col, vtype in zip(block.columns, block.value_types, strict=True):
        props[col.key or ""] = _cell(col.label, fmt.cells[f"{rid}.{col.key}"].name, vtype)
    if block.unit_field:
        props[block.unit_field] = {
            "title": "金额单位",
            "description": " 或 ".join(block.units),
            "enum": list(block.units),
        }
    return _object(title, "", props)


def _matrix(table: Table, rows: tuple[Node, ...], prefix: str, fmt: Format) -> Schema:
    props: Schema = {}
    required = []
    leaf_cols = table.leaf_columns
    for row in rows:
        rid = f"{prefix}.{row.key}"
        if not row.optional:
            required.append(row.key or "")
        if row.children:
            props[row.key or ""] = {"title": row.label, **_matrix(table, row.children, rid, fmt)}
            continue
        names = [fmt.cells[f"{rid}.{c.key}"].name for c in leaf_cols]
        shortest = len([c for c in leaf_cols if not c.optional])
        props[row.key or ""] = _row(row.label, names, table.type, shortest)
    return _object("", "", props, required)


def _row(label: str, names: list[str], vtype: str, shortest: int) -> Schema:
    """One row written as a list: each position titled with its cell's official name."""
    columns = [n.split(" / ")[-1] for n in names]
    return {
        "title": label,
        "description": "依次为：" + "、".join(columns),
        "type": "array",
        "items": [_cell(c, n, vtype) for c, n in zip(columns, names, strict=True)],
        "additionalItems": False,
        "minItems": shortest,
        "maxItems": len(names),
    }


def _cell(title: str, name: str, vtype: str) -> Schema:
    # The placeholder branch carries no title: editors show the cell's own on hover.
    return {
        "title": title,
        "description": f"{name}：{_KIND[vtype]}{_UNFILLED}",
        "anyOf": [_NUMBER[vtype], {"const": PLACEHOLDER}],
    }


def _object(
    title: str, description: str, props: Schema, required: list[str] | None = None
) -> Schema:
    out: Schema = {"type": "object"}
    if title:
        out["title"] = title
    if description:
        out["description"] = description
    out["properties"] = props
    out["required"] = list(props) if required is None else required
    out["additionalProperties"] = False
    return out


def schema_text(fmt: Format) -> str:
    """The schema as written to a file: stable key order, one trailing newline."""
    return json.dumps(report_schema(fmt), ensure_ascii=False, indent=2) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every format's schema into ``folder``, leaving existing files alone."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in all_formats().values():
        path = folder / schema_file_name(fmt.id)
        if path.exists():
            continue
        path.write_text(schema_text(fmt), "utf-8", newline="\n")
        written.append(path)
    return written
