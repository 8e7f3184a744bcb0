"""What the mapper fills in: cells by id, with the flags of those it could not fill."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from ..formats import Format
from ..yamlsource import PLACEHOLDER  # 待填, the one placeholder every command writes
from .document import Cell, Where
from .labels import parse_number

Value = Decimal | str  # a number, or PLACEHOLDER
BLANK = object()  # a blank cell, until the sums settle it


@dataclass(frozen=True)
class Flag:
    """A cell the import could not fill from the file: shown in the summary and written
    as the placeholder with a comment."""

    cell: str  # the official cell name (表三 三、（三）1.属于国家秘密 / 自然人)
    why: str
    seen: str
    where: Where
    cid: str = ""  # the cell id in the format, when the flag is about one cell

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
class Work:
    fmt: Format
    out: Mapped
    raw: dict[str, object] = field(default_factory=dict)  # cid → Decimal | BLANK
    where: dict[str, tuple[Where, str]] = field(default_factory=dict)

    def put(self, cid: str, cell: Cell) -> None:
        if cid in self.raw:
            self.flag(cid, "表中出现了两次，以第一次为准", cell.text, cell.where)
            return
        self.where[cid] = (cell.where, cell.text)
        if not cell.text.strip():
            self.raw[cid] = BLANK
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
        self.out.flags.append(Flag(self.fmt.cells[cid].name, why, seen, where, cid))
