"""What a report.yaml holds, as both of its readers read it (reportread, the full way with
every problem; reportfast, its usual shape straight from the lines): its keys, the lists
of a table grouped by columns, and the totals a report may leave out, filled in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from operator import itemgetter

from .formats import Format, leaf_paths
from .formats import Node as FormatNode
from .model import Value

REPORT_KEYS = [
    "year",
    "format",
    "published",
    "carry_over_note",
    "active",
    "requests",
    "appeals",
    "processing_fees",
    "revisions",
]
REVISION_KEYS = ["date", "what", "why"]
REQUIRED_REPORT_KEYS = ["year", "active", "requests", "appeals"]


def keyed_groups(columns: tuple[FormatNode, ...]) -> list[FormatNode]:
    """The innermost keyed column group above each leaf: each is one list in report.yaml
    (table 四: review, litigation_direct, litigation_after_review)."""
    out: list[FormatNode] = []
    for path in leaf_paths(columns):
        group = next((n for n in reversed(path[:-1]) if n.key), None)
        if group is not None and group not in out:
            out.append(group)
    return out


def add_totals(fmt: Format, cells: dict[str, Value]) -> None:
    """Fill in what report.yaml may leave out and what comparisons need.

    Optional totals (the 总计 column, the （七）总计 row) are computed when absent, and
    every group row (（三）不予公开 …) gets a subtotal, which the format does not print.
    A sum with a part missing (unreadable, already reported) is left out.
    """
    for target, parts, only_if_absent in _total_getters(fmt):
        if only_if_absent and target in cells:
            continue
        try:
            cells[target] = sum(parts(cells), 0)
        except KeyError:
            continue


def getter(keys: tuple[str, ...]) -> Callable[[Mapping[str, Value]], tuple[Value, ...]]:
    """What reads ``keys`` of a mapping, in one call (KeyError if one is absent): a tuple
    always, whatever the number of keys."""
    if len(keys) > 1:
        return itemgetter(*keys)
    if keys:
        key = keys[0]
        return lambda m: (m[key],)
    return lambda m: ()


@cache
def _total_getters(
    fmt: Format,
) -> tuple[tuple[str, Callable[[Mapping[str, Value]], tuple[Value, ...]], bool], ...]:
    """_total_plan, each sum's parts read by one getter (not a Python step per part)."""
    return tuple((target, getter(parts), absent) for target, parts, absent in _total_plan(fmt))


@cache
def _total_plan(fmt: Format) -> tuple[tuple[str, tuple[str, ...], bool], ...]:
    """(cell, the cells it sums, computed only when not given), in an order that computes
    every part before its sum: row totals first, then group subtotals."""
    plan: list[tuple[str, tuple[str, ...], bool]] = []
    for table in fmt.tables.values():
        if table.layout != "matrix":
            continue
        cols = table.leaf_columns
        parts = [c for c in cols if not c.total]
        for path in leaf_paths(table.rows):
            rid = f"{table.key}." + ".".join(n.key or "" for n in path)
            for tc in cols:
                if tc.total:
                    plan.append((f"{rid}.{tc.key}", tuple(f"{rid}.{c.key}" for c in parts), True))
        _plan_subtotals(table.rows, table.key, cols, plan)
    return tuple(plan)


def _plan_subtotals(
    rows: tuple[FormatNode, ...],
    prefix: str,
    cols: tuple[FormatNode, ...],
    plan: list[tuple[str, tuple[str, ...], bool]],
) -> None:
    for row in rows:
        if not row.children:
            continue
        rid = f"{prefix}.{row.key}"
        _plan_subtotals(row.children, rid, cols, plan)
        members = [
            f"{rid}." + ".".join(n.key or "" for n in p)
            for p in leaf_paths(row.children)
            if not p[-1].total
        ]
        for c in cols:
            parts = tuple(f"{m}.{c.key}" for m in members)
            plan.append((f"{rid}.{c.key}", parts, False))
            for n in row.children:
                if n.total and not n.children:  # （七）总计 when left out
                    plan.append((f"{rid}.{n.key}.{c.key}", parts, True))
