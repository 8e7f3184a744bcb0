"""Strict reading of YAML nodes into values (``yamlparse`` turns files into nodes).

PyYAML's libyaml composer gives every node its line and column; this module turns nodes
into values by hand instead of letting YAML 1.1 guess, so ``no`` never becomes false,
``010`` never becomes 8 and a duplicate key is never silently dropped. Each reader method
records a Problem and returns None rather than raising.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from .problems import Problem, Severity
from .yamlhints import quoted

if TYPE_CHECKING:
    from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_YAML11_BOOLS = frozenset(
    [
        "y",
        "Y",
        "yes",
        "Yes",
        "YES",
        "n",
        "N",
        "no",
        "No",
        "NO",
        "true",
        "True",
        "TRUE",
        "false",
        "False",
        "FALSE",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
    ]
)
_NULLS = frozenset(["", "~", "null", "Null", "NULL"])
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－＋", "0123456789.-+")
_COUNT = re.compile(r"0|[1-9][0-9]*")
_SIGNED = re.compile(r"[+-]?(?:0|[1-9][0-9]*)")
_MONEY = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
# A count or amount longer than this is a typo (Python also refuses int() past 4,300 digits).
MAX_DIGITS = 15
_LONG_NUMBER = re.compile(r"[+-]?([0-9]{16,})(?:\.[0-9]+)?")

# A cell nobody has filled yet, as `nianbao new` and `nianbao import` write it: a plain
# scalar that keeps the YAML valid and that `check` reports as 未填写 (P1), never as 0.
PLACEHOLDER = "待填"


def _bind_node_types() -> None:
    """The YAML library's node classes, as globals of this module, bound with the first
    Reader (or message about a node): only a file read the full way has nodes, and a build
    that reads every file in its usual shape (reportfast, agencyfast) never loads the
    library, which holds a fifth of a one-edit build's imports."""
    global MappingNode, ScalarNode, SequenceNode
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode


def node_type_name(node: Node) -> str:
    _bind_node_types()
    if isinstance(node, MappingNode):
        return "映射（键: 值）"
    if isinstance(node, SequenceNode):
        return "列表"
    if not node.value.strip():  # “” would look like a typo in the message
        return "空白"
    return quoted(node.value)


class Reader:
    """Reads values out of one file's nodes, collecting problems as it goes."""

    def __init__(self, display: str) -> None:
        _bind_node_types()
        self.path = display
        self.problems: list[Problem] = []
        self._seen: set[int] = set()
        # each `待填` read as a number: (cell id, line, column, its name), grouped into P1
        self.placeholders: list[tuple[str, int, int, str | Callable[[], str]]] = []

    # -- problems ------------------------------------------------------------------------

    def error(self, node: Node | None, message: str, rule: str = "", key: str = "") -> None:
        self.report(node, message, "error", rule, key)

    def report(
        self, node: Node | None, message: str, severity: Severity, rule: str = "", key: str = ""
    ) -> None:
        line, col = position(node)
        self.problems.append(Problem(self.path, line, col, severity, message, rule, key))

    # -- structure -----------------------------------------------------------------------

    def mapping(
        self,
        node: Node,
        what: str,
        allowed: Iterable[str],
        required: Iterable[str] = (),
        key: str = "",
    ) -> dict[str, tuple[ScalarNode, Node]] | None:
        """A mapping's entries; duplicate, unknown and missing keys are problems."""
        if not self._visit(node):
            return None
        if not isinstance(node, MappingNode):
            self.error(node, f"{what}应为映射（键: 值），实为{node_type_name(node)}", key=key)
            return None
        allowed = list(allowed)
        out: dict[str, tuple[ScalarNode, Node]] = {}
        for k, v in node.value:
            if not isinstance(k, ScalarNode):
                self.error(k, f"{what}中的键必须是文字，不能是{node_type_name(k)}", key=key)
                continue
            name = k.value
            if name == "<<":  # a YAML 1.1 merge key: an alias under another name
                self.error(
                    k, "不支持 YAML 锚点、别名与合并键（&、*、<<）；请把数据完整写出", key=key
                )
                continue
            if name in out:
                first = out[name][0].start_mark.line + 1
                msg = f"重复的键“{name}”（第 {first} 行已有）；YAML 会静默丢弃其中一个，请删去一处"
                self.error(k, msg, key=_join(key, name))
                continue
            if name not in allowed:
                if re.fullmatch(r"[0-9][0-9.]*", name):  # amount: 1,125.6 inside { }
                    hint = "；花括号 { } 中的逗号用来分隔各项，数字中不能用千位分隔符"
                else:
                    hint = suggest(name, allowed)
                self.error(k, f"{what}中有未知的键{quoted(name)}{hint}", key=key)
                continue
            out[name] = (k, v)
        for name in required:
            if name not in out:
                self.error(node, f"{what}缺少“{name}”", key=_join(key, name))
        return out

    def sequence(
        self, node: Node, what: str, lengths: tuple[int, ...], key: str
    ) -> list[Node] | None:
        if not self._visit(node):
            return None
        if not isinstance(node, SequenceNode):
            expected = " 或 ".join(str(n) for n in lengths)
            msg = f"{what}应为 {expected} 个数的列表，实为{node_type_name(node)}"
            self.error(node, msg, key=key)
            return None
        if len(node.value) not in lengths:
            expected = " 或 ".join(str(n) for n in lengths)
            msg = f"{what}应有 {expected} 个数，实有 {len(node.value)} 个{_split_number(node)}"
            self.error(node, msg, key=key)
            return None
        return list(node.value)

    def _visit(self, node: Node) -> bool:
        """False for a node reached a second time: an alias (*x) of an anchored node."""
        if id(node) in self._seen:
            self.error(node, "不支持 YAML 锚点与别名（& 与 *）；请把数据完整写出")
            return False
        self._seen.add(id(node))
        return True

    # -- scalars -------------------------------------------------------------------------

    def _scalar(self, node: Node, what: str, key: str, rule: str = "") -> ScalarNode | None:
        if not self._visit(node):
            return None
        if not isinstance(node, ScalarNode):
            # V5 is about the values of the tables; a title or a date has no rule id.
            self.error(node, f"{what}应为一个值，实为{node_type_name(node)}", rule, key)
            return None
        return node

    def number(
        self, node: Node, what: str | Callable[[], str], vtype: str, key: str
    ) -> int | Decimal | None:
        """A count (≥ 0 integer), signed integer or money (≥ 0 decimal), strictly.

        ``what`` names the value in messages; it may be a function, since building the
        official cell name for each of a report's 200 cells costs more than reading them.
        """
        # The hot path: a plain, valid count (nearly every cell of every report).
        if type(node) is ScalarNode and node.style == "" and id(node) not in self._seen:
            text = node.value
            if vtype != "money" and len(text) <= MAX_DIGITS and _COUNT.fullmatch(text):
                self._seen.add(id(node))
                return int(text)
        if type(node) is ScalarNode and node.style == "" and node.value == PLACEHOLDER:
            if self._visit(node):
                self.placeholders.append((key, *position(node), what))
            return None
        name = what if isinstance(what, str) else what()
        s = self._scalar(node, name, key, "V5")
        if s is None:
            return None
        text = s.value
        kind = {"count": "非负整数", "signed": "整数", "money": "非负数（金额）"}[vtype]
        problem = _number_problem(s, text, kind, vtype)
        if problem:
            rule = "V6" if problem.startswith("为空") else "V5"
            self.error(s, f"{name}{problem}", rule, key)
            return None
        return Decimal(text) if vtype == "money" else int(text)

    def counts(self, items: list[Node]) -> list[int] | None:
        """A list's items as counts when every one is a plain, valid count (nearly every
        row of table 三), read in one pass; None when any needs a closer look."""
        seen = self._seen
        out = []
        for n in items:
            if type(n) is not ScalarNode or n.style != "" or id(n) in seen:
                return None
            if len(n.value) > MAX_DIGITS or not _COUNT.fullmatch(n.value):
                return None
            out.append(int(n.value))
        ids = {id(n) for n in items}
        if len(ids) < len(items):
            return None  # one node twice: an alias, which the slow path reports
        seen.update(ids)
        return out

    def text(self, node: Node, what: str, key: str, required: bool = True) -> str | None:
        """The text exactly as written (a plain ``no`` stays the two letters n, o)."""
        s = self._scalar(node, what, key)
        if s is None:
            return None
        value = s.value.strip()
        if not value or (s.style == "" and value in _NULLS):
            if required:
                self.error(s, f"{what}不能为空", key=key)
            return None
        return value

    def flag(self, node: Node, what: str, key: str) -> bool:
        """``true`` or ``false`` and nothing else: YAML 1.1's yes, on, y are not guessed at."""
        s = self._scalar(node, what, key)
        if s is None:
            return False
        if s.style == "" and s.value in ("true", "false"):
            return s.value == "true"
        self.error(s, f"{what}应为 true 或 false，实为{node_type_name(s)}", key=key)
        return False

    def year(self, node: Node, what: str, key: str) -> int | None:
        s = self._scalar(node, what, key)
        if s is None:
            return None
        if s.style == "" and re.fullmatch(r"[0-9]{4}", s.value):
            return int(s.value)
        if s.style in ('"', "'") and re.fullmatch(r"[0-9]{4}", s.value):
            q = s.style
            self.error(s, f"{what}不能加引号：请把 {q}{s.value}{q} 改为 {s.value}", key=key)
            return None
        if s.style == "" and re.fullmatch(r"\d{4}", s.value):  # ２０２１, ٢٠٢١: int() takes them
            ascii_year = str(int(s.value))
            msg = f"{what}应为半角数字的年份，实为{quoted(s.value)}；请写作 {ascii_year}"
            self.error(s, msg, key=key)
            return None
        found = node_type_name(s)
        self.error(s, f"{what}应为四位数字的年份（如 2021），实为{found}", key=key)
        return None

    def date(self, node: Node, what: str, key: str) -> dt.date | None:
        s = self._scalar(node, what, key)
        if s is None:
            return None
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", s.value):
                raise ValueError
            return dt.date.fromisoformat(s.value)
        except ValueError:
            found = node_type_name(s)
            self.error(s, f"{what}应为日期，写作 2022-01-20，实为{found}", key=key)
            return None

    def integer(self, node: Node, what: str, key: str) -> int | None:
        s = self._scalar(node, what, key)
        if s is None:
            return None
        if s.style == "" and _SIGNED.fullmatch(s.value):
            if len(s.value.lstrip("+-")) > MAX_DIGITS:
                digits = len(s.value.lstrip("+-"))
                self.error(s, f"{what}数值过大（{digits} 位数字）；请检查是否多输入了数字", key=key)
                return None
            return int(s.value)
        self.error(s, f"{what}应为整数，实为{quoted(s.value)}", key=key)
        return None


def _number_problem(s: ScalarNode, text: str, kind: str, vtype: str) -> str:
    """Why ``text`` is not a valid number of this type, in Chinese; empty if it is."""
    if s.style in ('"', "'"):
        if text.strip() in _NULLS:
            return "为空：空白单元格请填 0"
        if re.fullmatch(r"\s*[+-]?[0-9０-９][0-9０-９.,_]*\s*", text):
            # Show the quotes as typed: “5” in the message's own quotes would read as 5.
            return f"不能给数字加引号：请把 {s.style}{text}{s.style} 改为 {text.strip()}"
        return f"应为{kind}，实为{quoted(text)}"
    if s.style in ("|", ">"):
        return f"应为{kind}，实为多行文字"
    if text in _NULLS:
        return "为空：空白单元格请填 0"
    long = _LONG_NUMBER.fullmatch(text)
    if long:  # int() of a 4,301-digit string raises ValueError
        return f"数值过大（{len(long.group(1))} 位数字）；请检查是否多输入了数字"
    if text in _YAML11_BOOLS:
        return f"应为{kind}，实为“{text}”（YAML 会把它读作真/假值）；零请写 0"
    if text != text.translate(_FULLWIDTH):
        return f"含全角字符“{text}”；请改用半角数字 {text.translate(_FULLWIDTH)}"
    if re.fullmatch(r"[+-]?0[xXoObB][0-9a-fA-F_]+", text):
        return f"应为十进制{kind}，“{text}”是十六进制、八进制或二进制写法"
    if "_" in text and re.fullmatch(r"[+-]?[0-9_.]+", text):
        fixed = text.replace("_", "")
        return f"不能用下划线分隔数字：“{text}”请写作 {fixed}（YAML 1.1 会把它读作 {fixed}）"
    if "," in text and re.fullmatch(r"[+-]?[0-9,.]+", text):
        return f"不能用千位分隔符：“{text}”请写作 {text.replace(',', '')}"
    if re.fullmatch(r"[+-]?0[0-9]+(?:\.[0-9]+)?", text):
        value = re.sub(r"^([+-]?)0+(?=[0-9])", r"\1", text)
        if "." in text:  # 0125.6: no octal reading, but still not a number as written
            return f"不能有前导零：“{text}”请写作 {value}"
        return f"不能有前导零：“{text}”请写作 {value}（YAML 1.1 会把以 0 开头的数读作八进制，如 010 读作 8）"
    if _DATE.fullmatch(text):
        return f"应为{kind}，实为日期“{text}”"
    if re.fullmatch(r"[+-]?[0-9]+(?::[0-5]?[0-9])+", text):
        return f"应为{kind}，“{text}”会被 YAML 1.1 读作六十进制数"
    if vtype == "signed":
        return "" if _SIGNED.fullmatch(text) else f"应为{kind}，实为{quoted(text)}"
    if re.fullmatch(r"-(?:0|[1-9][0-9]*)(?:\.[0-9]+)?", text):
        return f"不能为负数：{text}"
    if vtype == "count":
        if _COUNT.fullmatch(text):
            return ""
        if _MONEY.fullmatch(text):
            return f"应为{kind}，实为小数 {text}"
        return f"应为{kind}，实为{quoted(text)}"
    return "" if _MONEY.fullmatch(text) else f"应为{kind}，实为{quoted(text)}"


def _split_number(node: SequenceNode) -> str:
    """A hint when a thousands separator split one number in two: [3,119, 0, …] reads as
    3 and 119, since a comma ends a list item."""
    _bind_node_types()
    for a, b in itertools.pairwise(node.value):
        if not (isinstance(a, ScalarNode) and isinstance(b, ScalarNode)):
            continue
        touching = (
            a.end_mark.line == b.start_mark.line and b.start_mark.column == a.end_mark.column + 1
        )
        if touching and re.fullmatch(r"\d{3}", b.value) and re.fullmatch(r"\d{1,3}", a.value):
            return f"（“{a.value},{b.value}”中的逗号把一个数分成了两个；请写作 {a.value}{b.value}）"
    return ""


def position(node: Node | None) -> tuple[int, int]:
    if node is None:
        return 1, 1
    return node.start_mark.line + 1, node.start_mark.column + 1


def suggest(name: str, allowed: list[str], noun: str = "键") -> str:
    """A "did you mean" hint, or the list of what is allowed (keys, file names) when nothing
    is close."""
    import difflib  # here: only a misspelt name needs it

    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    if close:
        return f"；是否想写“{close[0]}”？"
    return f"；可用的{noun}：" + "、".join(allowed)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name
