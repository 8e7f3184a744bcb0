"""The page and the styles of an official document (GB/T 9704—2012《党政机关公文格式》).

A4 paper; 版心 156 mm × 225 mm with the top margin (天头) 37 mm and the binding margin
(订口) 28 mm; 22 lines of 28 characters of 三号仿宋 a page; the title in 二号小标宋; the
first level of headings in 黑体, the second in 楷体, the third in 仿宋; page numbers in
四号半角宋体 between two 一字线 (“— 1 —”), 7 mm below the 版心, at the outer edge: odd
pages on the right, even pages on the left, each one character in from the edge.
"""

from __future__ import annotations

from docx.document import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, Twips
from docx.styles.style import BaseStyle
from docx.text.paragraph import Paragraph
from lxml import etree

# Fonts as government machines name them; the name after it is what a machine without the
# GB2312 editions has, written into the font table as the alternative.
TITLE_FONT = ("方正小标宋简体", "宋体")
BODY_FONT = ("仿宋_GB2312", "仿宋")
HEITI = ("黑体", "黑体")
KAITI = ("楷体_GB2312", "楷体")
SONGTI = ("宋体", "宋体")
LATIN_FONT = "Times New Roman"  # digits and Latin letters in the running text

ERHAO, SANHAO, SIHAO, WUHAO, XIAOWU = Pt(22), Pt(16), Pt(14), Pt(10.5), Pt(9)

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, LEFT = Mm(37), Mm(28)  # 天头, 订口
TEXT_WIDTH, TEXT_HEIGHT = Mm(156), Mm(225)  # 版心
LINES, CHARS = 22, 28
LINE_PITCH = Twips(int(TEXT_HEIGHT.twips / LINES))  # 579 twips, 28.95 pt
# 28 characters of 三号 (448 pt) are wider than the 版心 (442.2 pt): each is set closer
# by a quarter point (w:spacing, in twentieths of a point). Word's character grid would do
# the same, but LibreOffice reads its negative w:charSpace as a huge gap.
CHAR_SPACING = -5
assert (SANHAO.pt + CHAR_SPACING / 20) * CHARS <= TEXT_WIDTH.pt
PAGE_NUMBER_GAP = Mm(7)  # 一字线 top to the 版心's bottom edge

# Style names (python-docx's template has the built-in ones; Word shows them localised)
TITLE, BODY, HEADINGS = "Title", "Normal", ("Heading 1", "Heading 2", "Heading 3")
TABLE_TEXT, TABLE_STYLE, FOOTER = "表格文字", "Table Grid", "Footer"
TABLE_STYLE_ID = "TableGrid"  # the template's id of Table Grid
SIGNATURE = "落款"


def style_id(name: str) -> str:
    """The id python-docx gives a style of this name (a test holds it to that)."""
    return name.replace(" ", "")


def add_paragraph(doc: Document, style: str, text: str = "") -> Paragraph:
    """A paragraph in a style given by name. Setting the id directly: python-docx's own
    lookup by name walks every style, milliseconds a paragraph."""
    p = doc.add_paragraph(text)
    p._p.style = style_id(style)
    return p


def set_font(holder: BaseStyle | object, font: tuple[str, str], latin: str | None = None) -> None:
    """Set a style's or run's fonts, dropping the theme fonts that would override them."""
    element = holder.element if isinstance(holder, BaseStyle) else holder._element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    fonts.set(qn("w:eastAsia"), font[0])
    fonts.set(qn("w:ascii"), latin or font[0])
    fonts.set(qn("w:hAnsi"), latin or font[0])
    fonts.set(qn("w:cs"), latin or font[0])


def _paragraph_style(
    doc: Document,
    name: str,
    font: tuple[str, str],
    size: Pt,
    *,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent_chars: int = 2,
    line: Twips | None = LINE_PITCH,
    latin: str | None = LATIN_FONT,
    keep_with_next: bool = False,
    outline: int | None = None,
) -> None:
    styles = doc.styles
    style = (
        styles[name]
        if name in [s.name for s in styles]
        else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    )
    if name != BODY:
        style.base_style = styles[BODY]
    set_font(style, font, latin)
    f = style.font  # type: ignore[attr-defined]
    f.size, f.bold, f.italic, f.color.rgb = size, False, False, None
    pf = style.paragraph_format  # type: ignore[attr-defined]
    pf.alignment = align
    pf.space_before = pf.space_after = Pt(0)
    pf.keep_with_next = keep_with_next
    if line is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing, pf.line_spacing_rule = line, WD_LINE_SPACING.EXACTLY
    pf.first_line_indent = Pt(size.pt * indent_chars) if indent_chars else Pt(0)
    ppr = style.element.get_or_add_pPr()
    if indent_chars:  # in characters, so the indent follows the character grid
        ppr.get_or_add_ind().set(qn("w:firstLineChars"), str(indent_chars * 100))
    for old in ppr.findall(qn("w:outlineLvl")):
        ppr.remove(old)
    if outline is not None:
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(outline))
        ppr.append(level)
    # the heading styles of the template carry colours and theme sizes of their own
    rpr = style.element.get_or_add_rPr()
    for tag in ("w:color", "w:szCs", "w:i", "w:iCs", "w:b", "w:bCs"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    f.bold, f.italic = False, False


def set_up(doc: Document) -> None:
    """Page, grid, styles and page numbers of a blank document."""
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.left_margin = TOP, LEFT
    section.right_margin = Emu(PAGE_WIDTH - LEFT - TEXT_WIDTH)  # 26 mm
    bottom = Emu(PAGE_HEIGHT - TOP - TEXT_HEIGHT)  # 35 mm
    section.bottom_margin = bottom
    section.header_distance = Mm(15)
    # the footer's bottom edge: the 版心's bottom edge, less the gap, less one 四号 line
    section.footer_distance = Emu(bottom - PAGE_NUMBER_GAP - Pt(SIHAO.pt * 1.3))
    _grid(section._sectPr)
    _defaults(doc)
    _paragraph_style(doc, BODY, BODY_FONT, SANHAO)
    _paragraph_style(
        doc,
        TITLE,
        TITLE_FONT,
        ERHAO,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent_chars=0,
        line=Twips(LINE_PITCH.twips * 3 // 2),
        latin=None,
        keep_with_next=True,
        outline=None,
    )
    title = doc.styles[TITLE].element.get_or_add_pPr()
    for old in title.findall(qn("w:pBdr")):  # the template's rule under the title
        title.remove(old)
    _no_grid(doc.styles[TITLE])
    for level, (name, font) in enumerate(zip(HEADINGS, (HEITI, KAITI, BODY_FONT), strict=True)):
        _paragraph_style(doc, name, font, SANHAO, keep_with_next=True, outline=level)
    _paragraph_style(
        doc,
        TABLE_TEXT,
        SONGTI,
        WUHAO,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent_chars=0,
        line=None,
    )
    _no_grid(doc.styles[TABLE_TEXT])  # table text sits in its cell, not on the page's grid
    _paragraph_style(
        doc, SIGNATURE, BODY_FONT, SANHAO, align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0
    )
    doc.styles[SIGNATURE].paragraph_format.right_indent = Pt(SANHAO.pt * 4)  # type: ignore[attr-defined]
    _page_numbers(doc)
    _font_table(doc)
    _prune(doc)


def _prune(doc: Document) -> None:
    """Keep only the styles the document uses (and those they are based on), and drop
    the template's copy of them for Word 2010 (stylesWithEffects): together four fifths
    of the file, and of the time to write it. Word still offers its built-in styles."""
    styles = doc.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
    wanted = [style_id(n) for n in (BODY, TITLE, *HEADINGS, TABLE_TEXT, SIGNATURE, FOOTER)]
    wanted += [TABLE_STYLE_ID]
    wanted += [i for i, s in by_id.items() if s.get(qn("w:default")) == "1"]
    keep: set[str] = set()
    while wanted:
        sid = wanted.pop()
        if sid in keep or sid not in by_id:
            continue
        keep.add(sid)
        for ref in ("w:basedOn", "w:next", "w:link"):
            el = by_id[sid].find(qn(ref))
            if el is not None:
                wanted.append(el.get(qn("w:val")))
    for sid, style in by_id.items():
        if sid not in keep:
            styles.remove(style)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            del doc.part.rels[rid]


def _font_table(doc: Document) -> None:
    """Name each Chinese font in the font table with its alternative (仿宋 for
    仿宋_GB2312), GB2312 character set, so a machine without it substitutes a like font."""
    part = next(p for p in doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml")
    fonts = etree.fromstring(part.blob)
    known = {f.get(qn("w:name")) for f in fonts}
    for name, alternative in dict.fromkeys((TITLE_FONT, BODY_FONT, HEITI, KAITI, SONGTI)):
        if name in known:
            continue
        font = etree.SubElement(fonts, qn("w:font"))
        font.set(qn("w:name"), name)
        if alternative != name:
            etree.SubElement(font, qn("w:altName")).set(qn("w:val"), alternative)
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")
        etree.SubElement(font, qn("w:family")).set(qn("w:val"), "modern")
        etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), "fixed")
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


def _no_grid(style: BaseStyle) -> None:
    """Characters set at their own width: a title in 二号 or table text in 小五 would
    otherwise be spread over the 三号 grid."""
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    style.element.get_or_add_pPr().find(qn("w:spacing")).addprevious(snap)


def _defaults(doc: Document) -> None:
    """三号仿宋, Chinese, 28 characters a line and no space after paragraphs as the
    document's defaults, in place of the template's (11 pt theme fonts, English)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr, name in (
        ("eastAsia", BODY_FONT[0]),
        ("ascii", LATIN_FONT),
        ("hAnsi", LATIN_FONT),
        ("cs", LATIN_FONT),
    ):
        fonts.set(qn(f"w:{attr}"), name)
    half_points = str(int(SANHAO.pt * 2))
    rpr.find(qn("w:sz")).set(qn("w:val"), half_points)
    rpr.find(qn("w:szCs")).set(qn("w:val"), half_points)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CHAR_SPACING))
    rpr.find(qn("w:sz")).addprevious(spacing)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:eastAsia"), "zh-CN")
    lines = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    lines.set(qn("w:after"), "0")
    lines.set(qn("w:line"), "240")


def _grid(sect_pr: object) -> None:
    """22 lines a page: Word's document grid of lines."""
    for old in sect_pr.findall(qn("w:docGrid")):  # type: ignore[attr-defined]
        sect_pr.remove(old)  # type: ignore[attr-defined]
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH.twips))
    sect_pr.append(grid)  # type: ignore[attr-defined]


def _page_numbers(doc: Document) -> None:
    """“— 1 —” in 四号宋体: odd pages right, even pages left, one character in."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    _paragraph_style(doc, FOOTER, SONGTI, SIHAO, indent_chars=0, line=None, latin=SONGTI[0])
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles[FOOTER]
        p.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = SIHAO
        else:
            p.paragraph_format.left_indent = SIHAO
        p.add_run("— ")
        _page_field(p)
        p.add_run(" —")


def _page_field(p: Paragraph) -> None:
    """The page number as a field, so Word and LibreOffice count the pages themselves."""
    for kind, text in (("begin", ""), ("", " PAGE "), ("separate", ""), ("", "1"), ("end", "")):
        run = p.add_run()
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
