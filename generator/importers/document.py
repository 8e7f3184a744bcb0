"""What every source reader produces: a report file as paragraphs and table grids.

Readers (one module per source kind: PDF, Word, HTML, text) turn a file into a
``Document``; the one label matcher places its numbers by the official labels of
``generator/formats/``. A reader never knows the format: it only says what the file
shows and where, so every imported cell can be traced back to the page and line it
came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Where:
    """Where a piece of text sits in the source file, as a reader of the file would find it."""

    page: int | None = None  # 1-based page of a PDF or Word document
    line: int | None = None  # 1-based line of a text file (or of a PDF page)
    table: int | None = None  # 1-based table number in the document
    row: int | None = None  # 1-based row within that table
    column: int | None = None  # 1-based column within that row
    paragraph: int | None = None  # 1-based paragraph of a Word document (it has no lines)

    def describe(self) -> str:
        """Chinese, for the import summary: 第 3 页第 12 行; 第 4 页，表格 2 第 5 行第 3 列
        (the comma keeps a table's row apart from the page's line)."""
        place = ""
        if self.page is not None:
            place += f"第 {self.page} 页"
        if self.line is not None:
            place += f"第 {self.line} 行"
        if self.paragraph is not None:
            place += f"第 {self.paragraph} 段"
        cell = ""
        if self.table is not None:
            cell = f"表格 {self.table}"
            if self.row is not None:
                cell += f" 第 {self.row} 行"
            if self.column is not None:
                cell += f"第 {self.column} 列"
        return "，".join(part for part in (place, cell) if part) or "文件中"


@dataclass(frozen=True)
class Paragraph:
    """A run of text as the source shows it (a PDF/text line, a Word paragraph, an HTML block).

    ``level`` is a heading level when the source marks one (Word heading style, <h2>), else 0.
    """

    text: str
    where: Where
    level: int = 0


@dataclass(frozen=True)
class Cell:
    """One cell of a source table, text as shown (whitespace and line breaks kept).

    Merged cells are given once, at their top-left position, with their spans; readers
    do not copy a merged cell's text into the cells it covers.
    """

    text: str
    where: Where
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class TableGrid:
    """A table as the source lays it out: rows of cells (rows may differ in length)."""

    rows: tuple[tuple[Cell, ...], ...]
    where: Where


Block = Paragraph | TableGrid


@dataclass
class Document:
    """A report file read into blocks in reading order, with what the file says of itself."""

    path: str  # as given on the command line, for messages
    kind: str  # "pdf", "docx", "html", "text"
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None  # document/page title metadata, when there is one
    published: date | None = None  # publication-date metadata (e.g. <meta name="PubDate">)
    pages: int = 0  # page count for PDF/Word; 0 when the source has no pages


class SourceError(Exception):
    """A file that cannot be read as a report; the message is Chinese and says what to do."""
