"""A report file cut at its six section headings, and what its title and 落款 say.

Headings are found by their official wording (``generator/formats/``: heading and
``aliases:``), tolerating renumbering, renaming and run-in text ("一、总体情况。2023年…"),
in order: a line reading like ``四、结转下年度继续办理`` inside table 三 is a row, not the
heading of section 四, because it does not read like that heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..formats import Section, all_formats
from .document import Block, Document, Paragraph, SourceError
from .labels import NUMERALS, core, nfkc, similarity, squeeze

HEADING_CUTOFF = 0.6
# A line that is only a page number: "- 3 -", "— 3 —", "3", "第 3 页", "第3页 共5页", "3/5".
PAGE_NUMBER = re.compile(
    r"^[\s\-—–－_·]*(?:第\s*)?\d{1,3}\s*(?:页)?(?:\s*[/／]\s*\d{1,3}|\s*共\s*\d{1,3}\s*页)?[\s\-—–－_·]*$"
)
_DATE = re.compile(r"(\d{4})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})\s*日?")
_TITLE_YEAR = re.compile(r"(\d{4})\s*年\s*度?")
_TITLE = re.compile(r"年度报告|年报|(\d|[〇○零一二三四五六七八九]){4}年.*报告")


def _name_line(text: str) -> bool:
    flat = squeeze(text)
    return 0 < len(flat) <= 30 and not re.search(r"[。，,：:>＞|/（）()]", flat)


@dataclass
class Region:
    """The blocks of one section (or of the front matter, ``number`` "")."""

    number: str
    heading: Paragraph | None
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Cut:
    front: Region
    sections: dict[str, Region]  # by section number 一 … 六


def section_headings() -> dict[str, list[str]]:
    """Every wording a heading may take, by section number, from every format."""
    out: dict[str, list[str]] = {}
    for fmt in all_formats().values():
        for s in fmt.sections:
            for text in (s.heading, *s.aliases):
                if text not in out.setdefault(s.number, []):
                    out[s.number].append(text)
    return out


def official_sections() -> tuple[Section, ...]:
    return next(iter(all_formats().values())).sections


# Portal page furniture that sits around a report's text on a web page or its printout.
_CHROME = re.compile(
    r"^\s*[【\[]?(附件下载|相关附件|附件：|分享到|打印本页|打印|关闭窗口|关闭|保存本页|扫一扫|"
    r"字号|当前位置|您当前的位置|首页\s*[>＞»]|发布时间|发布日期|浏览次数|访问量|信息来源|来源：)"
)


def is_chrome(text: str) -> bool:
    """A line of portal page furniture (分享到, 打印本页, 附件下载 …), not report text."""
    return bool(_CHROME.match(nfkc(text))) and len(text.strip()) <= 60


def is_page_number(text: str) -> bool:
    return bool(PAGE_NUMBER.match(nfkc(text))) and any(ch.isdigit() for ch in text)


def _heading_number(text: str, wanted: dict[str, list[str]]) -> tuple[str, str] | None:
    """(section number, run-in text after the heading) when ``text`` opens a section."""
    t = squeeze(text)
    m = re.match(rf"^([{NUMERALS}]+)[、.．,，]", t)
    if not m or len(t) < 3:
        return None
    number = m.group(1)
    if number not in wanted:
        return None
    head, rest = _split_run_in(text.strip())
    said = core(head)
    for heading in wanted[number]:
        want = core(heading)
        if said == want or similarity(said, want) >= HEADING_CUTOFF:
            return number, rest
    return None


def _split_run_in(text: str) -> tuple[str, str]:
    """The heading and the text run on after it ("一、总体情况。2023 年…")."""
    m = re.search(r"[。：:]", text)
    if m is None:
        return text, ""
    return text[: m.start()], text[m.end() :].strip()


def cut(doc: Document) -> Cut:
    """The document split at its section headings, in order; two reports in one file and
    a file without any section are errors (``SourceError``)."""
    wanted = section_headings()
    order = list(wanted)
    front = Region("", None)
    sections: dict[str, Region] = {}
    current = front
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            found = _heading_number(block.text, wanted)
            if found is not None:
                number, rest = found
                seen = [order.index(n) for n in sections]
                if number in sections and order.index(number) == 0:
                    raise SourceError(
                        f"{doc.path}: 文件中有两份年报（{block.where.describe()}又一次出现“{block.text.strip()}”）；请把每份年报存为单独的文件再导入"
                    )
                if not seen or order.index(number) > max(seen):
                    heading = Paragraph(block.text, block.where, block.level)
                    current = Region(number, heading)
                    sections[number] = current
                    if rest:
                        current.blocks.append(Paragraph(rest, block.where))
                    continue
        current.blocks.append(block)
    if len(sections) < 2:
        raise SourceError(
            f"{doc.path}: 这不像一份政府信息公开工作年度报告：找不到“一、总体情况”“二、主动公开政府信息情况”等部分"
        )
    return Cut(front, sections)


# ---------------------------------------------------------------------------------------
# Title, agency, year, date


@dataclass
class Front:
    title: str
    agency: str | None
    year: int | None
    body: list[Paragraph]  # the front matter without its title lines


def read_front(front: Region, doc: Document) -> Front:
    """The title lines (up to the one naming the 年度报告) and the paragraphs after them."""
    paragraphs = [
        b
        for b in front.blocks
        if isinstance(b, Paragraph) and not is_page_number(b.text) and not is_chrome(b.text)
    ]
    title_lines: list[str] = []
    body = paragraphs
    for i, p in enumerate(paragraphs[:20]):
        flat = squeeze(p.text)
        if len(flat) <= 60 and "。" not in flat and _TITLE.search(flat):
            # the agency often stands on its own line(s) above: short, no punctuation
            first = i
            while first > 0 and i - first < 2 and _name_line(paragraphs[first - 1].text):
                first -= 1
            title_lines = [q.text for q in paragraphs[first : i + 1]]
            body = paragraphs[i + 1 :]  # what stands before the title is page chrome
            break
    title = squeeze("".join(title_lines)) or squeeze(doc.title or "")
    # 二〇二三年度 → 2023年度
    title = re.sub(
        r"[〇○零一二三四五六七八九]{4}(?=年)",
        lambda m: "".join(_CN_DIGITS[c] for c in m.group(0)),
        title,
    )
    year = None
    m = _TITLE_YEAR.search(title)
    if m:
        year = int(m.group(1))
    agency = None
    if m:
        agency = title[: m.start()].strip() or None
    if agency is None and title:
        agency = re.split(r"政府信息公开", title)[0] or None
    if agency:
        agency = _full_name(agency, " ".join(p.text for p in body))
    if year is None:  # the statistical period: 统计期限自 2023 年 1 月 1 日
        text = squeeze(" ".join(p.text for p in body))
        m2 = re.search(r"自(\d{4})年1月1日", text)
        if m2:
            year = int(m2.group(1))
    return Front(title, agency, year, body)


def _full_name(name: str, text: str) -> str:
    """A title often drops the city (洪泽区人民政府); the preface names the office in full
    (本报告由淮安市洪泽区人民政府办公室…): take the full name from there."""
    flat = squeeze(text)
    best = name
    for m in re.finditer(re.escape(name), flat):
        before = re.split(r"[由与请和及为，。：、（）()\s]", flat[: m.start()])[-1]
        if before and re.search(r"(省|自治区|市|州|盟|地区)$", before) and len(before) <= 12:
            candidate = before + name
            if len(candidate) > len(best):
                best = candidate
    return best


def page_date(blocks: list[Block]) -> date | None:
    """A web page's own publication date line (发布日期：2024-01-31) above the report."""
    for b in blocks:
        if isinstance(b, Paragraph):
            m = re.search(r"发布(?:日期|时间)\s*[:：]\s*" + _DATE.pattern, nfkc(b.text))
            if m:
                try:
                    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    return None
    return None


def signature_date(blocks: list[Block]) -> tuple[date | None, int]:
    """The 落款 date at the end (a line that is only a date) and how many closing lines
    (date, and the agency name above it) make up the 落款."""
    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    tail = paragraphs[-3:]
    for back, p in enumerate(reversed(tail)):
        text = squeeze(p.text)
        m = _DATE.fullmatch(text) or _DATE.fullmatch(_cn_date(text))
        if m:
            try:
                found = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None, 0
            lines = back + 1
            above = paragraphs[-lines - 1] if len(paragraphs) > lines else None
            if (
                above is not None
                and len(squeeze(above.text)) <= 30
                and not re.search(r"[。，；]", above.text)
            ):
                lines += 1
            return found, lines
    return None, 0


_CN_DIGITS = {
    "〇": "0",
    "○": "0",
    "零": "0",
    "一": "1",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}


def _cn_date(text: str) -> str:
    """二〇二四年一月二十日 → 2024年1月20日 (a 落款 often spells the date out)."""
    m = re.fullmatch(
        r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日",
        text,
    )
    if not m:
        return text
    year = "".join(_CN_DIGITS[c] for c in m.group(1))
    return f"{year}年{_cn_number(m.group(2))}月{_cn_number(m.group(3))}日"


def _cn_number(s: str) -> int:
    if s == "十":
        return 10
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (int(_CN_DIGITS[tens]) if tens else 1) * 10 + (int(_CN_DIGITS[ones]) if ones else 0)
    return int(_CN_DIGITS[s])
