"""Blank cells: 0 where the table's own sums leave no other value, else the placeholder.

A blank among the parts of a total that the known parts already reach is 0 (counts are
never negative); so is a blank total whose parts are all 0, and a blank on one side of
the format's equation (V1) whose sides already agree. A blank optional total (总计) is
left out, to be computed. Everything else blank, and every cell not found, becomes the
placeholder and a flag.
"""

from __future__ import annotations

from decimal import Decimal

from ..formats import Format
from ..validate import total_checks
from .cells import BLANK, PLACEHOLDER, Flag, Work
from .document import Where

# ---------------------------------------------------------------------------------------
# Blank cells and cells not found


def settle(work: Work) -> None:
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
            blanks = [c for c in (total, *parts) if raw.get(c) is BLANK]
            if not blanks:
                continue
            known = [raw.get(c) for c in parts if raw.get(c) is not BLANK]
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


def _settle_equation(work: Work, left: list[str], right: list[str]) -> bool:
    """Blanks on one side of a + b = c + d whose known sums already agree are 0."""
    raw = work.raw
    sides = [[raw.get(c) for c in side] for side in (left, right)]
    if any(v is None or v == PLACEHOLDER for side in sides for v in side):
        return False
    blank_sides = [i for i, side in enumerate(sides) if any(v is BLANK for v in side)]
    if len(blank_sides) != 1:
        return False
    sums = [sum((v for v in side if isinstance(v, Decimal)), Decimal(0)) for side in sides]
    if sums[0] != sums[1]:
        return False
    cells = (left, right)[blank_sides[0]]
    blanks = [c for c in cells if raw.get(c) is BLANK]
    for c in blanks:
        raw[c] = Decimal(0)
    work.out.settled += len(blanks)
    return True


def _finish(work: Work) -> None:
    raw = work.raw
    for cid, spec in work.fmt.cells.items():
        value = raw.get(cid)
        optional = spec.column[-1].optional or (bool(spec.row) and spec.row[-1].optional)
        if isinstance(value, Decimal):
            work.out.cells[cid] = value
        elif value is BLANK:
            if optional and spec.column[-1].optional:
                continue  # a blank 总计 column: left out of the row, computed
            where, seen = work.where[cid]
            work.flag(cid, "空白，表内合计无法确定它是 0", seen, where)
            work.out.cells[cid] = PLACEHOLDER
        elif value == PLACEHOLDER:
            work.out.cells[cid] = PLACEHOLDER
        elif not optional:
            work.out.flags.append(Flag(spec.name, "文件中没有找到这一格", "", Where(), cid))
            work.out.cells[cid] = PLACEHOLDER
