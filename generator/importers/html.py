"""HTML reader: portal pages and Word-exported HTML, page chrome stripped.

lxml parses the page (libxml2's forgiving HTML parser; python-docx already depends on
lxml, so the HTML reader adds no library). The encoding is decided here, from the BOM, the
``<meta charset>`` or ``http-equiv`` declaration, else UTF-8 with a GB18030 fallback;
GBK and GB2312 are decoded as GB18030, their superset, because portal pages declared GB2312
routinely hold characters outside it. Page chrome (navigation, breadcrumbs, share buttons,
metadata blocks, 附件下载) is the reader's job: the mapper only sees the report.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

from . import chrome
from .document import Block, Cell, Document, Paragraph, SourceError, TableGrid, Where

_GB = {
    "gbk",
    "gb2312",
    "gb_2312-80",
    "gb_2312",
    "x-gbk",
    "cp936",
    "ms936",
    "windows-936",
    "euc-cn",
    "csgb2312",
}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Elements whose content is never report text.
_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "nav", "aside", "form", "button", "select", "input", "textarea",
    "map", "audio", "video", "head",
)  # fmt: skip
_BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "blockquote", "section", "article", "main", "center", "pre", "address", "figure",
    "figcaption", "table", "tr", "td", "th", "tbody", "thead", "tfoot", "caption", "body",
    "hr", "header", "footer",
}  # fmt: skip
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|mso-hide\s*:\s*all|visibility\s*:\s*hidden", re.I)
_SPACE_RUN = re.compile(r"[ \t\r\n\f\v\xa0\u3000]*[\r\n][ \t\r\n\f\v\xa0\u3000]*|[ \t\f\v]+")
_BREAK = "\u2028"  # a <br> inside inline text: not source whitespace, so collapse keeps it
_LONGEST_CELL = 400  # characters, whitespace included
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


def read(path: Path, shown: str) -> Document:
    """Read an HTML page into blocks in reading order; raise SourceError if it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SourceError(f"{shown}: 无法打开文件（{e.strerror}）") from None
    return read_bytes(data, shown)


def read_bytes(data: bytes, shown: str, kind: str = "html") -> Document:
    """Read HTML given as bytes (also used for a Word HTML file saved with a .doc name)."""
    if not data.strip():
        raise SourceError(f"{shown}: 文件是空的，没有可导入的内容")
    text = _XML_DECL.sub("", decode(data))
    try:
        root = lxml.html.document_fromstring(text, parser=_parser())
    except (etree.ParserError, ValueError) as e:
        raise SourceError(f"{shown}: 无法解析这个网页（{e}）") from None
    metadata = chrome.page_metadata(root)
    body = root.find("body")
    if body is None:
        body = root
    _drop_hidden_and_chrome(body)
    document = Document(path=shown, kind=kind)
    blocks = list(_Walker().blocks(body))
    document.blocks, published_line = chrome.strip_lines(blocks)
    document.title = metadata.title or _first_heading(document.blocks)
    document.published = metadata.published or published_line
    return document


def decode(data: bytes) -> str:
    """The page's text: BOM, then the declared charset, else UTF-8, else GB18030."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    declared = _declared(data[:32768])  # portal pages may put long scripts before <meta>
    if declared:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass  # a page declared wrongly (often UTF-8 that is really GBK): try the others
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _declared(head: bytes) -> str | None:
    m = _META_CHARSET.search(head) or re.search(rb"""<\?xml[^>]+encoding=["']([\w.:-]+)""", head)
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    if name in _GB:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _parser() -> Any:
    return lxml.html.HTMLParser(remove_comments=True, remove_pis=True, recover=True)


def _drop_hidden_and_chrome(body: Any) -> None:
    for element in list(body.iter(*_DROP_TAGS)):
        _remove(element)
    for element in list(body.iter("header", "footer")):
        if element.find(".//h1") is None and element.find(".//table") is None:
            _remove(element)  # site header/footer; an <article>'s own header holds its title
    for element in list(body.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        if _HIDDEN_STYLE.search(element.get("style", "")) or chrome.is_chrome_element(element):
            _remove(element)


def _remove(element: Any) -> None:
    """Remove an element but keep the text that follows it (its tail)."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


class _Walker:
    """Turns the body into paragraphs (one per block or <br> line) and data tables."""

    def __init__(self) -> None:
        self.tables = 0

    def blocks(self, container: Any) -> Iterator[Block]:
        line: list[str] = []
        line_at: list[int | None] = [container.sourceline]

        def flush() -> Iterator[Block]:
            for text in collapse("".join(line)).split(_BREAK):  # <br> inside inline elements
                if text.strip():
                    where = Where(line=line_at[0])
                    yield Paragraph(text=text.strip(), where=where, level=_level(container))
            line.clear()

        if container.text:
            line.append(container.text)
        for child in container:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "br":
                yield from flush()
                line_at[0] = child.sourceline
            elif tag == "table" and _is_data_table(child):
                yield from flush()
                self.tables += 1
                yield _table(child, self.tables)
            elif tag in _BLOCK_TAGS:
                yield from flush()
                yield from self.blocks(child)
                line_at[0] = child.sourceline
            elif tag:
                if _holds_blocks(child):
                    yield from flush()
                    yield from self.blocks(child)
                else:
                    if not line:
                        line_at[0] = child.sourceline
                    line.append(_inline_text(child))
            if child.tail:
                line.append(child.tail)
        yield from flush()


def _level(element: Any) -> int:
    tag = element.tag if isinstance(element.tag, str) else ""
    return int(tag[1]) if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456" else 0


def _holds_blocks(element: Any) -> bool:
    return any(isinstance(d.tag, str) and d.tag in _BLOCK_TAGS for d in element.iterdescendants())


def _inline_text(element: Any) -> str:
    """Text of an inline element; a <br> inside it is marked, to end the line there."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if child.tag == "br":
            parts.append(_BREAK)
        elif isinstance(child.tag, str):
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def collapse(text: str) -> str:
    """HTML whitespace as a browser shows it: a source line break between two Chinese
    characters disappears (Word's HTML export wraps lines inside words), other runs
    become one space; &nbsp; is a space."""
    out: list[str] = []
    last = 0
    for m in _SPACE_RUN.finditer(text):
        out.append(text[last : m.start()])
        run = m.group(0)
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        has_break = "\n" in run or "\r" in run
        if has_break and _WIDE.match(before or " ") and _WIDE.match(after or " "):
            out.append("")
        else:
            out.append(" ")
        last = m.end()
    out.append(text[last:])
    return "".join(out).replace("\xa0", " ").strip()


def _is_data_table(table: Any) -> bool:
    """A table of data, not one that lays out the page: no table inside, more than one
    cell, and no cell holding page text (a report table's longest label is ~50 characters)."""
    if table.find(".//table") is not None:
        return False
    cells = table.xpath(".//td | .//th")
    return len(cells) > 1 and all(len(c.text_content()) <= _LONGEST_CELL for c in cells)


def _rows(table: Any) -> list[Any]:
    return list(table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"))


def _table(table: Any, number: int) -> TableGrid:
    """Rows of cells with their spans; Where.column is the cell's column in the full grid."""
    rows = _rows(table)
    taken: set[tuple[int, int]] = set()  # grid positions covered by a rowspan from above
    laid: list[list[tuple[int, int, int, Any]]] = []  # per row: (column, rowspan, colspan, td)
    for r, tr in enumerate(rows):
        column = 0
        row_cells: list[tuple[int, int, int, Any]] = []
        for td in tr.xpath("./td | ./th"):
            while (r, column) in taken:
                column += 1
            colspan = _span(td.get("colspan"), 1000)
            rowspan = min(_span(td.get("rowspan"), 65534), len(rows) - r)
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, column + dc))
            row_cells.append((column, rowspan, colspan, td))
            column += colspan
        laid.append(row_cells)
    out: list[tuple[Cell, ...]] = []
    for r, row_cells in enumerate(laid):
        cells: list[Cell] = []
        for column, rowspan, colspan, td in row_cells:
            text = "\n".join(filter(None, (collapse(t) for t in _cell_lines(td))))
            where = Where(line=td.sourceline, table=number, row=r + 1, column=column + 1)
            cells.append(Cell(text, where, rowspan=rowspan, colspan=colspan))
        out.append(tuple(cells))
    return TableGrid(rows=tuple(out), where=Where(line=table.sourceline, table=number))


def _cell_lines(td: Any) -> list[str]:
    """A cell's text split where the page shows line breaks (<br>, paragraphs inside it)."""
    lines: list[str] = [""]

    def walk(element: Any) -> None:
        if element.text:
            lines[-1] += element.text
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "br":
                lines.append("")
            elif tag in _BLOCK_TAGS:
                lines.append("")
                walk(child)
                lines.append("")
            elif tag:
                walk(child)
            if child.tail:
                lines[-1] += child.tail

    walk(td)
    return lines


def _span(value: str | None, most: int) -> int:
    try:
        n = int((value or "1").strip())
    except ValueError:
        return 1
    return min(max(n, 1), most)


def _first_heading(blocks: list[Block]) -> str | None:
    for block in blocks:
        if isinstance(block, Paragraph) and block.level == 1:
            return block.text
    return None
