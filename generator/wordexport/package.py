"""Same report, same bytes: fixed document properties and a normalised zip.

python-docx stamps every zip entry with the time of saving; the entries are rewritten
here in the same order with one fixed timestamp and fixed attributes. The document's own
dates are the report's publication date (or 1 January of the following year), not today.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


def set_properties(doc: Document, title: str, author: str, subject: str, date: dt.date) -> None:
    props = doc.core_properties
    props.title, props.author, props.subject = title, author, subject
    props.keywords = "政府信息公开工作年度报告"
    props.comments = "由 nianbao 根据年报数据生成，供内部审签使用"
    props.last_modified_by, props.category = "nianbao", ""
    props.revision = 1
    moment = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)
    props.created = props.modified = moment
    # the template's thumbnail is a picture of some other page
    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rid]


def save(doc: Document) -> bytes:
    """The document's bytes, the same on every run and in every folder."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for entry in src.infolist():
            info = zipfile.ZipInfo(entry.filename, ZIP_TIME)
            info.create_system = 0
            info.external_attr = 0
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(entry))
    return out.getvalue()
