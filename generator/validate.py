"""Stage 2, validate: the rules of the national formats, inside a report and across years.

Every rule comes from the format description: totals (V2–V4) from the ``total`` marks on
rows and columns, equations (V1, V8, V9, X1–X3) from its ``rules``. Nothing here names a
table row; the one exception is the publication deadline, which is law, not format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from functools import cache

from .formats import Format, Node, Rule, Table, Term, leaf_paths
from .model import DEADLINES, Agency, Loc, Report, Value
from .problems import Problem
from .reportshape import getter
from .review import review_report


def validate_agency(agency: Agency) -> list[Problem]:
    """Every rule for one agency's reports: no rule reads across agencies."""
    problems: list[Problem] = []
    for year in sorted(agency.reports):
        report = agency.reports[year]
        problems.extend(check_report(report))
        previous = agency.reports.get(year - 1)
        if previous is not None:
            problems.extend(check_across_years(report, previous))
        problems.extend(check_deadline(report, agency.kind))
        problems.extend(review_report(report, previous))
    return problems


def check_report(report: Report) -> list[Problem]:
    problems = list(_check_totals(report))
    for rule in report.format.rules:
        if not rule.across_years:
            problems.extend(_check_equation(rule, report, None))
    return problems


def check_across_years(report: Report, previous: Report) -> list[Problem]:
    problems: list[Problem] = []
    for rule in report.format.rules:
        if not rule.across_years:
            continue
        if rule.previous_formats and previous.format.id not in rule.previous_formats:
            continue
        if rule.unless and getattr(report, rule.unless, None):
            continue
        problems.extend(_check_equation(rule, report, previous))
    problems.extend(check_copied(report, previous))
    return problems


def check_copied(report: Report, previous: Report) -> list[Problem]:
    """X4: every figure the same as last year's (and not all zero) usually means last
    year's report was copied with only the year changed; evaluators find this every year."""
    if report.format is not previous.format:
        return []
    given = report.format.cells
    if any(report.cells.get(c) != previous.cells.get(c) for c in given):
        return []
    if not any(report.cells.get(c) for c in given):
        return []  # an agency that received nothing two years running
    msg = (
        f"表二、表三、表四的全部数字与 {previous.year} 年度完全相同；请确认不是照抄了上一年度的报告"
    )
    return [_problem(report, "", report.anchor, "warning", msg, "X4")]


def check_deadline(report: Report, kind: str) -> list[Problem]:
    if report.published is None or kind not in DEADLINES:
        return []
    month, day, who = DEADLINES[kind]
    deadline = dt.date(report.year + 1, month, day)
    if report.published <= deadline:
        return []
    msg = (
        f"发布日期 {report.published.isoformat()} 晚于《条例》第四十九条规定的期限"
        f"（{who}：{deadline.isoformat()}）"
    )
    return [_problem(report, "published", report.loc("published"), "warning", msg, "D1")]


# ---------------------------------------------------------------------------------------
# Totals: a leaf marked ``total`` equals the sum of its siblings' leaves


@cache
def total_checks(fmt: Format) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(rule id, total cell, part cells) for every total cell of the format."""
    out: list[tuple[str, str, tuple[str, ...]]] = []
    for table in fmt.tables.values():
        out.extend(_table_totals(table))
    return tuple(out)


@cache
def _part_getters(fmt: Format) -> tuple[Callable[[Mapping[str, Value]], tuple[Value, ...]], ...]:
    """Each total check's parts, read by one getter (reportshape.getter)."""
    return tuple(getter(parts) for _, _, parts in total_checks(fmt))


def _table_totals(table: Table) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    if table.layout == "blocks":
        return
    rows = [".".join(n.key or "" for n in p) for p in leaf_paths(table.rows)] or [""]
    row_id = {r: f"{table.key}.{r}" if r else table.key for r in rows}
    for parent, total, parts in _sum_groups(table.columns):
        for r in rows:
            base = row_id[r]
            if not r:  # table 四: the keyed column group is the row of report.yaml
                base = f"{table.key}.{parent.key}"
            yield (
                total.total or "",
                f"{base}.{total.key}",
                tuple(f"{base}.{p.key}" for p in parts),
            )
    cols = table.leaf_columns
    for parent_path, total, part_rows in _row_sum_groups(table.rows, table.key):
        for c in cols:
            yield (
                total.total or "",
                f"{parent_path}.{total.key}.{c.key}",
                tuple(f"{p}.{c.key}" for p in part_rows),
            )


def _sum_groups(nodes: tuple[Node, ...]) -> Iterator[tuple[Node, Node, tuple[Node, ...]]]:
    """(parent, total leaf, part leaves) for each node group holding a total leaf."""
    for n in nodes:
        if not n.children:
            continue
        for child in n.children:
            if child.total and not child.children:
                parts = tuple(leaf for sib in n.children if sib is not child for leaf in sib.leaves)
                yield n, child, parts
        yield from _sum_groups(n.children)


def _row_sum_groups(rows: tuple[Node, ...], prefix: str) -> Iterator[tuple[str, Node, list[str]]]:
    for n in rows:
        if not n.children:
            continue
        rid = f"{prefix}.{n.key}"
        for child in n.children:
            if child.total and not child.children:
                parts = [
                    f"{rid}." + ".".join(x.key or "" for x in p)
                    for sib in n.children
                    if sib is not child
                    for p in leaf_paths((sib,))
                ]
                yield rid, child, parts
        yield from _row_sum_groups(n.children, rid)


def _check_totals(report: Report) -> Iterator[Problem]:
    fmt, cells = report.format, report.cells
    for (rule, total_id, part_ids), parts in zip(
        total_checks(fmt), _part_getters(fmt), strict=True
    ):
        try:
            values = parts(cells)
        except KeyError:
            continue  # a part is unreadable; that problem is already reported
        if None in values:
            continue
        expected = sum(values, 0)
        if cells.get(total_id) == expected:
            continue
        # asked only of a total that does not add up: a report's positions are worked out
        # when first asked (Report.positions), and a clean build never needs them
        if total_id not in report.positions():  # computed, not given: nothing to check
            continue
        found = cells[total_id]
        loc = report.loc(total_id)
        spec = fmt.cells[total_id]
        if len(part_ids) <= 6:
            sums = " + ".join(
                f"{fmt.cells[p].column[-1].label if spec.row == fmt.cells[p].row else _row_name(fmt, p)} {v}"
                for p, v in zip(part_ids, values, strict=True)
            )
        else:
            first, last = _row_name(fmt, part_ids[0]), _row_name(fmt, part_ids[-1])
            sums = f"{first}至{last}共 {len(part_ids)} 项之和"
        msg = f"{spec.name} 应为 {expected}（{sums}），实为 {found}"
        yield _problem(report, total_id, loc, "error", msg, rule)


def _row_name(fmt: Format, cell_id: str) -> str:
    spec = fmt.cells[cell_id]
    return spec.row_name or spec.column[-1].label


# ---------------------------------------------------------------------------------------
# Equations: left (= | <=) right, cell by cell


def _check_equation(rule: Rule, report: Report, previous: Report | None) -> Iterator[Problem]:
    fmt = report.format
    plan = _equation_plan(rule, fmt, previous.format if previous is not None else None)
    cells = report.cells
    before = previous.cells if previous is not None else cells
    for i, (left_terms, right_terms) in enumerate(plan):
        lsum = _plan_sum(left_terms, cells, before)
        rsum = _plan_sum(right_terms, cells, before)
        if lsum is None or rsum is None:
            continue
        ok = lsum == rsum if rule.relation == "=" else lsum <= rsum
        if ok:
            continue
        # the terms named, only for the message: nearly every check passes
        left = _side(rule.left, report, previous, i)
        right = _side(rule.right, report, previous, i)
        assert left is not None and right is not None
        first_cell = _expand(fmt, rule.left[0].path)[i]
        spec = fmt.cells[first_cell]
        vector = len(_expand(fmt, rule.left[0].path)) > 1
        where = (
            f"表{fmt.tables[spec.table].number}“{spec.column[-1].label}”列"
            if vector
            else spec.name.split(" / ")[0]
        )
        relation = "应等于" if rule.relation == "=" else "不应大于"
        msg = f"{where}：{_describe(left, lsum)}，{relation}{_describe(right, rsum)}（{rule.what}）"
        loc = _locate(rule, report, i)
        yield _problem(report, first_cell, loc, rule.severity, msg, rule.id)


# For each position of a rule, each side's terms as (cell id, sign, of the previous year)
PlannedSide = tuple[tuple[str, int, bool], ...]
_EQUATION_PLANS: dict[tuple[int, int, int], tuple[tuple[PlannedSide, PlannedSide], ...]] = {}


def _equation_plan(
    rule: Rule, fmt: Format, previous: Format | None
) -> tuple[tuple[PlannedSide, PlannedSide], ...]:
    """The cells each position of ``rule`` sums, as the rule reads them: worked out once per
    rule and formats, not per report (rules and formats live as long as the process)."""
    key = (id(rule), id(fmt), id(previous))
    plan = _EQUATION_PLANS.get(key)
    if plan is None:
        width = {len(_expand(fmt, t.path)) for t in (*rule.left, *rule.right)}
        if len(width) != 1:
            raise ValueError(f"rule {rule.id} mixes cells and rows")

        def side(terms: tuple[Term, ...], i: int) -> PlannedSide:
            return tuple(
                (
                    _expand(previous if t.previous and previous else fmt, t.path)[i],
                    t.sign,
                    t.previous,
                )
                for t in terms
            )

        plan = tuple((side(rule.left, i), side(rule.right, i)) for i in range(width.pop()))
        _EQUATION_PLANS[key] = plan
    return plan


def _plan_sum(
    terms: PlannedSide, cells: dict[str, Value], before: dict[str, Value]
) -> Value | None:
    """A planned side's sum (each term's value times its sign, in order); None if a value
    is missing."""
    total: Value = 0
    for cid, sign, previous in terms:
        value = (before if previous else cells).get(cid)
        if value is None:
            return None
        total += value * sign
    return total


def _side(
    terms: tuple[Term, ...], report: Report, previous: Report | None, i: int
) -> list[tuple[str, Value]] | None:
    out = []
    for t in terms:
        source = previous if t.previous else report
        assert source is not None
        cid = _expand(source.format, t.path)[i]
        value = source.cells.get(cid)
        if value is None:
            return None
        vector = len(_expand(source.format, t.path)) > 1
        label = _term_label(source, cid, t, vector)
        out.append((label, value * t.sign))
    return out


def _term_label(source: Report, cid: str, term: Term, vector: bool) -> str:
    spec = source.format.cells[cid]
    name = _row_name(source.format, cid) if vector else spec.column[-1].label
    prefix = f"{source.year}年“" if term.previous else ""
    suffix = "”" if term.previous else ""
    return f"{'−' if term.sign < 0 else ''}{prefix}{name}{suffix}"


def _describe(side: list[tuple[str, Value]], total: Value) -> str:
    if len(side) == 1:
        return f"{side[0][0]} {side[0][1]}"
    parts = " + ".join(_term(label, v) for label, v in side).replace("+ −", "− ")
    return f"{parts} = {total}"


def _term(label: str, signed: Value) -> str:
    """A term as the report writes it: a subtracted term shows its own value, and a negative
    value (2019 本年增/减) keeps its sign, in brackets, instead of silently losing it."""
    value = -signed if label.startswith("−") else signed
    return f"{label} {value}" if value >= 0 else f"{label}（{value}）"


def _locate(rule: Rule, report: Report, i: int) -> Loc | None:
    """The first cell of this report that the rule reads and that report.yaml spells out;
    failing that (a 总计 column left out and computed), the first number of its first row."""
    terms = [t for t in (*rule.left, *rule.right) if not t.previous]
    for t in terms:
        loc = report.loc(_expand(report.format, t.path)[i])
        if loc is not None:
            return loc
    for t in terms:
        for cell in _expand(report.format, t.path):
            loc = report.loc(cell)
            if loc is not None:
                return loc
    return report.anchor


@cache
def _expand(fmt: Format, path: str) -> tuple[str, ...]:
    """A rule term as cell ids: itself, or a matrix row as one cell per column."""
    if path in fmt.cells:
        return (path,)
    table = fmt.tables[path.split(".")[0]]
    return tuple(f"{path}.{c.key}" for c in table.leaf_columns)


def _problem(
    report: Report, key: str, loc: Loc | None, severity: str, message: str, rule: str
) -> Problem:
    loc = loc or report.anchor or Loc(report.path, 1, 1)
    return Problem(loc.path, loc.line, loc.column, severity, message, rule, key)  # type: ignore[arg-type]
