"""Portal page chrome: what a government portal puts around a report, and its metadata.

Portal pages wrap the report in navigation, a breadcrumb (当前位置：首页 > …), a metadata
block (发布时间：… 来源：… 浏览次数：…), share and print buttons, an attachment list
(附件下载) and a footer (主办单位, 网站标识码, ICP备案). The HTML reader removes them by
element (class, id) and by line, and keeps the publication date they announce.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from .document import Block, TableGrid

# Words in a class or id that mark page chrome (split at - and _; matched whole).
_CHROME_WORDS = {
    "breadcrumb", "breadcrumbs", "crumb", "crumbs", "bread", "position", "location", "weizhi",
    "dqwz", "curpos", "currentpath", "nav", "navbar", "navigation", "menu", "topbar", "footer",
    "foot", "copyright", "share", "bdshare", "bdsharebuttonbox", "jiathis", "fenxiang",
    "print", "dayin", "toolbar", "sidebar", "related", "relate", "xgwz", "xglj", "attachment",
    "attachments", "fujian", "fj", "download", "pager", "pagination", "search", "login",
    "skip", "qrcode", "ewm", "gotop", "backtop",
}  # fmt: skip
_HEAD_WORDS = {"header", "topbar", "banner", "logo"}
_SPLIT = re.compile(r"[\s_-]+")

# Short lines that are page furniture, not report text.
_CHROME_LINE = re.compile(
    r"^(?:(?:您?当前(?:所在)?的?位置|您现在的位置|您的位置|所在位置)\s*[:：]"
    r"|(?:网站)?首页\s*[>›»/＞]"
    r"|.{0,20}分享到"
    r"|(?:相关)?附件(?:下载)?\s*[:：]?\s*$"
    r"|附件下载"
    r"|(?:主办单位|承办单位|协办单位|网站标识码|版权所有|技术支持|网站地图|联系我们)"
    r"|.*(?:ICP备|公网安备)"
    r"|扫一扫"
    r"|(?:上一篇|下一篇)\s*[:：]"
    r"|【?(?:返回顶部|返回首页|返回列表|我要纠错|收藏本页|打印本页|关闭窗口)】?\s*$"
    r"|.*(?:无障碍浏览|长者模式|关怀模式|繁體|简体版)"
    r"|(?:【[^】]{1,8}】\s*)+$"
    r"|.*(?:打印本页|关闭窗口|【打印】|【关闭】|字号\s*[:：]\s*[大中小]|字体\s*[:：]\s*[大中小])"
    r")"
)
_META_LABELS = r"发布时间|发布日期|公开日期|信息来源|来源|浏览次数|访问次数|阅读次数|点击数|点击量|作者|责任编辑|编辑|字号"
_META_LINE = re.compile(rf"^(?:{_META_LABELS})\s*[:：]")
_FILE_LINE = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|et|ofd|zip|rar)\s*$", re.IGNORECASE)
_PUBLISHED_LABEL = re.compile(r"(?:发布时间|发布日期|公开日期)\s*[:：]?\s*")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_PUBLISHED_METAS = (
    "pubdate", "publishdate", "publish_date", "pub_date", "publishtime", "publish_time",
    "firstpublishedtime", "article:published_time", "dc.date.issued", "dcterms.issued",
)  # fmt: skip
_TITLE_METAS = ("articletitle", "article:title", "og:title", "dc.title")
_METADATA_TABLE = ("索引号", "发文机关", "发布机构", "主题分类")


@dataclass(frozen=True)
class PageMetadata:
    title: str | None
    published: date | None


def parse_date(text: str) -> date | None:
    """The first date written in text (2024-01-20, 2024/1/20, 2024年1月20日), if valid."""
    m = _DATE.search(text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def page_metadata(root: Any) -> PageMetadata:
    """Title and publication date from <meta> tags and <title>."""
    metas: dict[str, str] = {}
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if name and content and name not in metas:
            metas[name] = content
    published = None
    for name in _PUBLISHED_METAS:
        if name in metas:
            published = parse_date(metas[name])
            if published:
                break
    title = next((metas[n] for n in _TITLE_METAS if n in metas), None)
    if not title:
        element = root.find(".//title")
        if element is not None:
            title = " ".join((element.text_content() or "").split()) or None
    return PageMetadata(title=title, published=published)


def is_chrome_element(element: Any) -> bool:
    """An element whose class or id names it as navigation, sharing, attachments, footer."""
    names = f"{element.get('class', '')} {element.get('id', '')}".lower()
    if not names.strip():
        return False
    tokens = names.split()
    words = set(_SPLIT.split(names)) | {re.sub(r"[_-]", "", t) for t in tokens}  # top-bar → topbar
    if words & _CHROME_WORDS:
        return not _holds_report(element)
    if words & _HEAD_WORDS:  # a site header; an article's own header holds its title
        return element.find(".//h1") is None and element.find(".//table") is None
    return False


def _holds_report(element: Any) -> bool:
    """A container that a careless class name marks as chrome but holds the report's tables."""
    return element.find(".//table") is not None and len(element.text_content()) > 500


def strip_lines(blocks: list[Block]) -> tuple[list[Block], date | None]:
    """Drop chrome lines and metadata tables; return the publication date they announced."""
    kept: list[Block] = []
    published: date | None = None
    after_attachments = False
    for block in blocks:
        if isinstance(block, TableGrid):
            if _is_metadata_table(block):
                published = published or _table_published(block)
                continue
            after_attachments = False
            kept.append(block)
            continue
        text = block.text.strip()
        if len(text) <= 120 and _is_metadata_line(text):
            m = _PUBLISHED_LABEL.search(text)
            if m:
                published = published or parse_date(text[m.end() :])
            continue
        if len(text) <= 80 and _CHROME_LINE.match(text):
            after_attachments = text.startswith(("附件", "相关附件"))
            continue
        if (after_attachments or len(text) <= 80) and _FILE_LINE.search(text):
            continue  # a file name in the attachment list: report text never ends so
        after_attachments = False
        kept.append(block)
    return kept, published


def _is_metadata_line(text: str) -> bool:
    """发布时间：2024-01-20 来源：… 浏览次数：… (one label at the start, or several)."""
    if _META_LINE.match(text):
        return True
    return len(re.findall(rf"(?:{_META_LABELS})\s*[:：]", text)) >= 2


def _is_metadata_table(table: TableGrid) -> bool:
    texts = [cell.text for row in table.rows for cell in row]
    return sum(any(label in t for t in texts) for label in _METADATA_TABLE) >= 2


def _table_published(table: TableGrid) -> date | None:
    for row in table.rows:
        for i, cell in enumerate(row):
            label = _PUBLISHED_LABEL.match(cell.text.strip())
            if label:
                found = parse_date(cell.text.strip()[label.end() :])
                if not found and i + 1 < len(row):
                    found = parse_date(row[i + 1].text)  # the date in the next cell
                if found:
                    return found
    return None
