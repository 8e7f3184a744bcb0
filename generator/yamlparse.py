"""Content files to YAML nodes: bytes decoded as UTF-8, one YAML document composed with
positions, and every way that can fail worded as a located problem.

libyaml's composer runs without tag resolution (values are typed by ``yamlsource``); too
deep nesting, explicit tags, control characters and libyaml's English errors are caught
here and said in Chinese.
"""

from __future__ import annotations

import codecs
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .contentfiles import Refused, read_bounded
from .problems import Problem, Severity
from .yamlhints import WIDE_HINT, indentation_fault, unclosed_bracket, wide_encoding

if TYPE_CHECKING:
    import yaml
    from yaml.nodes import Node

MAX_DEPTH = 1000  # a report nests 4 levels deep; libyaml (PyYAML ≥ 6.0.4) stops at 1,000 too
TOO_DEEP = f"YAML 嵌套层数过深（超过 {MAX_DEPTH} 层），无法读取"


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


@cache
def _composer() -> type[yaml.CSafeLoader]:
    """libyaml's composer without tag resolution: scalars are typed here, by hand, so the
    YAML 1.1 resolver (a Python call per scalar, a sixth of the load time) is skipped.
    Made at the first parse: importing the YAML library costs a build that reads every file
    in its usual shape (reportfast, agencyfast) a fifth of its imports."""
    import yaml

    class Composer(yaml.CSafeLoader):
        def resolve(self, kind: type, value: object, implicit: object) -> str:  # type: ignore[override]
            return ""

    return Composer


def parse_yaml(text: str, display: str) -> tuple[Node | None, list[Problem]]:
    """Compose one YAML document into position-carrying nodes."""
    import yaml  # loaded by _composer() on the first call; see there

    Composer = _composer()
    try:
        deep = _too_deep(text)
        if deep is not None:
            return None, [_at(display, *deep, TOO_DEEP)]
        node = yaml.compose(text, Loader=Composer)
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
    import yaml

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
    import yaml

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
