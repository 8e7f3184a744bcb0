"""Word (.docx) reader: paragraphs with heading levels, real tables with merged cells.

python-docx opens the package and gives the core properties; the body is walked as XML
because merged cells (``gridSpan``, ``vMerge``), content controls and hidden text are only
visible there. A merged cell is given once, at its top-left grid position, with its spans.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn

from .document import Block, Cell, Document, Paragraph, SourceError, TableGrid, Where
from .slivers import GridColumns
from .wordnumbers import Numbering

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc, and encrypted .docx
_CHINA = timezone(timedelta(hours=8))  # a date in core properties is UTC; reports use Beijing time
# A date before the 条例 took effect (2008-05-01) is a template's, not the report's.
_EARLIEST = date(2008, 5, 1)
# python-docx's own template carries this timestamp; it says nothing about the report.
_TEMPLATE_STAMP = datetime(2013, 12, 23, 23, 15, tzinfo=UTC)

_W_P, _W_TBL, _W_SDT, _W_TR, _W_TC = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:tr"), qn("w:tc")
_TEXT_TAGS = {
    qn("w:t"): None,
    qn("w:tab"): "\t",
    qn("w:br"): "\n",
    qn("w:cr"): "\n",
    qn("w:noBreakHyphen"): "-",
}
# Parts of a paragraph whose text is not shown in reading order (deleted revisions, the
# fallback copy of a drawing, text boxes, field instructions) or not text at all.
_SKIP = {
    qn("w:del"),
    qn("w:moveFrom"),
    qn("w:pPr"),
    qn("w:rPr"),
    qn("w:txbxContent"),
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
}
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


def read(path: Path, shown: str) -> Document:
    """Read a .docx file into blocks in reading order; raise SourceError if it cannot be read."""
    head = _head(path, shown)
    if head.startswith(OLE_MAGIC):
        raise SourceError(
            f"{shown}: 这不是 .docx 文件：它是设置了打开密码的 Word 文档，或改了扩展名的旧版 .doc 文件。"
            "请在 Word 中取消密码（文件 → 信息 → 保护文档），或另存为 .docx 后再导入"
        )
    try:
        word = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise SourceError(
            f"{shown}: 无法读取这个 Word 文件，文件已损坏或不是 .docx 格式。"
            "请用 Word 或 WPS 打开后另存为 .docx 再导入"
        ) from None
    except Exception:  # lxml raises its own errors on broken XML inside the package
        raise SourceError(
            f"{shown}: 无法读取这个 Word 文件，其中的内容已损坏。"
            "请用 Word 或 WPS 打开后另存为 .docx 再导入"
        ) from None
    document = Document(path=shown, kind="docx")
    document.blocks = list(_blocks(word))
    document.title = _title(word)
    document.published = _published(word)
    document.pages = _pages(word)
    return document


def _head(path: Path, shown: str) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(8)
    except OSError as e:
        raise SourceError(f"{shown}: 无法打开文件（{e.strerror}）") from None


def _blocks(word: Any) -> Iterator[Block]:
    body = word.element.body
    styles = _heading_levels(word)
    numbering = Numbering(word)
    at = _Position(pages_known=_has_page_break(body))
    contents = _contents_styles(word)
    for element in _body_elements(body):
        if element.tag == _W_P:
            at.paragraph += 1
            if _style_of(element) in contents:
                continue  # a table of contents lists the headings a second time
            before, after = _breaks_around_text(element)
            at.breaks += before
            text = numbering.label(element) + _paragraph_text(element)
            where = Where(page=at.page, paragraph=at.paragraph)
            for line in text.split("\n"):  # a manual line break (落款 lines) ends a line
                if line.strip():
                    yield Paragraph(text=line, where=where, level=_level(element, styles))
            at.breaks += after  # the paragraph starts on the page before
        else:
            at.table += 1
            yield _table(element, at, numbering)


class _Position:
    """Where the walk is in the body. Pages are known only when Word recorded its page
    breaks (a file saved by Word does; one written by a program may not)."""

    def __init__(self, pages_known: bool) -> None:
        self.pages_known = pages_known
        self.paragraph = 0
        self.table = 0
        self.breaks = 0

    @property
    def page(self) -> int | None:
        return self.breaks + 1 if self.pages_known else None


def _body_elements(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables in reading order, looking inside content controls and into
    the cells of a table that only lays out the page (one holding another table)."""
    for child in parent.iterchildren():
        if child.tag == _W_P:
            yield child
        elif child.tag == _W_TBL:
            if child.find(f".//{_W_TBL}") is None:
                yield child
            else:
                for tr in child.iterchildren(_W_TR):
                    for tc in _row_cells(tr):
                        yield from _body_elements(tc)
        elif child.tag == _W_SDT:
            if _is_contents_control(child):
                continue
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_elements(content)


def _is_contents_control(sdt: Any) -> bool:
    """Word's generated table of contents (docPartGallery “Table of Contents”)."""
    gallery = sdt.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}")
    return gallery is not None and "contents" in (gallery.get(qn("w:val")) or "").lower()


def _contents_styles(word: Any) -> set[str]:
    """Style ids of table-of-contents entries (TOC 1, 目录 1)."""
    return {
        style.style_id
        for style in word.styles
        if re.match(r"^(?:toc|目录)\s*\d", (style.name or "").strip(), re.IGNORECASE)
    }


def _style_of(p: Any) -> str | None:
    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return None if style is None else style.get(qn("w:val"))


def _paragraph_text(p: Any) -> str:
    parts: list[str] = []

    def walk(element: Any) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if tag in _SKIP:
                continue
            if tag == qn("w:r") and _hidden(child):
                continue
            if tag in _TEXT_TAGS:
                if tag == qn("w:br") and child.get(qn("w:type")) == "page":
                    continue  # a page break ends the page, not the line
                fixed = _TEXT_TAGS[tag]
                parts.append(child.text or "" if fixed is None else fixed)
            else:
                walk(child)

    walk(p)
    return "".join(parts).replace("\xa0", " ")


def _hidden(run: Any) -> bool:
    props = run.find(qn("w:rPr"))
    if props is None:
        return False
    vanish = props.find(qn("w:vanish"))
    return vanish is not None and vanish.get(qn("w:val"), "true") not in ("0", "false", "off")


def _page_breaks(element: Any) -> int:
    """Page breaks inside an element: explicit ones and those Word rendered when saving."""
    explicit = sum(1 for br in element.iter(qn("w:br")) if br.get(qn("w:type")) == "page")
    return explicit + sum(1 for _ in element.iter(qn("w:lastRenderedPageBreak")))


def _has_page_break(element: Any) -> bool:
    return _page_breaks(element) > 0


def _breaks_around_text(p: Any) -> tuple[int, int]:
    """Page breaks before a paragraph's first text (it starts a page) and after it."""
    before = after = 0
    if p.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None:
        before += 1
    seen_text = False
    for element in p.iter(qn("w:t"), qn("w:br"), qn("w:lastRenderedPageBreak")):
        if element.tag == qn("w:t"):
            seen_text = seen_text or bool(element.text)
        elif element.tag == qn("w:br") and element.get(qn("w:type")) != "page":
            continue
        elif seen_text:
            after += 1
        else:
            before += 1
    return before, after


def _heading_levels(word: Any) -> dict[str, int]:
    """Style id → heading level, from the style name (Heading 2, 标题 2) or its outline level."""
    levels: dict[str, int] = {}
    for style in word.styles:
        name = style.name or ""
        m = _HEADING_STYLE.match(name.strip())
        if m:
            levels[style.style_id] = int(m.group(1))
        elif name.strip().lower() in ("title", "标题"):
            levels[style.style_id] = 1
        else:
            outline = style.element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
            if outline is not None:
                level = _outline_level(outline)
                if level:
                    levels[style.style_id] = level
    return levels


def _level(p: Any, styles: dict[str, int]) -> int:
    props = p.find(qn("w:pPr"))
    if props is None:
        return 0
    outline = props.find(qn("w:outlineLvl"))
    if outline is not None:  # set on the paragraph itself: wins over its style
        return _outline_level(outline)
    style = props.find(qn("w:pStyle"))
    return styles.get(style.get(qn("w:val")), 0) if style is not None else 0


def _outline_level(element: Any) -> int:
    """w:outlineLvl counts from 0 for level 1; 9 means body text."""
    try:
        value = int(element.get(qn("w:val"), "9"))
    except ValueError:
        return 0
    return value + 1 if 0 <= value < 9 else 0


def _table(tbl: Any, at: _Position, numbering: Numbering) -> TableGrid:
    """The table's cells, each merged cell once at its top-left with its spans."""
    first_page = at.page
    rows = [tr for tr in tbl.iterchildren(_W_TR)]
    # Per row: (grid column, colspan, vMerge state, tc element) for every w:tc.
    laid: list[list[tuple[int, int, str | None, Any]]] = []
    for tr in rows:
        column = _grid_before(tr)
        row_cells: list[tuple[int, int, str | None, Any]] = []
        for tc in _row_cells(tr):
            props = tc.find(qn("w:tcPr"))
            span, merge = 1, None
            if props is not None:
                grid_span = props.find(qn("w:gridSpan"))
                if grid_span is not None:
                    span = max(1, _int(grid_span.get(qn("w:val")), 1))
                v_merge = props.find(qn("w:vMerge"))
                if v_merge is not None:
                    merge = v_merge.get(qn("w:val"), "continue")
                h_merge = props.find(qn("w:hMerge"))  # Word 2003's horizontal merge
                continued = (
                    h_merge is not None and h_merge.get(qn("w:val"), "continue") != "restart"
                )
                if continued and row_cells:  # covered by the cell before it: widen that one
                    start, before, state, cell = row_cells[-1]
                    row_cells[-1] = (start, before + span, state, cell)
                    column += span
                    continue
            row_cells.append((column, span, merge, tc))
            column += span
        laid.append(row_cells)

    starts = GridColumns(_grid_widths(tbl))
    out_rows: list[tuple[Cell, ...]] = []
    for r, row_cells in enumerate(laid):
        at.breaks += _page_breaks(rows[r])  # a row Word moved to the next page
        cells: list[Cell] = []
        for column, span, merge, tc in row_cells:
            if merge == "continue":
                continue  # covered by the cell above
            rowspan = 1
            if merge == "restart":
                for below in laid[r + 1 :]:
                    if not any(c == column and m == "continue" for c, _, m, _ in below):
                        break
                    rowspan += 1
            at_column = starts.column(column) + 1
            where = Where(page=at.page, table=at.table, row=r + 1, column=at_column)
            colspan = starts.span(column, span)
            text = _cell_text(tc, numbering)
            cells.append(Cell(text, where, rowspan=rowspan, colspan=colspan))
        out_rows.append(tuple(cells))
    return TableGrid(rows=tuple(out_rows), where=Where(page=first_page, table=at.table))


def _grid_widths(tbl: Any) -> list[int | None]:
    grid = tbl.find(qn("w:tblGrid"))
    if grid is None:
        return []
    return [_int(col.get(qn("w:w")), 0) or None for col in grid.iterchildren(qn("w:gridCol"))]


def _row_cells(tr: Any) -> Iterator[Any]:
    for child in tr.iterchildren():
        if child.tag == _W_TC:
            yield child
        elif child.tag == _W_SDT:  # a content control around cells
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from content.iterchildren(_W_TC)


def _grid_before(tr: Any) -> int:
    before = tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}")
    return _int(before.get(qn("w:val")), 0) if before is not None else 0


def _cell_text(tc: Any, numbering: Numbering) -> str:
    """A cell's paragraphs joined by line breaks (a nested table's text included)."""
    lines = [numbering.label(p) + _paragraph_text(p) for p in tc.iter(_W_P)]
    return "\n".join(lines)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _title(word: Any) -> str | None:
    title = (word.core_properties.title or "").strip()
    return title or None


def _published(word: Any) -> date | None:
    """The last-saved (else created) date, when it is plausibly the report's own.

    Word stamps these when the file is saved; a copied template keeps its old ones, so a
    date before the 条例 took effect, or python-docx's template stamp, is dropped. The
    date line in the text, when there is one, is the better witness.
    """
    props = word.core_properties
    for stamp in (props.modified, props.created):
        if not isinstance(stamp, datetime) or stamp == _TEMPLATE_STAMP:
            continue
        aware = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
        day = aware.astimezone(_CHINA).date()
        if day >= _EARLIEST:
            return day
    return None


def _pages(word: Any) -> int:
    """The page count Word saved in docProps/app.xml, 0 when it is not there."""
    for rel in word.part.package.rels.values():
        if rel.reltype.endswith("/extended-properties") and not rel.is_external:
            m = re.search(rb"<(?:\w+:)?Pages>(\d+)</", rel.target_part.blob)
            if m:
                return int(m.group(1))
    return 0
