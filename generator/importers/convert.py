"""One report file → the files of one report folder (text only; nothing is written here).

Agency, year and format are read from the document (title, preface, table shape) unless
given; the tables go through the one mapper, the narrative sections through the
narrative joiner; report.yaml is written by ``reportyaml.dump_report``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..formats import Format, all_formats, format_for_year
from ..model import NARRATIVE_FILES
from ..reportyaml import dump_report, schema_comment, schema_file_name
from .document import Block, Document, Paragraph, SourceError
from .labels import core, nfkc, squeeze
from .mapper import Flag, map_tables
from .narrative import running_lines, to_markdown
from .rows import rows_of
from .sections import (
    Cut,
    cut,
    is_chrome,
    is_page_number,
    page_date,
    read_front,
    signature_date,
)


@dataclass(frozen=True)
class Options:
    agency: str | None = None  # slug
    name: str | None = None  # 全称
    year: int | None = None


@dataclass
class Converted:
    source: str
    name: str
    slug: str
    slug_made: bool  # made from the name (printed, so the user can rename it)
    year: int
    format: Format
    files: dict[str, str] = field(default_factory=dict)  # report folder file → text
    agency_yaml: str = ""
    flags: list[Flag] = field(default_factory=list)
    unplaced: list[Flag] = field(default_factory=list)
    settled: int = 0
    pages: int = 0


def convert(doc: Document, options: Options) -> Converted:
    pieces = cut(doc)
    front = read_front(pieces.front, doc)
    year = options.year or front.year
    if year is None:
        raise SourceError(f"{doc.path}: 读不出年报的年度；请用 --year 指定")
    expected = format_for_year(year)
    if expected is None:
        raise SourceError(
            f"{doc.path}: 不支持 {year} 年度的年报：只支持 2019 年及以后的两种国家格式"
        )
    fmt = detect_format(pieces, expected)
    name = options.name or front.agency
    if not name:
        raise SourceError(f"{doc.path}: 读不出发布机关的名称；请用 --name 指定全称")
    slug = options.agency or slug_for(name)
    mapped = map_tables(fmt, pieces)

    drop = running_lines(doc.blocks)
    closing = pieces.sections.get(fmt.sections[-1].number)
    closing_blocks = [
        b for b in (closing.blocks if closing is not None else []) if not _furniture(b, drop)
    ]
    signed, signature_lines = signature_date(closing_blocks)
    # A portal's publication-date metadata is the date itself; a Word file's saved date is
    # only a hint: the 落款 date in its text wins, and a file saved in another year than the
    # one after the report's (a later edit, an old template) says nothing.
    word = doc.kind in ("docx", "doc")
    saved = (
        doc.published if not word or (doc.published and doc.published.year == year + 1) else None
    )
    page = page_date(pieces.front.blocks)  # a web page's 发布日期 line above the report
    published = (signed or saved) if word else (doc.published or page or signed)
    # Word and HTML give whole paragraphs; only PDF and text lines need joining back.
    whole = doc.kind in ("docx", "doc", "html")
    narratives = {"preface": to_markdown(list(front.body), drop, whole)}
    for section in fmt.sections:
        if section.narrative is None:
            continue
        region = pieces.sections.get(section.number)
        blocks = list(region.blocks) if region is not None else []
        if section is fmt.sections[-1] and signature_lines:
            blocks = _without_last_paragraphs(blocks, signature_lines, drop)
        narratives[section.narrative] = to_markdown(blocks, drop, whole)

    top = {"year": str(year)}
    if fmt is not expected:
        top["format"] = f'"{fmt.id}"'
    if published is not None:
        top["published"] = published.isoformat()
    comments = {flag.cid: "待填：" + flag.comment() for flag in mapped.flags if flag.cid}
    header = [
        # content/<agency>/<year>/report.yaml → the schemas/ folder beside content/ (as `new`)
        schema_comment(f"../../../schemas/{schema_file_name(fmt.id)}"),
        f"{name}{year}年政府信息公开工作年度报告：由 nianbao import 导入，表格数字照录已公开的报告",
    ]
    header.append(f"来源：{Path(doc.path).name}")  # the name alone: same bytes from any folder
    files = {
        "report.yaml": dump_report(
            fmt, mapped.cells, comments, top=top, header=header, units=mapped.units
        )
    }
    for key, text in narratives.items():
        if text or key != "preface":
            files[NARRATIVE_FILES[key]] = text or ""
    return Converted(
        source=doc.path,
        name=name,
        slug=slug,
        slug_made=options.agency is None,
        year=year,
        format=fmt,
        files=files,
        agency_yaml=agency_yaml(name),
        flags=mapped.flags,
        unplaced=mapped.unplaced,
        settled=mapped.settled,
        pages=doc.pages,
    )


def _furniture(block: Block, drop: set[str]) -> bool:
    """Page numbers, running footers and portal furniture after the 落款."""
    if not isinstance(block, Paragraph):
        return False
    key = re.sub(r"\d+", "#", nfkc(block.text).strip())
    return (
        not block.text.strip() or is_page_number(block.text) or key in drop or is_chrome(block.text)
    )


def _without_last_paragraphs(blocks: list[Block], count: int, drop: set[str]) -> list[Block]:
    """The blocks without the 落款: its ``count`` closing lines, and what follows them."""
    out = list(blocks)
    removed = 0
    while out and removed < count:
        last = out.pop()
        if not _furniture(last, drop):
            removed += 1
    return out


def detect_format(pieces: Cut, expected: Format) -> Format:
    """The format whose table 二 columns the report prints (the formats differ most there);
    the year's own format when the table says nothing either way."""
    region = next(
        (
            pieces.sections[s.number]
            for s in expected.sections
            if s.table == "active" and s.number in pieces.sections
        ),
        None,
    )
    if region is None:
        return expected
    text = core(" ".join(r.label for r in rows_of(region.blocks)))
    scores = []
    for fmt in all_formats().values():
        labels = {core(c.label) for b in fmt.tables["active"].blocks for c in b.columns} | {
            core(b.caption) for b in fmt.tables["active"].blocks
        }
        unique = labels - {
            core(c.label)
            for other in all_formats().values()
            if other is not fmt
            for b in other.tables["active"].blocks
            for c in b.columns
        }
        scores.append((sum(1 for lb in unique if lb and lb in text), fmt))
    best = max(score for score, _ in scores)
    if best == 0:
        return expected
    winners = [f for score, f in scores if score == best]
    return expected if expected in winners else winners[0]


def slug_for(name: str) -> str:
    """An ASCII folder name from the agency name: 淮安市人民政府 → huai-an-shi-ren-min-zheng-fu."""
    from pypinyin import lazy_pinyin  # only the import command needs it

    words = [re.sub(r"[^a-z0-9]", "", w.lower()) for w in lazy_pinyin(squeeze(name))]
    slug = "-".join(w for w in words if w)
    return slug or "agency"


def agency_kind(name: str) -> str:
    if re.search(r"(乡|镇)人民政府$|街道办事处$|街道$", name):
        return "township"
    if name.endswith("人民政府"):
        return "government"
    return "department"


def agency_yaml(name: str) -> str:
    return (
        f"name: {name}\n"
        f"kind: {agency_kind(name)}  # 由导入推断（government / department / township），请核对\n"
    )
