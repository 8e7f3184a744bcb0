"""Hints for what a clerk cannot see: the encoding a file really has, indentation made of
tabs or full-width spaces, a bracket left open at the end, invisible characters in a value.
Used by ``yamlparse`` and ``yamlsource`` to word their messages; nothing here reads files
or records problems.
"""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the YAML library loads only where a file is read the full way (yamlparse)
    import yaml

WIDE_HINT = {"UTF-16": "（记事本的“Unicode”）"}  # what Windows calls it


def wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 (the name) when the bytes are text in one of them, with or without a byte
    order mark (the UTF-32 marks begin with the UTF-16 ones, so they are tried first)."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "UTF-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    if b"\x00" not in data[:4096]:
        return None
    # No mark: the text must decode cleanly, with no control characters but line breaks
    # and tabs (a binary file decodes to those, or does not decode at all).
    sample = data[:4096]
    for name, codec in (
        ("UTF-32", "utf-32-le"),
        ("UTF-32", "utf-32-be"),
        ("UTF-16", "utf-16-le"),
        ("UTF-16", "utf-16-be"),
    ):
        try:  # incremental: the sample may end inside a character
            text = codecs.getincrementaldecoder(codec)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        if text and not any((c < " " and c not in "\t\n\r") or "\x7f" <= c < "\xa0" for c in text):
            return name
    return None


# Indentation made of something YAML does not count as indentation, before a key.
_TAB_INDENT = re.compile(r"^[ \u3000]*(\t)", re.M)
_FULLWIDTH_INDENT = re.compile(r"^[ \t]*(\u3000)[ \t\u3000]*[A-Za-z_-]", re.M)


def indentation_fault(text: str, e: yaml.MarkedYAMLError) -> tuple[int, int, str] | None:
    """A tab or a full-width space (U+3000) used to indent, at or before the line where
    libyaml gave up: libyaml's own message points elsewhere (the next line) or says
    something else ("cannot start any token")."""
    mark = e.problem_mark or e.context_mark
    if mark is None:
        return None
    end = mark.index + 1
    for pattern, message in (
        (_TAB_INDENT, "缩进中有制表符（Tab）；YAML 只能用空格缩进，请把制表符改为空格"),
        (_FULLWIDTH_INDENT, "缩进中有全角空格（U+3000）；YAML 只能用半角空格缩进，请改为半角空格"),
    ):
        found = pattern.search(text, 0, end)
        if found:
            start = found.start(1)
            line = text.count("\n", 0, start) + 1
            return line, start - (text.rfind("\n", 0, start) + 1) + 1, message
    return None


def unclosed_bracket(text: str) -> tuple[int, int, str] | None:
    """The innermost bracket still open at the end of the text (quotes and comments
    skipped), as (line, column, bracket)."""
    stack: list[tuple[int, str]] = []
    quote = ""
    comment = False
    for i, c in enumerate(text):
        if comment:
            comment = c != "\n"
        elif quote:
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "#" and (i == 0 or text[i - 1] in " \t\n"):
            comment = True
        elif c in "[{":
            stack.append((i, c))
        elif c in "]}" and stack:
            stack.pop()
    if not stack:
        return None
    at, bracket = stack[-1]
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1, bracket


_INVISIBLE_NAMES = {
    "\u200b": "零宽空格",
    "\u00a0": "不换行空格",
    "\u3000": "全角空格",
    "\ufeff": "零宽不换行空格",
    "\u200c": "零宽非连接符",
    "\u200d": "零宽连接符",
    "\u2060": "字连接符",
    "\u200e": "从左至右标记",
    "\u200f": "从右至左标记",
    "\t": "制表符",
}


def _invisible(c: str) -> bool:
    import unicodedata  # here: only a message quoting text asks (loading it costs ≈ 1 ms)

    return c in _INVISIBLE_NAMES or (
        c != " " and unicodedata.category(c) in ("Cf", "Cc", "Zs", "Zl", "Zp")
    )


def quoted(text: str) -> str:
    """Text in quotes as a message shows it, with every invisible character named, since a
    zero-width or non-breaking space pasted from a web page would otherwise show as
    实为“0”, leaving the clerk nothing to fix: “0” 后跟零宽空格 U+200B."""
    if not any(_invisible(c) for c in text):
        return f"“{text}”"
    visible = "".join(c for c in text if not _invisible(c))
    notes: list[str] = []
    for i, c in enumerate(text):
        if not _invisible(c):
            continue
        if not visible:
            place = "只有"
        elif all(_invisible(x) for x in text[:i]):
            place = "前有"
        elif all(_invisible(x) for x in text[i + 1 :]):
            place = "后跟"
        else:
            place = "中间有"
        note = f"{place}{_INVISIBLE_NAMES.get(c, '不可见字符')} U+{ord(c):04X}"
        if note not in notes:
            notes.append(note)
    return f"“{visible}” {'、'.join(notes)}（看不见的字符，请删除）"
