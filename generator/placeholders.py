"""Rule P1, 未填写: cells still holding the placeholder `待填`.

`nianbao new` writes the placeholder in every cell to be filled and `nianbao import` in
every cell it could not read, so a forgotten cell fails `check` instead of passing as 0.
A fresh scaffold has some 200 of them: the problems are grouped, one line per table with
the count and the first place, rather than one line per cell.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .problems import Problem
from .yamlsource import PLACEHOLDER

Placeholder = tuple[str, int, int, str | Callable[[], str]]  # (cell id, line, column, name)


def placeholder_problems(
    path: str, placeholders: list[Placeholder], titles: Mapping[str, str]
) -> list[Problem]:
    """One P1 error per table (the first part of the cell id), at its first placeholder.

    ``titles`` names each table (active → 表二); a table not named there is named by the
    first cell's own name.
    """
    groups: dict[str, list[Placeholder]] = {}
    for item in sorted(placeholders, key=lambda p: (p[1], p[2])):
        groups.setdefault(item[0].split(".")[0], []).append(item)
    problems = []
    for table, items in groups.items():
        _, line, col, what = items[0]
        first = (what if isinstance(what, str) else what()).strip()
        title = titles.get(table) or first.split(" ")[0]
        first = first.removeprefix(title + " ")
        where = "：" if len(items) == 1 else "，第一处是 "
        msg = (
            f"{title}有 {len(items)} 处未填写（仍为“{PLACEHOLDER}”）{where}{first}；"
            "请填写实际数字，没有的填 0"
        )
        problems.append(Problem(path, line, col, "error", msg, "P1", items[0][0]))
    return problems
