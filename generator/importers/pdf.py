"""PDF files with a text layer, read with pdfplumber.

Text comes line by line with its position: a line set in from the left margin is marked
as indented (a paragraph's first line). Table rows (two cells or more, from the ruling
lines pdfplumber finds) come as table grids with their cells' spans, so a blank cell
stays a blank cell and "10" stays one cell. Single-cell rows (a frame drawn round the
whole page, a caption row) are read as text lines. A scan without a text layer, a
password and a damaged file are refused with a message; no OCR.
"""

from __future__ import annotations

import bisect
import contextlib
import logging
from pathlib import Path
from typing import Any

from .document import Block, Cell, Document, Paragraph, SourceError, TableGrid, Where
from .narrative import INDENT

_TOLERANCE = 2.0  # points: ruling lines of one column edge differ by a little


def read(path: Path, shown: str) -> Document:
    import pdfplumber  # the PDF stack loads only when a PDF is imported
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    # pdfminer logs every oddity of a damaged file; the one message below says it all
    logging.getLogger("pdfminer").setLevel(logging.CRITICAL)

    try:
        pdf = pdfplumber.open(path)
    except PDFPasswordIncorrect:
        raise SourceError(_password(shown)) from None
    except Exception as e:  # pdfminer raises many kinds for a damaged file
        if "password" in repr(e).lower() or "encrypt" in repr(e).lower():
            raise SourceError(_password(shown)) from None
        raise SourceError(f"{shown}: PDF 文件已损坏，无法读取（{type(e).__name__}）") from None
    try:
        doc = Document(path=shown, kind="pdf", pages=len(pdf.pages))
        tables = 0
        has_text = False
        for number, page in enumerate(pdf.pages, start=1):
            blocks, tables, text = _page(page, number, tables)
            has_text = has_text or text
            doc.blocks.extend(blocks)
    except Exception as e:
        if "password" in repr(e).lower():
            raise SourceError(_password(shown)) from None
        raise SourceError(f"{shown}: PDF 文件已损坏，无法读取（{type(e).__name__}）") from None
    finally:
        with contextlib.suppress(Exception):  # closing reads the page list again
            pdf.close()
    if not has_text:
        raise SourceError(
            f"{shown}: 这个 PDF 没有文字层（可能是扫描件），无法导入；"
            "请找到原始的 Word 或网页版本，或先用 OCR 软件转成带文字层的 PDF"
        )
    return doc


def _password(shown: str) -> str:
    return f"{shown}: PDF 文件设有密码，无法读取；请先用原密码解除保护后再导入"


def _page(page: Any, number: int, tables: int) -> tuple[list[Block], int, bool]:
    lines = page.extract_text_lines(return_chars=False)
    if not lines:
        return [], tables, False
    placed: list[tuple[float, int, Block]] = []
    bands: list[tuple[float, float, float, float]] = []  # x0, top, x1, bottom of table rows
    for table in page.find_tables():
        grid_rows, row_boxes = _table_rows(table, number, tables + 1)
        if not grid_rows:
            continue
        tables += 1
        bands.extend(row_boxes)
        # consecutive rows make one grid; a caption row between them splits it
        run: list[tuple[Cell, ...]] = []
        run_top = 0.0
        for i, ((top, cells), box) in enumerate(zip(grid_rows, row_boxes, strict=True)):
            if run and box[1] - row_boxes[i - 1][3] > _TOLERANCE:
                placed.append((run_top, 1, TableGrid(tuple(run), run[0][0].where)))
                run = []
            if not run:
                run_top = top
            run.append(cells)
        if run:
            placed.append((run_top, 1, TableGrid(tuple(run), run[0][0].where)))
    margin = min(line["x0"] for line in lines)
    for i, line in enumerate(lines, start=1):
        middle = (line["top"] + line["bottom"]) / 2
        centre = (line["x0"] + line["x1"]) / 2
        if any(x0 <= centre <= x1 and top <= middle <= bottom for x0, top, x1, bottom in bands):
            continue
        size = max(line["bottom"] - line["top"], 1.0)
        text = line["text"]
        if line["x0"] - margin >= 1.5 * size:
            text = INDENT + text
        placed.append((line["top"], 0, Paragraph(text, Where(page=number, line=i))))
    placed.sort(key=lambda item: (item[0], item[1]))
    return [block for _, _, block in placed], tables, True


def _edges(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _TOLERANCE:
            out.append(v)
    return out


def _index(edges: list[float], value: float) -> int:
    i = bisect.bisect_left(edges, value - _TOLERANCE)
    return min(i, len(edges) - 1)


def _table_rows(
    table: Any, page: int, number: int
) -> tuple[list[tuple[float, tuple[Cell, ...]]], list[tuple[float, float, float, float]]]:
    """The table's rows of two cells or more, each cell with its row and column spans."""
    texts = table.extract()
    boxes = [box for row in table.rows for box in row.cells if box is not None]
    if not boxes:
        return [], []
    xs = _edges([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _edges([b[1] for b in boxes] + [b[3] for b in boxes])
    out = []
    row_boxes = []
    for row, row_texts in zip(table.rows, texts, strict=True):
        cells = [
            (box, text) for box, text in zip(row.cells, row_texts, strict=True) if box is not None
        ]
        if len(cells) < 2:
            continue
        made = []
        for box, text in cells:
            col = _index(xs, box[0])
            top = _index(ys, box[1])
            made.append(
                Cell(
                    text or "",
                    Where(page=page, table=number, row=top + 1, column=col + 1),
                    rowspan=max(_index(ys, box[3]) - top, 1),
                    colspan=max(_index(xs, box[2]) - col, 1),
                )
            )
        out.append((row.bbox[1], tuple(made)))
        row_boxes.append(tuple(row.bbox))
    return out, row_boxes
