"""report.yaml read against its national format: the three tables (block, matrix and
grouped layouts), processing fees and revisions; the totals a report may leave out are
filled in as reportshape says (as the fast reader, reportfast, fills them).

``load`` opens the file and its narratives; this module turns the parsed YAML into a
``Report`` and collects every structural problem on the way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from .formats import Format, Table, all_formats, format_for_year
from .formats import Node as FormatNode
from .model import Loc, ProcessingFees, Report, Revision, Value
from .placeholders import placeholder_problems
from .problems import Problem
from .reportshape import (
    REPORT_KEYS,
    REQUIRED_REPORT_KEYS,
    REVISION_KEYS,
    add_totals,
    keyed_groups,
)
from .yamlsource import PLACEHOLDER, Reader, position, quoted

if TYPE_CHECKING:  # nodes exist only where a Reader has loaded the YAML library (yamlsource)
    from yaml.nodes import Node, ScalarNode

Entries = Mapping[str, "tuple[ScalarNode, Node]"]  # a mapping's entries, as Reader gives them


def read_report(r: Reader, root: Node, folder_year: str, agency: str) -> Report | None:
    top = r.mapping(root, "report.yaml ", REPORT_KEYS, REQUIRED_REPORT_KEYS)
    if top is None:
        return None
    year = r.year(top["year"][1], "年度 year ", "year") if "year" in top else None
    if year is not None and str(year) != folder_year:
        msg = f"year 为 {year}，与所在文件夹 {folder_year}/ 不一致"
        r.error(top["year"][1], msg, key="year")
        # Read on as the folder's year: the report is filed (and compared) under it, and a
        # year left unchanged in a copied folder must not stand in for last year's report.
        year = None
    if year is None:
        if not folder_year.isdigit():
            return None
        year = int(folder_year)
    this_year = dt.date.today().year
    if year > this_year:  # 3021 for 2021: a report is written after its year
        where = top["year"][1] if "year" in top else root
        r.error(where, f"年度 year 为 {year}，晚于今年（{this_year} 年）；请检查年份", key="year")
        return None
    expected = format_for_year(year)
    if expected is None:
        r.error(
            top["year"][1] if "year" in top else root,
            f"不支持 {year} 年度的年报：只支持 2019 年及以后的两种国家格式",
            key="year",
        )
        return None
    declared: Format | None = None
    if "format" in top:
        fnode = top["format"][1]
        name = r.text(fnode, "格式 format ", "format")
        formats = all_formats()
        style = getattr(fnode, "style", "")
        if name is not None and name in formats and style in ('"', "'"):
            # as strict as year: a quoted year is refused, so is a quoted format
            msg = f"格式 format 不能加引号：请把 {style}{name}{style} 改为 {name}"
            r.error(fnode, msg, key="format")
            name = None
        if name is not None and name not in formats:
            r.error(
                fnode, f"格式 format 应为 {' 或 '.join(formats)}，实为{quoted(name)}", key="format"
            )
        elif name is not None:
            declared = formats[name]
            if declared is not expected:
                msg = f"{year} 年度的年报应使用{expected.title}，但 format 写的是 {name}（{declared.title}）"
                r.error(fnode, msg, "V7", "format")
    fmt, tables, table_problems = _read_tables(r.path, top, declared or expected)
    if fmt is not (declared or expected) and fmt is not expected:
        # The wrong format is a common mistake: say so once (V7) instead of listing every
        # key the expected format does not know.
        line, col = position(top["active"][0] if "active" in top else root)
        r.problems.append(
            Problem(r.path, line, col, "error", _v7_message(year, expected, fmt), "V7")
        )
    r.problems.extend(table_problems)
    cells, locs, units = tables
    add_totals(fmt, cells)
    report = Report(
        agency=agency,
        year=year,
        format=fmt,
        path=r.path,
        cells=cells,
        locs=locs,
        units=units,
        anchor=Loc(r.path, *position(root)),
    )
    if "published" in top:
        node = top["published"][1]
        report.published = r.date(node, "发布日期 published ", "published")
        if report.published is not None and report.published.year <= year:
            msg = (
                f"发布日期 published 为 {report.published.isoformat()}，早于 {year} 年度结束；"
                f"年度报告在次年发布（如 {year + 1}-01-20），请检查日期或年度"
            )
            r.error(node, msg, key="published")
            report.published = None
        if report.published is not None:  # where the deadline warning (D1) points
            locs["published"] = position(node)
    if "carry_over_note" in top:
        report.carry_over_note = r.text(
            top["carry_over_note"][1], "结转说明 carry_over_note ", "carry_over_note"
        )
    if "processing_fees" in top:
        report.processing_fees = _read_fees(r, top["processing_fees"][1])
    r.problems.extend(placeholder_problems(r.path, r.placeholders, {}))
    if "revisions" in top:
        report.revisions = _read_revisions(r, top["revisions"][1])
    return report


def _read_revisions(r: Reader, node: Node) -> tuple[Revision, ...]:
    """更正说明: a list of {date, what, why}, each part required."""
    from yaml.nodes import SequenceNode  # loaded by the Reader already (yamlsource)

    what = "更正说明 revisions "
    if not isinstance(node, SequenceNode):
        r.error(
            node,
            f"{what}应为列表，每项写 date（日期）、what（更正了什么）、why（原因）",
            key="revisions",
        )
        return ()
    out = []
    for item in node.value:
        m = r.mapping(item, what, REVISION_KEYS, REVISION_KEYS, key="revisions")
        if m is None or len(m) < len(REVISION_KEYS):
            continue
        date = r.date(m["date"][1], what + "日期 date ", "revisions.date")
        change = r.text(m["what"][1], what + "更正内容 what ", "revisions.what")
        reason = r.text(m["why"][1], what + "更正原因 why ", "revisions.why")
        if date is not None and change is not None and reason is not None:
            out.append(Revision(date, change, reason))
    return tuple(out)


def _v7_message(year: int, expected: Format, found: Format) -> str:
    return f"{year} 年度的年报应使用{expected.title}，但数据是按{found.title}填写的"


def _read_tables(shown: str, top: Entries, first: Format) -> tuple[Format, Tables, list[Problem]]:
    """Read the tables as ``first``; if that finds problems, as whichever format fits best."""
    tables, problems = _read_tables_as(shown, top, first)
    best = (first, tables, problems)
    if problems:
        for other in all_formats().values():
            if other is not first:
                tables, problems = _read_tables_as(shown, top, other)
                if _misfit(problems) < _misfit(best[2]):
                    best = (other, tables, problems)
    return best


def _misfit(problems: list[Problem]) -> int:
    """How badly the keys fit a format: values that are not numbers (V5) or not filled in
    yet (P1, the 待填 an import leaves) say nothing about which format the file is in."""
    return sum(1 for p in problems if p.rule not in ("V5", "P1"))


Tables = tuple[dict[str, Value], dict[str, tuple[int, int]], dict[str, str]]


def _read_tables_as(shown: str, top: Entries, fmt: Format) -> tuple[Tables, list[Problem]]:
    """Read the three tables against one format, into a fresh reader (so tries can compare)."""
    r = Reader(shown)
    out: Tables = ({}, {}, {})
    for key, table in fmt.tables.items():
        if key in top:
            _read_table(r, top[key][1], table, fmt, out)
    titles = {key: f"表{table.number}" for key, table in fmt.tables.items()}
    return out, r.problems + placeholder_problems(shown, r.placeholders, titles)


def _read_table(r: Reader, node: Node, table: Table, fmt: Format, out: Tables) -> None:
    cells, locs, units = out
    what = f"表{table.number} {table.key} "

    def put(cid: str, value_node: Node, vtype: str) -> None:
        value = r.number(value_node, lambda: fmt.cells[cid].name + " ", vtype, cid)
        if value is not None:
            cells[cid] = value
            mark = value_node.start_mark
            locs[cid] = (mark.line + 1, mark.column + 1)

    if table.layout == "blocks":
        rows = {row.key or "": (b, row) for b in table.blocks for row in b.rows}
        m = r.mapping(node, what, list(rows), list(rows), key=table.key)
        for row_key, (_, row_node) in (m or {}).items():
            block, row = rows[row_key]
            rid = f"{table.key}.{row_key}"
            if block.scalar:
                put(rid, row_node, block.value_types[0])
                continue
            col_keys = [c.key or "" for c in block.columns]
            extra = [block.unit_field] if block.unit_field else []
            rm = r.mapping(
                row_node,
                f"表{table.number} {block.caption} {row.label} ",
                col_keys + extra,
                col_keys + extra,
                key=rid,
            )
            for ck, vtype in zip(col_keys, block.value_types, strict=True):
                if rm and ck in rm:
                    put(f"{rid}.{ck}", rm[ck][1], vtype)
            if rm and block.unit_field and block.unit_field in rm:
                unit_node = rm[block.unit_field][1]
                unit = r.text(unit_node, f"{row.label}的金额单位 ", rid)
                if unit == PLACEHOLDER:  # not chosen yet: 未填写 (P1) like the cells
                    what = f"表{table.number} {block.caption} {row.label} / 金额单位 "
                    r.placeholders.append((f"{rid}.{block.unit_field}", *position(unit_node), what))
                elif unit is not None and unit not in block.units:
                    units_text = " 或 ".join(block.units)
                    r.error(
                        rm[block.unit_field][1],
                        f"{row.label}的金额单位应为 {units_text}，实为{quoted(unit)}",
                        key=rid,
                    )
                elif unit is not None:
                    units[f"{rid}.{block.unit_column}"] = unit
    elif table.layout == "matrix":
        leaf_cols = table.leaf_columns
        _read_matrix_rows(r, node, table, table.rows, table.key, leaf_cols, put, out)
    else:
        groups = [(g, g.leaves) for g in keyed_groups(table.columns)]
        m = r.mapping(
            node,
            what,
            [g.key or "" for g, _ in groups],
            [g.key or "" for g, _ in groups],
            key=table.key,
        )
        for group, leaves in groups:
            if m is None or group.key not in m:
                continue
            gid = f"{table.key}.{group.key}"
            name = fmt.cells[f"{gid}.{leaves[0].key}"].name.split(" / ")[0]
            items = r.sequence(m[group.key or ""][1], name + " ", (len(leaves),), gid)
            for leaf, item in zip(leaves, items or (), strict=False):
                put(f"{gid}.{leaf.key}", item, table.type)


Put = Callable[[str, "Node", str], None]  # (cell id, value node, value type)


def _read_matrix_rows(
    r: Reader,
    node: Node,
    table: Table,
    rows: tuple[FormatNode, ...],
    prefix: str,
    leaf_cols: tuple[FormatNode, ...],
    put: Put,
    out: Tables,
    title: str = "",
    above: str = "",
) -> None:
    """``title`` names this level (a group row's official label); ``above`` holds the
    enumerators of the groups above (三、（三）), so 1.属于国家秘密 is named in full."""
    allowed = [row.key or "" for row in rows]
    required = [row.key or "" for row in rows if not row.optional]
    m = r.mapping(node, f"表{table.number} {title or prefix} ", allowed, required, key=prefix)
    if m is None:
        return
    for row in rows:
        if row.key not in m:
            continue
        rid = f"{prefix}.{row.key}"
        value_node = m[row.key][1]
        if row.children:
            title = above + row.label
            _read_matrix_rows(
                r,
                value_node,
                table,
                row.children,
                rid,
                leaf_cols,
                put,
                out,
                title,
                above + row.short,
            )
            continue
        lengths = tuple(sorted({len(leaf_cols), len([c for c in leaf_cols if not c.optional])}))
        name = f"表{table.number} {above}{row.label} "
        items = r.sequence(value_node, name, lengths, rid)
        if items is None:
            continue
        given = (
            leaf_cols
            if len(items) == len(leaf_cols)
            else tuple(c for c in leaf_cols if not c.optional)
        )
        counts = r.counts(items) if table.type == "count" else None
        if counts is None:  # something to report: cell by cell, with the cells' names
            for col, item in zip(given, items, strict=True):
                put(f"{rid}.{col.key}", item, table.type)
            continue
        cells, locs, _ = out
        for col, item, value in zip(given, items, counts, strict=True):
            cid = f"{rid}.{col.key}"
            cells[cid] = value
            mark = item.start_mark
            locs[cid] = (mark.line + 1, mark.column + 1)


def _read_fees(r: Reader, node: Node) -> ProcessingFees | None:
    keys = ["notices", "noticed_amount", "collected"]
    m = r.mapping(node, "信息处理费 processing_fees ", keys, keys, key="processing_fees")
    if m is None or len(m) < 3:
        return None
    what = "信息处理费 "  # named like the table cells: where the value belongs, then what it is
    notices = r.number(
        m["notices"][1], what + "发出收费通知的件数 ", "count", "processing_fees.notices"
    )
    noticed = r.number(
        m["noticed_amount"][1], what + "收费通知总金额 ", "money", "processing_fees.noticed_amount"
    )
    collected = r.number(
        m["collected"][1], what + "实际收取总金额 ", "money", "processing_fees.collected"
    )
    if notices is None or noticed is None or collected is None:
        return None
    return ProcessingFees(int(notices), Decimal(noticed), Decimal(collected))
