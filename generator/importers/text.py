"""Plain-text and Markdown extractions of a report: one line, one paragraph.

A table row is a line of space-separated cells (the numbers at its end); a Markdown table
(``| a | b |``) is read as a real table, so its blank cells stay blank cells.
"""

from __future__ import annotations

import re
from pathlib import Path

from .document import Block, Cell, Document, Paragraph, SourceError, TableGrid, Where

_META = re.compile(r"^#\s*(source|format|来源)\s*[:：]")  # header lines of an extraction
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def decode(data: bytes, shown: str) -> str:
    """UTF-8 (with or without BOM), else GB18030 (which covers GBK and GB2312)."""
    if b"\x00" in data[:4096]:
        raise SourceError(f"{shown}: 这不是文本文件（含有二进制数据），无法作为文本年报导入")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError(f"{shown}: 无法识别文件的文字编码（应为 UTF-8 或 GBK）")


def read(path: Path, shown: str) -> Document:
    text = decode(path.read_bytes(), shown)
    doc = Document(path=shown, kind="text")
    table: list[tuple[Cell, ...]] = []
    table_start = 0
    tables = 0

    def close_table() -> None:
        nonlocal table, tables
        if table:
            tables += 1
            doc.blocks.append(TableGrid(tuple(table), Where(line=table_start, table=tables)))
            table = []

    blocks: list[Block] = doc.blocks
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if _META.match(line):
            continue
        if line.lstrip().startswith("|"):
            if not table:
                table_start = n
            if _RULE.match(line.strip()):
                continue
            parts = line.strip().strip("|").split("|")
            table.append(
                tuple(
                    Cell(p.strip().replace("<br>", "\n"), Where(line=n, column=i))
                    for i, p in enumerate(parts, start=1)
                )
            )
            continue
        close_table()
        m = _HEADING.match(line)
        if m:
            blocks.append(Paragraph(m.group(2).strip(), Where(line=n), level=len(m.group(1))))
        else:
            blocks.append(Paragraph(line, Where(line=n)))
    close_table()
    if not any(isinstance(b, Paragraph) and b.text.strip() for b in blocks) and not tables:
        raise SourceError(f"{shown}: 文件是空的，没有可导入的内容")
    return doc
