"""The one label mapper: each number of tables 二, 三 and 四 placed by its row and column
labels, read from the format description (``generator/formats/``).

Rows are matched by the text of their labels (including group labels standing above or
beside them, wrapped lines, vertical one-character labels). Values are taken in the
column order the format gives; a row showing more or fewer numbers than the format has
columns is not guessed at. A cell that cannot be placed or read becomes the placeholder
``待填`` and a ``Flag`` naming the official cell, the text seen and where. A blank cell is
0 only where the table's own sums leave no other possibility.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from ..formats import Format, Node, Table, leaf_paths
from ..validate import total_checks
from .document import Cell, Where
from .labels import core, labels_of, parse_number, similarity, unit_of
from .rows import Row, rows_of
from .sections import Cut

PLACEHOLDER = "待填"
Value = Decimal | str  # a number, or PLACEHOLDER
_BLANK = object()  # a blank cell, until the sums settle it


@dataclass(frozen=True)
class Flag:
    """A cell the import could not fill from the file: shown in the summary and written
    as the placeholder with a comment."""

    cell: str  # the official cell name (表三 三、（三）1.属于国家秘密 / 自然人)
    why: str
    seen: str
    where: Where

    def describe(self) -> str:
        seen = f"，看到“{self.seen}”" if self.seen else ""
        return f"{self.cell}：{self.why}（{self.where.describe()}{seen}）"

    def comment(self) -> str:
        """For the placeholder's line in report.yaml: the row's place, not each column's."""
        where = replace(self.where, column=None).describe()
        seen = f"，看到“{self.seen}”" if self.seen else ""
        return f"{self.why}（{where}{seen}）"


@dataclass
class Mapped:
    cells: dict[str, Value] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)  # row id → 元/万元 (2019 采购总金额)
    settled: int = 0  # blank cells settled as 0 by the table's sums
    unplaced: list[Flag] = field(default_factory=list)  # rows no official label fits


@dataclass
class _Work:
    fmt: Format
    out: Mapped
    raw: dict[str, object] = field(default_factory=dict)  # cid → Decimal | _BLANK
    where: dict[str, tuple[Where, str]] = field(default_factory=dict)

    def put(self, cid: str, cell: Cell) -> None:
        if cid in self.raw:
            self.flag(cid, "表中出现了两次，以第一次为准", cell.text, cell.where)
            return
        self.where[cid] = (cell.where, cell.text)
        if not cell.text.strip():
            self.raw[cid] = _BLANK
            return
        number = parse_number(cell.text)
        spec = self.fmt.cells[cid]
        if number is None:
            self.flag(cid, "不是数字", cell.text, cell.where)
        elif spec.type == "count" and (number < 0 or number != number.to_integral_value()):
            self.flag(cid, "应为非负整数", cell.text, cell.where)
        elif spec.type == "money" and number < 0:
            self.flag(cid, "金额不应为负数", cell.text, cell.where)
        else:
            self.raw[cid] = number

    def flag(self, cid: str, why: str, seen: str, where: Where) -> None:
        self.raw[cid] = PLACEHOLDER
        self.out.flags.append(Flag(self.fmt.cells[cid].name, why, seen, where))


def map_tables(fmt: Format, cut: Cut) -> Mapped:
    work = _Work(fmt, Mapped())
    for section in fmt.sections:
        if section.table is None:
            continue
        table = fmt.tables[section.table]
        region = cut.sections.get(section.number)
        rows = rows_of(region.blocks) if region is not None else []
        if table.layout == "blocks":
            _blocks(work, table, rows)
        elif table.layout == "matrix":
            _matrix(work, table, rows)
        else:
            _groups(work, table, rows)
    _settle(work)
    return work.out


# ---------------------------------------------------------------------------------------
# Rows by label


@dataclass(frozen=True)
class _Target:
    row_id: str  # report.yaml path of the row (requests.results.withheld.state_secret)
    node: Node
    index: int  # order in the table


def match_row(text: str, targets: list[_Target], after: int) -> _Target | None:
    """The row a label names. The official label (or an alias) that ends the text wins,
    the longest one first (labels above and beside a row come before it); then one the
    text contains; then the most alike. Among equals, the next row in table order."""
    said = core(text)
    if not said:
        return None
    for test in (str.endswith, lambda s, w: w in s):
        found = [
            (float(len(core(lb))), t)
            for t in targets
            for lb in labels_of(t.node)
            if core(lb) and test(said, core(lb))
        ]
        if found:
            return _pick(found, after)
    scored = []
    for t in targets:
        for lb in labels_of(t.node):
            want = core(lb)
            tail = said[-len(want) :] if want else ""
            ratio = max(similarity(want, tail), similarity(want, said))
            if ratio >= 0.8:
                scored.append((ratio, t))
    return _pick(scored, after) if scored else None


def _pick(found: list[tuple[float, _Target]], after: int) -> _Target:
    best = max(score for score, _ in found)
    tied = [t for score, t in found if score == best]
    return min(tied, key=lambda t: (t.index <= after, abs(t.index - after)))


def _fit(row: Row, wanted: tuple[int, ...]) -> tuple[Cell, ...]:
    """A table row's values; in a real table a blank label cell (（六）其他处理 with an empty
    cell beside it) is not a value: leading blanks beyond the columns wanted are dropped."""
    values = row.values
    if row.grid:
        while len(values) > max(wanted) and not values[-1].text.strip():
            values = values[:-1]  # a block narrower than the table (表二 第（八）项)
        while len(values) > max(wanted) and not values[0].text.strip():
            values = values[1:]
    return values


def _all_blank(row: Row) -> bool:
    return not any(v.text.strip() for v in row.values)


def _unplaced(work: _Work, row: Row, text: str, table: Table) -> None:
    seen = " ".join([text, *(v.text for v in row.values)]).strip()
    work.out.unplaced.append(
        Flag(f"表{table.number}", "这一行的标签对不上官方格式的任何一行", seen, row.where)
    )


# ---------------------------------------------------------------------------------------
# Table 二: blocks of rows with their own columns


def _blocks(work: _Work, table: Table, rows: list[Row]) -> None:
    targets: list[_Target] = []
    blocks = {}
    for block in table.blocks:
        for node in block.rows:
            rid = f"{table.key}.{node.key}"
            targets.append(_Target(rid, node, len(targets)))
            blocks[rid] = block
    last = -1
    header = ""
    for row in rows:
        if not row.values:
            header = row.label
            continue
        target = match_row(row.label, targets, last)
        if target is None and _all_blank(row):
            header = row.label  # a caption or header row with empty cells beside it
            continue
        if target is None:
            _unplaced(work, row, row.label, table)
            continue
        last = target.index
        block = blocks[target.row_id]
        ids = (
            [target.row_id] if block.scalar else [f"{target.row_id}.{c.key}" for c in block.columns]
        )
        values = _fit(row, (len(ids),))
        if len(values) != len(ids):
            why = f"这一行应有 {len(ids)} 个数字，看到 {len(values)} 个"
            seen = " ".join(v.text for v in values)
            for cid in ids:
                work.flag(cid, why, seen, row.where)
            continue
        for cid, cell in zip(ids, values, strict=True):
            work.put(cid, cell)
        if block.unit_field:
            unit = next((u for v in values if (u := unit_of(v.text)) in block.units), None)
            unit = unit or next((u for u in block.units[::-1] if u in header), None)
            if unit is not None:
                work.out.units[target.row_id] = unit


# ---------------------------------------------------------------------------------------
# Table 三: a matrix of rows × applicant columns


def _row_targets(table: Table) -> list[_Target]:
    """Every data row, and every group whose rows are all data rows: a 2019-style single
    （六）其他处理 row in a 2021 table names the group."""
    out: list[_Target] = []

    def walk(nodes: tuple[Node, ...], prefix: str) -> None:
        for n in nodes:
            rid = f"{prefix}.{n.key}"
            if n.children:
                if all(not c.children for c in n.children):
                    out.append(_Target(rid, n, len(out)))
                walk(n.children, rid)
            else:
                out.append(_Target(rid, n, len(out)))

    walk(table.rows, table.key)
    return out


def _matrix(work: _Work, table: Table, rows: list[Row]) -> None:
    targets = _row_targets(table)
    columns = table.leaf_columns
    required = tuple(c for c in columns if not c.optional)
    pending: list[str] = []
    last = -1
    for row in rows:
        if not row.values:
            pending.append(row.label)
            continue
        text = " ".join([*pending, row.label])
        pending = []
        target = match_row(text, targets, last)
        if target is None and _all_blank(row):
            pending = [text]  # a header row with empty cells
            continue
        if target is None:
            _unplaced(work, row, text, table)
            continue
        last = target.index
        values = _fit(row, (len(columns), len(required)))
        if len(values) == len(columns):
            given = columns
        elif len(values) == len(required) and not row.grid:
            given = required  # the 总计 column left out: it is computed
        else:
            why = f"这一行应有 {len(columns)} 个数字，看到 {len(values)} 个"
            seen = " ".join(v.text for v in values)
            for leaf_id in _leaf_rows(target):
                for c in columns:
                    work.flag(f"{leaf_id}.{c.key}", why, seen, row.where)
            continue
        if target.node.children:  # （六）其他处理 as one row in a table with three
            _collapsed(work, target, given, values, row.where)
            continue
        for col, cell in zip(given, values, strict=True):
            work.put(f"{target.row_id}.{col.key}", cell)


def _leaf_rows(target: _Target) -> list[str]:
    if not target.node.children:
        return [target.row_id]
    return [f"{target.row_id}.{c.key}" for c in target.node.children]


def _collapsed(
    work: _Work, target: _Target, given: tuple[Node, ...], values: tuple[Cell, ...], where: Where
) -> None:
    """All zero: each sub-row is zero. Otherwise the split is unknown: flagged."""
    numbers = [parse_number(v.text) for v in values]
    if all(n == 0 for n in numbers):
        for leaf_id in _leaf_rows(target):
            for col, cell in zip(given, values, strict=True):
                work.put(f"{leaf_id}.{col.key}", cell)
        return
    seen = f"{target.node.label} " + " ".join(v.text for v in values)
    why = f"报告只有一行“{target.node.label}”，无法分到{len(target.node.children)}个子项"
    for leaf_id in _leaf_rows(target):
        for col in given:
            work.flag(f"{leaf_id}.{col.key}", why, seen, where)


# ---------------------------------------------------------------------------------------
# Table 四: column groups over one row of numbers


def _groups(work: _Work, table: Table, rows: list[Row]) -> None:
    ids = []
    for path in leaf_paths(table.columns):
        group = next(n for n in reversed(path[:-1]) if n.key)
        ids.append(f"{table.key}.{group.key}.{path[-1].key}")
    # header rows may end in empty cells; the numbers stand in rows holding a number
    values = [v for row in rows if not _all_blank(row) for v in row.values]
    if len(values) == len(ids):
        for cid, cell in zip(ids, values, strict=True):
            work.put(cid, cell)
        return
    where = rows[0].where if rows else Where()
    why = f"表四应有 {len(ids)} 个数字，看到 {len(values)} 个"
    for cid in ids:
        work.flag(cid, why, " ".join(v.text for v in values), where)


# ---------------------------------------------------------------------------------------
# Blank cells and cells not found


def _settle(work: _Work) -> None:
    """Blanks become 0 where a sum of the table leaves no other value; the optional totals
    may stay absent (computed); any other blank or missing cell becomes the placeholder."""
    raw = work.raw
    changed = True
    while changed:
        changed = False
        for left, right in _equations(work.fmt):
            if _settle_equation(work, left, right):
                changed = True
        for _, total, parts in total_checks(work.fmt):
            blanks = [c for c in (total, *parts) if raw.get(c) is _BLANK]
            if not blanks:
                continue
            known = [raw.get(c) for c in parts if raw.get(c) is not _BLANK]
            if not all(isinstance(v, Decimal) for v in known):
                continue
            part_sum = sum((v for v in known if isinstance(v, Decimal)), Decimal(0))
            total_value = raw.get(total)
            if total in blanks and len(blanks) == 1 and part_sum == 0:
                raw[total] = Decimal(0)
            elif total not in blanks and isinstance(total_value, Decimal):
                if part_sum != total_value:
                    continue
                for c in blanks:
                    raw[c] = Decimal(0)
            else:
                continue
            work.out.settled += len(blanks)
            changed = True
    _finish(work)


def _equations(fmt: Format) -> list[tuple[list[str], list[str]]]:
    """The format's equations within one report (V1), one per column of the table."""
    out = []
    for rule in fmt.rules:
        if rule.across_years or rule.relation != "=":
            continue
        if any(t.sign < 0 for t in (*rule.left, *rule.right)):
            continue
        table = fmt.tables[rule.left[0].path.split(".")[0]]
        for col in table.leaf_columns if table.layout == "matrix" else ():
            left = [f"{t.path}.{col.key}" for t in rule.left]
            right = [f"{t.path}.{col.key}" for t in rule.right]
            if all(c in fmt.cells for c in left + right):
                out.append((left, right))
    return out


def _settle_equation(work: _Work, left: list[str], right: list[str]) -> bool:
    """Blanks on one side of a + b = c + d whose known sums already agree are 0."""
    raw = work.raw
    sides = [[raw.get(c) for c in side] for side in (left, right)]
    if any(v is None or v == PLACEHOLDER for side in sides for v in side):
        return False
    blank_sides = [i for i, side in enumerate(sides) if any(v is _BLANK for v in side)]
    if len(blank_sides) != 1:
        return False
    sums = [sum((v for v in side if isinstance(v, Decimal)), Decimal(0)) for side in sides]
    if sums[0] != sums[1]:
        return False
    cells = (left, right)[blank_sides[0]]
    blanks = [c for c in cells if raw.get(c) is _BLANK]
    for c in blanks:
        raw[c] = Decimal(0)
    work.out.settled += len(blanks)
    return True


def _finish(work: _Work) -> None:
    raw = work.raw
    for cid, spec in work.fmt.cells.items():
        value = raw.get(cid)
        optional = spec.column[-1].optional or (bool(spec.row) and spec.row[-1].optional)
        if isinstance(value, Decimal):
            work.out.cells[cid] = value
        elif value is _BLANK:
            if optional and spec.column[-1].optional:
                continue  # a blank 总计 column: left out of the row, computed
            where, seen = work.where[cid]
            work.flag(cid, "空白，表内合计无法确定它是 0", seen, where)
            work.out.cells[cid] = PLACEHOLDER
        elif value == PLACEHOLDER:
            work.out.cells[cid] = PLACEHOLDER
        elif not optional:
            work.out.flags.append(Flag(spec.name, "文件中没有找到这一格", "", Where()))
            work.out.cells[cid] = PLACEHOLDER
