"""report.yaml's usual shape, as lines (reportfast): a few block mappings of plain keys
holding one-line flow lists and flow mappings of plain scalars, parsed straight into nested
dicts, each scalar with its line and column. The first line or token not surely of that
shape raises ``Unsure``: the file is then read the full way (yamlparse, reportread).
"""

from __future__ import annotations

import re

# A line (without its comment): indentation, a plain lowercase key, and a value on the
# line or none (a block mapping follows). Only spaces: a tab or a quote never match.
_LINE = re.compile(r"( *)([a-z_][a-z0-9_]*):(?: +([^ #'\"].*?))? *")
_TOKEN = r"[^\s,\[\]{}:#'\"&*!|>%@`?][^\s,\[\]{}:#'\"]*"
_FLOW_LIST = re.compile(rf"\[ *{_TOKEN}(?: *, *{_TOKEN})* *\]")
_FLOW_MAP = re.compile(
    rf"\{{ *[a-z_][a-z0-9_]*: +{_TOKEN}(?: *, *[a-z_][a-z0-9_]*: +{_TOKEN})* *\}}"
)
_ITEM = re.compile(_TOKEN)
_PAIR = re.compile(rf"([a-z_][a-z0-9_]*): +({_TOKEN})")
_SCALAR = re.compile(_TOKEN)
# What libyaml refuses as unprintable, a BOM inside the text, and what YAML 1.1 also takes
# for a line break (NEL, U+2028, U+2029): the full reader deals with them. Written as the
# characters refused, the complement of those it prints (\n, \x20-\x7e, \xa0-\u2027,
# \u202a-\ud7ff, \ue000-\ufefe, \uff00-\ufffd, \U00010000-\U0010ffff): the negated class
# of those wide ranges took 10-25 ms to compile, in every process that reads a report
# (tests/test_reportfast.py compares the two over every code point).
_UNPRINTABLE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
)

Scalar = tuple[str, int, int]  # text, 1-based line and column
Mapping = dict[str, tuple[object, int, int]]  # key → (value, line, column of the key)


def beyond_plain(text: str) -> bool:
    """Whether ``text`` holds what the fast readers (reportfast, agencyfast) never read:
    a carriage return, a tab or a character the full reader refuses."""
    return "\r" in text or "\t" in text or _UNPRINTABLE.search(text) is not None


class Unsure(Exception):
    """Not the usual shape: read the file the full way."""


def parse(text: str) -> tuple[Mapping, tuple[int, int]]:
    if beyond_plain(text):
        raise Unsure
    root: Mapping = {}
    stack: list[tuple[int, Mapping]] = []  # (indentation, mapping), innermost last
    opened: tuple[Mapping, str, int, int, int] | None = None  # a key awaiting its mapping
    anchor = (0, 0)
    seen = _SEEN
    for number, line in enumerate(text.split("\n"), 1):
        got = seen.get(line)
        if got is None:
            got = _line(line)
            if len(seen) < _SEEN_MAX:
                seen[line] = got
        if not got:
            continue  # a blank line, or a comment on a line of its own
        indent, key, value, at = got
        if not stack:
            if indent:
                raise Unsure
            stack.append((0, root))
            anchor = (number, 1)
        elif opened is not None:
            parent, name, key_line, key_col, above = opened
            if indent <= above:
                raise Unsure  # a key with no value: null
            child: Mapping = {}
            parent[name] = (child, key_line, key_col)
            stack.append((indent, child))
            opened = None
        while indent < stack[-1][0]:
            stack.pop()
        if indent != stack[-1][0]:
            raise Unsure
        mapping = stack[-1][1]
        if key in mapping:
            raise Unsure  # a duplicate key: the full reader says where
        if value is None:
            mapping[key] = (None, number, indent + 1)  # replaced by the mapping below it
            opened = (mapping, key, number, indent + 1, indent)
            continue
        if value[0] == "[":  # a flow list (most lines): _value's first case, without a call
            mapping[key] = (Flow(value, number, at), number, indent + 1)
        else:
            mapping[key] = (_value(value, number, at), number, indent + 1)
    if opened is not None or not stack:
        raise Unsure
    return root, anchor


Line = tuple[int, str, "str | None", int]  # indentation, key, value, where the value starts
# Lines as read (_line), by their text: most lines of a portal's reports are written alike
# (a row of zeros, a key opening a mapping), and a line read again is one look-up, not a
# strip, a search and a regex. Bounded: the first lines met are kept (about 1 MB).
_SEEN: dict[str, Line | tuple[()]] = {}
_SEEN_MAX = 4096


def _line(line: str) -> Line | tuple[()]:
    """A line of the usual shape, read; () for a blank line or a comment on its own."""
    stripped = line.lstrip(" ")
    if not stripped or stripped[0] == "#":
        return ()
    comment = line.find(" #")  # no quotes are read here: the first " #" starts one
    m = _LINE.fullmatch(line if comment < 0 else line[:comment])
    if m is None:
        raise Unsure
    spaces, key, value = m.groups()
    return len(spaces), key, value, m.start(3)


class Flow:
    """A one-line flow list, kept as written until read (most are a row of counts,
    read in one go)."""

    __slots__ = ("at", "line", "text")

    def __init__(self, text: str, line: int, at: int) -> None:
        self.text, self.line, self.at = text, line, at

    def items(self) -> list[Scalar]:
        if not _FLOW_LIST.fullmatch(self.text):
            raise Unsure
        return [
            (t.group(), self.line, self.at + t.start() + 1) for t in _ITEM.finditer(self.text, 1)
        ]


def _value(text: str, line: int, at: int) -> object:
    """A value on its key's line: a flow list, a flow mapping or a plain scalar, each
    with the line and column of every scalar (``at`` is where ``text`` starts, 0-based)."""
    first = text[0]
    if first == "[":
        return Flow(text, line, at)
    if first == "{":
        if not _FLOW_MAP.fullmatch(text):
            raise Unsure
        out: Mapping = {}
        for p in _PAIR.finditer(text):
            if p.group(1) in out:
                raise Unsure
            out[p.group(1)] = ((p.group(2), line, at + p.start(2) + 1), line, at + p.start() + 1)
        return out
    if not _SCALAR.fullmatch(text):
        raise Unsure
    return (text, line, at + 1)
