"""Strict reading of content files: YAML with positions, and text as UTF-8.

PyYAML's libyaml composer gives every node its line and column; this module turns nodes
into values by hand instead of letting YAML 1.1 guess, so ``no`` never becomes false,
``010`` never becomes 8 and a duplicate key is never silently dropped. Each reader method
records a Problem and returns None rather than raising.
"""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
import itertools
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .contentfiles import Refused, read_bounded
from .problems import Problem, Severity
from .yamlhints import WIDE_HINT, indentation_fault, quoted, unclosed_bracket, wide_encoding

MAX_DEPTH = 1000  # a report nests 4 levels deep; libyaml (PyYAML ≥ 6.0.4) stops at 1,000 too
TOO_DEEP = f"YAML 嵌套层数过深（超过 {MAX_DEPTH} 层），无法读取"

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


def read_text(path: Path, display: str) -> tuple[str | None, list[Problem]]:
    """The file as text: UTF-8 (a BOM is allowed), or a problem naming the file. Only a
    regular file is read, and no more than the size cap (a pipe or /dev/zero is refused)."""
    try:
        data = read_bounded(str(path))
    except Refused as e:
        return None, [Problem(display, 1, 1, "error", e.message, e.rule)]
    except IsADirectoryError:  # strerror would be English
        return None, [_at(display, 1, 1, "应为文件，实为文件夹")]
    except OSError as e:
        return None, [_at(display, 1, 1, f"无法读取文件：{e.strerror or e}")]
    return decode_text(data, display)


def decode_text(data: bytes, display: str) -> tuple[str | None, list[Problem]]:
    """Bytes as read (contentfiles) to text: UTF-8, a BOM allowed, or a located problem."""
    wide = wide_encoding(data)
    if wide is not None:
        return None, [
            _at(display, 1, 1, f"文件是 {wide} 编码{WIDE_HINT.get(wide, '')}；请用 UTF-8 重新保存")
        ]
    nul = data.find(b"\x00")
    if nul >= 0:  # no text file holds NUL bytes; "maybe GBK" would mislead
        line, col = _byte_position(data, nul)
        msg = "文件含有二进制数据，不是文本文件；请检查是否放错了文件"
        return None, [_at(display, line, col, msg)]
    try:
        return codecs.decode(data, "utf-8-sig"), []
    except UnicodeDecodeError as e:
        line, col = _byte_position(data, e.start)
        msg = "文件不是 UTF-8 编码（可能是 GBK）；请用 UTF-8 重新保存"
        return None, [_at(display, line, col, msg)]


class _Composer(yaml.CSafeLoader):
    """libyaml's composer without tag resolution: scalars are typed here, by hand, so the
    YAML 1.1 resolver (a Python call per scalar, a sixth of the load time) is skipped."""

    def resolve(self, kind: type, value: object, implicit: object) -> str:  # type: ignore[override]
        return ""


def parse_yaml(text: str, display: str) -> tuple[Node | None, list[Problem]]:
    """Compose one YAML document into position-carrying nodes."""
    try:
        deep = _too_deep(text)
        if deep is not None:
            return None, [_at(display, *deep, TOO_DEEP)]
        node = yaml.compose(text, Loader=_Composer)
    except yaml.MarkedYAMLError as e:
        line, col, msg = indentation_fault(text, e) or _yaml_error(e, text)
        return None, [_at(display, line, col, msg)]
    except yaml.reader.ReaderError as e:
        # libyaml's offset is in UTF-8 bytes; its message spans two lines and is English.
        line, col = _byte_position(text.encode("utf-8"), e.position)
        msg = f"文件中有不可见的控制字符（U+{e.character:04X}），YAML 不允许；请删除它"
        return None, [_at(display, line, col, msg)]
    except yaml.YAMLError as e:
        detail = " ".join(str(e).split())  # one line: a problem is one line of output
        return None, [_at(display, 1, 1, f"YAML 语法错误：{detail}")]
    except RecursionError:
        return None, [_at(display, 1, 1, "YAML 嵌套层数过深，无法读取")]
    if node is None:
        return None, [_at(display, 1, 1, "文件为空")]
    tags = _explicit_tags(text, display)
    if tags:  # `!!str 8` would otherwise read as the count 8
        return None, tags
    return node, []


def _explicit_tags(text: str, display: str) -> list[Problem]:
    """Every explicit YAML tag (``!!str``, ``!!int``, ``!foo``): the values here are typed by
    what the national format says a cell holds, never by a tag."""
    if "!" not in text:
        return []
    out = []
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        tag = getattr(event, "tag", None)
        if tag and event.start_mark is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            msg = f"不支持 YAML 标签“{shown}”；请去掉它，直接写值"
            out.append(_at(display, event.start_mark.line + 1, event.start_mark.column + 1, msg))
    return out


def _too_deep(text: str) -> tuple[int, int] | None:
    """Where (line, column) nesting first passes MAX_DEPTH, if it does.

    libyaml's composer recurses in C and crashes the interpreter (a segfault, not an
    exception) near 30 000 levels, so depth is measured on the event stream first. Every
    level needs one of these characters, so ordinary files skip the extra pass.
    """
    if sum(text.count(c) for c in "[{-?:") <= MAX_DEPTH:
        return None
    depth = 0
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                return (mark.line + 1, mark.column + 1) if mark else (1, 1)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    before = data[:offset].decode("utf-8", "replace")
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


# libyaml's (context, problem) → a Chinese explanation, and whether the context mark (where
# the unclosed bracket or quote, or the key without a colon, starts) is the better place.
_SYNTAX: list[tuple[str, str, str, bool]] = [
    (
        "flow sequence",
        "expected ',' or ']'",
        "方括号“[”没有闭合（缺少“]”），或列表中两项之间缺少逗号",
        True,
    ),
    (
        "flow mapping",
        "expected ',' or '}'",
        "花括号“{”没有闭合（缺少“}”），或两项之间缺少逗号",
        True,
    ),
    (
        "flow node",
        "expected node content",
        "这里缺少一个值：列表中两个逗号之间不能为空，空白单元格请填 0",
        False,
    ),
    ("quoted scalar", "end of stream", "引号没有闭合：从这里开始的引号缺少另一半", True),
    (
        "simple key",
        "expected ':'",
        "这一行缺少冒号：键和值之间要用半角冒号加空格“: ”分隔（不能用全角“：”）",
        True,
    ),
    ("block mapping", "expected key", "缩进不对齐：同一层的键必须用同样多的空格缩进", False),
    (
        "block collection",
        "expected '-'",
        "缩进不对齐：同一列表的各项“- ”必须用同样多的空格缩进",
        False,
    ),
    (
        "",
        "mapping values are not allowed",
        "这里不能有冒号“: ”：请检查缩进；文字中含有“: ”时请用引号括起来",
        False,
    ),
    (
        "",
        "cannot start any token",
        "这个字符不能作为值的开头（如 @、`、%）；含有这些字符的文字请用引号括起来",
        False,
    ),
    (
        "",
        "expected a single document",
        "文件中有多个 YAML 文档（“---”）；一个文件只能写一份",
        False,
    ),
    ("", "undefined alias", "不支持 YAML 锚点与别名（& 与 *）；请把数据完整写出", False),
    ("", "duplicate anchor", "不支持 YAML 锚点与别名（& 与 *）；请把数据完整写出", False),
]


def _yaml_error(e: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    context, problem = e.context or "", e.problem or ""
    mark = e.problem_mark or e.context_mark
    if mark is not None and not text[mark.index :].strip() and "flow" in context:
        # The file ends inside [ ] or { } (`title: [` on the last line): that is an
        # unclosed bracket, not the empty item between two commas libyaml speaks of.
        unclosed = unclosed_bracket(text)
        if unclosed is not None:
            line, col, bracket = unclosed
            closing = "]" if bracket == "[" else "}"
            name = "方括号" if bracket == "[" else "花括号"
            return line, col, f"{name}“{bracket}”没有闭合（缺少“{closing}”）"
    if "\\t" in problem or "tab" in problem.lower():
        message = "YAML 缩进或数值中有制表符（Tab）；请改用空格"
    elif "exceeded maximum nesting depth" in problem:  # libyaml's own limit (PyYAML ≥ 6.0.4)
        message = TOO_DEEP
    else:
        both = f"{context} {problem}"
        found = next((s for s in _SYNTAX if s[0] in context and s[1] in both), None)
        if found is None:
            message = f"YAML 语法错误：{' '.join(f'{context} {problem}'.split())}"
        else:
            message = found[2]
            if found[3] and e.context_mark is not None:
                mark = e.context_mark
    if mark is None:
        return 1, 1, message
    return mark.line + 1, mark.column + 1, message


def _at(path: str, line: int, col: int, message: str, severity: Severity = "error") -> Problem:
    return Problem(path, line, col, severity, message)


def node_type_name(node: Node) -> str:
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
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    if close:
        return f"；是否想写“{close[0]}”？"
    return f"；可用的{noun}：" + "、".join(allowed)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name
