"""The national report formats, described as data.

Each ``f*.yaml`` beside this file describes one format: its sections, the tables with their
rows, columns and official labels, the rules the numbers obey and the key figures used for
comparisons. This module turns a description into typed, immutable objects; every stage of
the pipeline reads those and nothing else, so a new format is a new file, not new code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from .descriptions import format_ids as format_ids  # the command line reads it here
from .descriptions import read_descriptions

ValueType = Literal["count", "signed", "money"]


# The enumerator that opens an official row label: 三、 （三） 1.
_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)")


@dataclass(frozen=True)
class Node:
    """A row or a column header of a table: a leaf carries data, a group carries children."""

    key: str | None
    label: str
    children: tuple[Node, ...] = ()
    total: str | None = None  # rule id when this leaf is the sum of its siblings
    optional: bool = False  # a total that may be left out (then computed)
    aliases: tuple[str, ...] = ()  # variants published reports print (read by importers)

    @property
    def leaves(self) -> tuple[Node, ...]:
        if not self.children:
            return (self,)
        return tuple(leaf for child in self.children for leaf in child.leaves)

    @property
    def depth(self) -> int:
        return 1 + max((c.depth for c in self.children), default=0)

    @property
    def short(self) -> str:
        """The enumerator alone (三、), used when the label is an ancestor in a cell name."""
        m = _ENUMERATOR.match(self.label)
        return m.group(0) if m else self.label


@dataclass(frozen=True)
class Block:
    """One block of table 二: a caption row, its column headings and its rows."""

    caption: str
    columns: tuple[Node, ...]
    rows: tuple[Node, ...]
    scalar: bool  # one value per row, written as a bare number in report.yaml
    value_types: tuple[ValueType, ...]
    unit_field: str | None = None  # report.yaml key holding the unit of a money column
    units: tuple[str, ...] = ()
    unit_column: str | None = None


@dataclass(frozen=True)
class CellSpec:
    """One input cell of a format: where it sits and what it is called officially."""

    id: str
    table: str
    row: tuple[Node, ...]  # the row and its ancestors, outermost first
    column: tuple[Node, ...]  # the column and the heads above it that tell it apart
    type: ValueType
    caption: str = ""  # block caption (table 二)

    @property
    def row_name(self) -> str:
        """The row as the official name writes it: 三、（三）1.属于国家秘密 ("" in table 四)."""
        if not self.row:
            return ""
        return "".join(n.short for n in self.row[:-1]) + self.row[-1].label

    @property
    def name(self) -> str:
        """The official name: 表三 三、（三）1.属于国家秘密 / 总计."""
        row = self.row_name
        col = " · ".join(n.label for n in self.column)
        table = _TABLE_NAMES[self.table]
        if self.caption:
            return f"{table} {self.caption} {row} / {col}"
        if not row:  # table 四: the column's groups name it
            groups = " · ".join(n.label for n in self.column[:-1])
            return f"{table} {groups} / {self.column[-1].label}"
        return f"{table} {row} / {col}"


_TABLE_NAMES = {"active": "表二", "requests": "表三", "appeals": "表四"}


@dataclass(frozen=True)
class Table:
    key: str
    number: str
    layout: Literal["blocks", "matrix", "groups"]
    corner: str = ""
    width: int = 0
    blocks: tuple[Block, ...] = ()
    columns: tuple[Node, ...] = ()
    rows: tuple[Node, ...] = ()
    type: ValueType = "count"

    @property
    def leaf_columns(self) -> tuple[Node, ...]:
        return tuple(leaf for c in self.columns for leaf in c.leaves)


@dataclass(frozen=True)
class Term:
    sign: int
    path: str  # a cell id or a row (vector) path; ``prev.`` refers to last year's report
    previous: bool


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Literal["error", "warning"]
    what: str
    left: tuple[Term, ...]
    relation: Literal["=", "<="]
    right: tuple[Term, ...]
    across_years: bool = False
    unless: str | None = None
    previous_formats: tuple[str, ...] | None = None


@dataclass(frozen=True)
class KeyFigure:
    key: str
    label: str
    of: str  # a cell id (input or derived)
    basis: str = "common"  # figures compare across formats only on the same basis


@dataclass(frozen=True)
class Indicator:
    """A ratio computed from a report's cells (公开率 …): the sum of ``numerator`` over the
    sum of ``denominator``. ``denominator_name`` names a sum the tables do not print
    (已审结)."""

    key: str
    label: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    denominator_name: str | None = None


@dataclass(frozen=True)
class Section:
    number: str
    heading: str
    narrative: str | None = None
    table: str | None = None
    topics: tuple[str, ...] = ()  # what the section must cover (一: 主动公开 …)
    states: tuple[str, ...] = ()  # what the section must state (六: 信息处理费)
    aliases: tuple[str, ...] = ()  # headings published reports use instead (importers)


@dataclass(frozen=True, eq=False)  # one object per format: compared and hashed by identity
class Format:
    id: str
    name: str
    issued_by: str
    first_year: int
    last_year: int | None
    sections: tuple[Section, ...]
    tables: dict[str, Table]
    rules: tuple[Rule, ...]
    key_figures: tuple[KeyFigure, ...]
    cells: dict[str, CellSpec] = field(default_factory=dict)
    indicators: tuple[Indicator, ...] = ()

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    @property
    def title(self) -> str:
        return f"{self.name}（{self.issued_by}）"


# ---------------------------------------------------------------------------------------
# Reading a description


def _node(d: dict[str, Any]) -> Node:
    return Node(
        key=d.get("key"),
        label=d["label"],
        children=tuple(_node(c) for c in d.get("children", ())),
        total=d.get("total"),
        optional=bool(d.get("optional", False)),
        aliases=tuple(d.get("aliases", ())),
    )


def _block(d: dict[str, Any]) -> Block:
    rows = tuple(_node(r) for r in d["rows"])
    if "scalar" in d:
        col = d["scalar"]
        return Block(d["caption"], (Node(None, col["label"]),), rows, True, (col["type"],))
    cols = d["columns"]
    unit_col = next((c["key"] for c in cols if "unit" in c), None)
    return Block(
        caption=d["caption"],
        columns=tuple(_node(c) for c in cols),
        rows=rows,
        scalar=False,
        value_types=tuple(c["type"] for c in cols),
        unit_field=next((c["unit"] for c in cols if "unit" in c), None),
        units=tuple(d.get("units", ())),
        unit_column=unit_col,
    )


def _table(key: str, d: dict[str, Any]) -> Table:
    return Table(
        key=key,
        number=d["number"],
        layout=d["layout"],
        corner=d.get("corner", ""),
        width=d.get("width", 0),
        blocks=tuple(_block(b) for b in d.get("blocks", ())),
        columns=tuple(_node(c) for c in d.get("columns", ())),
        rows=tuple(_node(r) for r in d.get("rows", ())),
        type=d.get("type", "count"),
    )


_TERM = re.compile(r"\s*([+-]?)\s*((?:prev\.)?[a-z_{}]+(?:\.[a-z_{}]+)*)\s*")


def _terms(text: str, each: str | None) -> tuple[Term, ...]:
    if each is not None:
        text = text.replace("{each}", each)
    terms = []
    for m in re.finditer(r"[+-]?\s*[^\s+-]+", text):
        t = _TERM.fullmatch(m.group(0))
        if t is None:
            raise ValueError(f"bad term in rule: {m.group(0)!r}")
        path = t.group(2)
        previous = path.startswith("prev.")
        terms.append(Term(-1 if t.group(1) == "-" else 1, path.removeprefix("prev."), previous))
    return tuple(terms)


def _rules(items: list[dict[str, Any]]) -> tuple[Rule, ...]:
    rules = []
    for d in items:
        relation: Literal["=", "<="] = "<=" if "<=" in d["check"] else "="
        left, right = d["check"].split(relation)
        prev = d.get("previous_formats")
        for each in d.get("each", [None]):
            rules.append(
                Rule(
                    id=d["id"],
                    severity=d["severity"],
                    what=d["what"],
                    left=_terms(left, each),
                    relation=relation,
                    right=_terms(right, each),
                    across_years=bool(d.get("across_years", False)),
                    unless=d.get("unless"),
                    previous_formats=tuple(prev) if prev else None,
                )
            )
    return tuple(rules)


def _cells(tables: dict[str, Table]) -> dict[str, CellSpec]:
    """Every input cell of the format, keyed by its id (``requests.received.total``)."""
    cells: dict[str, CellSpec] = {}
    for t in tables.values():
        if t.layout == "blocks":
            for b in t.blocks:
                for r in b.rows:
                    for col, vtype in zip(b.columns, b.value_types, strict=True):
                        cid = f"{t.key}.{r.key}" if b.scalar else f"{t.key}.{r.key}.{col.key}"
                        cells[cid] = CellSpec(cid, t.key, (r,), (col,), vtype, b.caption)
        elif t.layout == "matrix":
            for path in leaf_paths(t.rows):
                rid = ".".join(n.key or "" for n in path)
                for cpath in leaf_paths(t.columns):
                    cid = f"{t.key}.{rid}.{cpath[-1].key}"
                    # a head over every column (申请人情况) names no cell apart from another
                    named = cpath[1:] if len(t.columns) == 1 else cpath
                    cells[cid] = CellSpec(cid, t.key, path, named, t.type)
        else:  # groups: one data row; each keyed column group is a list in report.yaml
            for cpath in leaf_paths(t.columns):
                group = next(n for n in reversed(cpath[:-1]) if n.key)
                cid = f"{t.key}.{group.key}.{cpath[-1].key}"
                cells[cid] = CellSpec(cid, t.key, (), cpath, t.type)
    return cells


def leaf_paths(nodes: tuple[Node, ...]) -> list[tuple[Node, ...]]:
    """Each leaf with its ancestors, outermost first, in table order."""
    out: list[tuple[Node, ...]] = []
    for n in nodes:
        if n.children:
            out.extend((n, *p) for p in leaf_paths(n.children))
        else:
            out.append((n,))
    return out


def _section(d: dict[str, Any]) -> Section:
    return Section(
        number=d["number"],
        heading=d["heading"],
        narrative=d.get("narrative"),
        table=d.get("table"),
        topics=tuple(d.get("topics", ())),
        states=tuple(d.get("states", ())),
        aliases=tuple(d.get("aliases", ())),
    )


def _format(d: dict[str, Any]) -> Format:
    tables = {k: _table(k, v) for k, v in d["tables"].items()}
    return Format(
        id=str(d["id"]),
        name=d["name"],
        issued_by=d["issued_by"],
        first_year=d["first_year"],
        last_year=d.get("last_year"),
        sections=tuple(_section(s) for s in d["sections"]),
        tables=tables,
        rules=_rules(d["rules"]),
        key_figures=tuple(KeyFigure(**k) for k in d["key_figures"]),
        cells=_cells(tables),
        indicators=tuple(
            Indicator(
                key=i["key"],
                label=i["label"],
                numerator=tuple(i["numerator"]),
                denominator=tuple(i["denominator"]),
                denominator_name=i.get("denominator_name"),
            )
            for i in d.get("indicators", ())
        ),
    )


@cache
def all_formats() -> dict[str, Format]:
    """Every format this release knows, newest first. YAML is imported only when the
    descriptions have changed since they were last read (see descriptions.py): a build that
    reads no report (nothing changed) needs the formats' names only, and one that reads a
    report mostly no YAML library at all."""
    found = [_format(d) for d in read_descriptions()]
    found.sort(key=lambda f: f.first_year, reverse=True)
    return {f.id: f for f in found}


def format_for_year(year: int) -> Format | None:
    return next((f for f in all_formats().values() if f.covers(year)), None)
