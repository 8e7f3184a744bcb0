"""The report as a Word document for internal sign-off (审签), laid out per GB/T 9704.

``report_docx`` turns a loaded, validated report into the bytes of a ``.docx``: the title,
the preface, the six official sections in the format's order with tables 二, 三 and 四 set
as the national template prints them, and the narrative. Everything it prints of the
format (headings, labels) comes from the format description.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cache

import docx
from docx.document import Document
from docx.oxml.ns import qn

from ..model import Agency, Report
from ..outputs import report_title
from ..tables import display, grids
from .layout import BODY, HEADINGS, SIGNATURE, TABLE_TEXT, TITLE, add_paragraph, set_up, style_id
from .narrative import add_markdown
from .package import save, set_properties
from .tables import add_table

TITLE_CHARS = 20  # 二号 characters on one line of the 版心


def report_docx(agency: Agency, report: Report) -> bytes:
    """The report's Word document, byte for byte the same for the same report."""
    doc = docx.Document(io.BytesIO(_blank()))
    _title(doc, agency, report.year)
    if "preface" in report.narratives:
        add_markdown(doc, report.narratives["preface"])
    tables = {g.key: g for g in grids(report.format)}
    for section in report.format.sections:
        add_paragraph(doc, HEADINGS[0], section.heading)
        if section.table:
            add_table(doc, tables[section.table], report, style_id(TABLE_TEXT))
        elif section.narrative and section.narrative in report.narratives:
            add_markdown(doc, report.narratives[section.narrative])
        if section.narrative == "other" and report.processing_fees:
            fees = report.processing_fees
            add_paragraph(
                doc,
                BODY,
                f"发出收费通知的件数：{fees.notices} 件；"
                f"收费通知总金额：{display(fees.noticed_amount)} 元；"
                f"实际收取总金额：{display(fees.collected)} 元。",
            )
    if report.published:
        add_paragraph(doc, BODY)
        d = report.published
        add_paragraph(doc, SIGNATURE, f"{d.year}年{d.month}月{d.day}日")
    elif doc.element.body.sectPr.getprevious().tag == qn("w:tbl"):
        add_paragraph(doc, BODY)  # Word ends a document with a paragraph, never a table
    date = report.published or dt.date(report.year + 1, 1, 1)
    set_properties(doc, report_title(agency, report.year), agency.name, report.format.title, date)
    return save(doc)


@cache
def _blank() -> bytes:
    """The empty document with page, styles and page numbers set, made once a process:
    setting up the styles costs more than the rest of a report."""
    doc = docx.Document()
    set_up(doc)
    raw = io.BytesIO()
    doc.save(raw)
    return raw.getvalue()


def _title(doc: Document, agency: Agency, year: int) -> None:
    """The title, broken after the agency's name when it needs two lines (a trapezoid:
    the shorter line above, as GB/T 9704 asks of a title of several lines)."""
    title = report_title(agency, year)
    p = add_paragraph(doc, TITLE)
    rest = title.removeprefix(agency.name)
    if len(title) > TITLE_CHARS and len(agency.name) <= TITLE_CHARS and rest != title:
        p.add_run(agency.name).add_break()
        p.add_run(rest)
    else:
        p.add_run(title)
    add_paragraph(doc, BODY)  # 标题下空一行
