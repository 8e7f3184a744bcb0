"""The Word, HTML and .doc readers: what each gives the mapper, cell by cell.

Every table of every fixture is compared with the template layout the fixture was made
from (tests/fixtures/import/layout.py): each cell's text, position and spans.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import FIXTURES
from nianbao.formats import all_formats
from nianbao.importers import doc, docx, html, read_document
from nianbao.importers.document import Document, Paragraph, SourceError, TableGrid

IMPORT = FIXTURES / "import"
sys.path.insert(0, str(IMPORT))  # the fixture builders: the layout the files were made from

import layout  # noqa: E402
import word_html  # noqa: E402

SECTIONS = [s.heading for s in all_formats()["2021"].sections]


def tables(document: Document) -> list[TableGrid]:
    return [b for b in document.blocks if isinstance(b, TableGrid)]


def paragraphs(document: Document) -> list[Paragraph]:
    return [b for b in document.blocks if isinstance(b, Paragraph)]


def expected_grids(report: layout.Report) -> list[layout.Grid]:
    return [part for _, part in report.parts() if isinstance(part, layout.Grid)]


def assert_same_cells(table: TableGrid, grid: layout.Grid) -> None:
    """Every cell at its grid position with its text and spans; no cell more, none less."""
    read = {
        (r, c.where.column): (c.text, c.rowspan, c.colspan)
        for r, row in enumerate(table.rows, start=1)
        for c in row
    }
    want = {
        (p.row + 1, p.column + 1): (p.text, p.rowspan, p.colspan)
        for p in grid.cells
    }  # fmt: skip
    assert read == want


def test_docx_tables_every_cell_with_merged_heads() -> None:
    document = read_document(IMPORT / "huaian-2024-merged.docx", "huaian-2024-merged.docx")
    report = layout.load_expected(IMPORT / "expected" / "huaian", "2024")
    grids = expected_grids(report)
    assert len(tables(document)) == len(grids) == 3
    for table, grid in zip(tables(document), grids, strict=True):
        assert_same_cells(table, grid)
    three = tables(document)[1]
    corner, applicants = three.rows[0]
    assert (corner.rowspan, corner.colspan, applicants.text, applicants.colspan) == (
        3,
        3,
        "申请人情况",
        7,
    )
    group = three.rows[5][0]
    assert (group.text, group.rowspan, group.where.row, group.where.column) == (
        "三、本年度办理结果",
        22,
        6,
        1,
    )
    assert document.kind == "docx"


def test_docx_paragraphs_headings_and_properties() -> None:
    document = read_document(IMPORT / "huaian-2024-merged.docx", "a.docx")
    assert document.title == "淮安市人民政府2024年政府信息公开工作年度报告"
    assert document.published == date(2025, 1, 20)  # saved 2025-01-20 01:00 UTC = 09:00 北京
    level_one = [p.text for p in paragraphs(document) if p.level == 1]
    assert level_one == [document.title, *SECTIONS]
    level_two = [p.text for p in paragraphs(document) if p.level == 2]
    assert level_two[0] == "（一）主动公开情况" and len(level_two) == 5
    first = paragraphs(document)[1]
    assert (
        first.text.startswith("本报告由淮安市人民政府办公室")
        and first.where.describe() == "第 2 段"
    )


def test_docx_template_dates_are_not_a_publication_date(tmp_path: Path) -> None:
    import docx

    word = docx.Document()  # python-docx's own template: dated 2013
    word.add_paragraph("一、总体情况")
    word.save(str(tmp_path / "t.docx"))
    document = read_document(tmp_path / "t.docx", "t.docx")
    assert document.published is None and document.title is None


def test_gbk_word_html_every_cell() -> None:
    document = read_document(IMPORT / "hongze-2024-word-gbk.htm", "hongze.htm")
    report = word_html.hongze_quirks(layout.load_expected(IMPORT / "expected" / "hongze", "2024"))
    grids = expected_grids(report)
    assert len(tables(document)) == 3
    for table, grid in zip(tables(document), grids, strict=False):
        if table is tables(document)[1]:
            break  # table 三 differs by the <br> Word put into its heads: checked below
        assert_same_cells(table, grid)
    three = tables(document)[1]
    assert [c.text for c in three.rows[2]] == [
        "商业\n企业",
        "科研\n机构",
        "社会\n公益组织",
        "法律\n服务机构",
        "其他",
    ]
    assert three.rows[5][0].text == "\n".join("三、本年度办理结果")  # one character per line
    assert [c.text for c in three.rows[3]] == [
        "一、本年新收政府信息公开申请数量",
        "95",
        "",
        "",
        "",
        "",
        "",
        "95",
    ]  # &nbsp; cells
    assert three.rows[8][0].text == "2.其他法律行政止公开"  # the template typo, as published
    assert_same_cells(tables(document)[2], grids[2])


def test_gbk_word_html_text() -> None:
    document = read_document(IMPORT / "hongze-2024-word-gbk.htm", "hongze.htm")
    texts = [p.text for p in paragraphs(document)]
    assert texts[0] == "淮安市洪泽区人民政府2024年政府信息公开工作年度报告"
    assert document.title == texts[0]
    assert "隐藏的修订说明" not in "".join(texts)  # display:none / mso-hide:all
    for heading in SECTIONS:
        assert heading in texts  # list numbers behind <![if !supportLists]> kept
    report = layout.load_expected(IMPORT / "expected" / "hongze", "2024")
    for _, text in layout.markdown(report.narratives["overview"]):
        assert text in texts  # Word wrapped the source between Chinese characters: joined back
    assert document.published is None


def test_portal_page_chrome_removed_and_metadata_kept() -> None:
    document = read_document(IMPORT / "shiyan-sjj-2019-portal.html", "p.html")
    assert (
        document.title == "示例市数据局2019年政府信息公开工作年度报告"
    )  # <meta name="ArticleTitle">
    assert document.published == date(2020, 1, 21)  # <meta name="PubDate">
    texts = [p.text for p in paragraphs(document)]
    assert texts[0] == document.title and texts[-1] == "本年度未收取政府信息公开信息处理费。"
    chrome = (
        "当前位置",
        "首页",
        "分享到",
        "附件",
        ".pdf",
        "打印",
        "主办单位",
        "ICP",
        "浏览次数",
        "无障碍",
        "上一篇",
        "下一篇",
        "返回顶部",
    )
    assert [t for t in texts if any(c in t for c in chrome)] == []
    report = word_html.portal_quirks(
        layout.load_expected(IMPORT / "expected" / "shiyan-sjj", "2019")
    )
    grids = expected_grids(report)
    assert len(tables(document)) == 3  # the 索引号 metadata table is gone
    for table, grid in zip(tables(document), grids, strict=True):
        assert_same_cells(table, grid)


@pytest.mark.parametrize(
    ("snippet", "published"),
    [
        ("<p>发布时间：2023-01-18 10:20 来源：区政府办</p>", date(2023, 1, 18)),
        ("<div>发布日期：2023年1月18日</div>", date(2023, 1, 18)),
        ("<table><tr><td>索引号：</td><td>x</td><td>发布机构：</td><td>y</td></tr>"
         "<tr><td>发布日期：</td><td>2023/01/18</td></tr></table>", date(2023, 1, 18)),
    ],
)  # fmt: skip
def test_publication_date_from_the_page(snippet: str, published: date) -> None:
    page = f"<html><body>{snippet}<h1>某某2022年政府信息公开工作年度报告</h1><p>正文。</p></body></html>"
    document = html.read_bytes(page.encode(), "p.html")
    assert document.published == published
    assert [p.text for p in paragraphs(document)] == [
        "某某2022年政府信息公开工作年度报告",
        "正文。",
    ]
    assert tables(document) == []


@pytest.mark.parametrize(
    ("declared", "encoding"),
    [
        ('<meta http-equiv="Content-Type" content="text/html; charset=GB2312">', "gbk"),
        ("<meta charset='gbk'>", "gbk"),
        ("", "gb18030"),  # undeclared, not UTF-8
        ('<meta charset="utf-8">', "gbk"),  # declared wrongly: the bytes decide
    ],
)
def test_encoding(declared: str, encoding: str) -> None:
    # 镕 and 珺 are outside GB2312: a page declared GB2312 must still show them (GB18030)
    page = f"<html><head>{declared}</head><body><p>朱镕基与李珺：2024年</p></body></html>"
    document = html.read_bytes(page.encode(encoding), "p.html")
    assert [p.text for p in paragraphs(document)] == ["朱镕基与李珺：2024年"]


def test_utf8_bom_and_cells_with_breaks() -> None:
    page = "<table><tr><td rowspan=2>三、本年度<br>办理结果</td><td>&nbsp;</td></tr><tr><td>1,018</td></tr></table>"
    document = html.read_bytes(b"\xef\xbb\xbf" + page.encode(), "p.html")
    (table,) = tables(document)
    assert [[(c.text, c.rowspan, c.where.column) for c in row] for row in table.rows] == [
        [("三、本年度\n办理结果", 2, 1), ("", 1, 2)],
        [("1,018", 1, 2)],
    ]


def test_doc_through_libreoffice_reads_like_the_docx() -> None:
    document = read_document(IMPORT / "huaian-2024.doc", "huaian-2024.doc")
    original = read_document(IMPORT / "huaian-2024-merged.docx", "x.docx")
    assert document.kind == "doc"
    assert [p.text for p in paragraphs(document)] == [p.text for p in paragraphs(original)]
    grids = expected_grids(layout.load_expected(IMPORT / "expected" / "huaian", "2024"))
    for table, grid in zip(tables(document), grids, strict=True):
        assert_same_cells(table, grid)


def test_doc_without_libreoffice_says_how_to_convert(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doc.shutil, "which", lambda name: None)
    with pytest.raises(SourceError) as e:
        read_document(IMPORT / "huaian-2024.doc", "旧报告.doc")
    assert str(e.value) == (
        "旧报告.doc: 读取旧版 Word（.doc）文件需要 LibreOffice，本机没有找到 soffice。"
        "请安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer-nogui），"
        "或用 Word / WPS 打开后“另存为”.docx 再导入"
    )


def test_doc_that_is_a_docx_or_word_html(tmp_path: Path) -> None:
    (tmp_path / "a.doc").write_bytes((IMPORT / "huaian-2024-merged.docx").read_bytes())
    assert len(tables(read_document(tmp_path / "a.doc", "a.doc"))) == 3
    (tmp_path / "b.doc").write_bytes((IMPORT / "hongze-2024-word-gbk.htm").read_bytes())
    assert len(tables(read_document(tmp_path / "b.doc", "b.doc"))) == 3
    b = doc.read(tmp_path / "b.doc", "b.doc")  # the .doc reader alone sniffs it too
    assert b.kind == "doc" and len(tables(b)) == 3


def test_corrupt_docx() -> None:
    # the reader's own message (the CLI test checks every bad file through `nianbao import`)
    with pytest.raises(SourceError) as e:
        docx.read(IMPORT / "bad" / "corrupt.docx", "corrupt.docx")
    assert str(e.value) == (
        "corrupt.docx: 无法读取这个 Word 文件，文件已损坏或不是 .docx 格式。"
        "请用 Word 或 WPS 打开后另存为 .docx 再导入"
    )


def test_encrypted_docx(tmp_path: Path) -> None:
    # Word saves a password-protected .docx as an OLE container (EncryptedPackage stream)
    (tmp_path / "locked.docx").write_bytes(doc_ole_header())
    with pytest.raises(
        SourceError, match=r"^locked\.docx: 这不是 .docx 文件：它是设置了打开密码的 Word 文档"
    ):
        read_document(tmp_path / "locked.docx", "locked.docx")


def doc_ole_header() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def test_sliver_grid_columns_are_not_columns() -> None:
    from nianbao.importers.slivers import GridColumns

    # LibreOffice's .docx of table 四: a 1-twip grid column after 总计 of 行政复议
    grid = GridColumns([607] * 5 + [1] + [607] * 10)
    assert [grid.column(c) for c in (0, 4, 5, 6, 15)] == [0, 4, 5, 5, 14]
    assert (grid.span(4, 2), grid.span(5, 11), grid.span(6, 5)) == (1, 10, 5)


def test_empty_html() -> None:
    with pytest.raises(SourceError, match=r"^e\.html: 文件是空的，没有可导入的内容$"):
        html.read_bytes(b"  \n", "e.html")


def test_word_list_number_formats() -> None:
    from nianbao.importers.wordnumbers import _format, chinese

    assert [chinese(n) for n in (1, 6, 10, 11, 20, 23, 99)] == [
        "一",
        "六",
        "十",
        "十一",
        "二十",
        "二十三",
        "九十九",
    ]
    assert _format(3, "decimalEnclosedCircle") == "③"
    assert _format(12, "decimalFullWidth") == "１２"
    assert (_format(4, "upperRoman"), _format(9, "lowerRoman"), _format(38, "upperRoman")) == (
        "IV",
        "ix",
        "XXXVIII",
    )
    assert (_format(2, "ideographTraditional"), _format(2, "lowerLetter")) == ("乙", "b")


def test_docx_contents_and_layout_tables(tmp_path: Path) -> None:
    """A generated table of contents is skipped; a table that only frames the page is
    opened, and the data table inside it read as a table."""
    import docx as python_docx
    from docx.oxml import parse_xml

    word = python_docx.Document()
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    contents = parse_xml(
        f'<w:sdt {w}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
        "</w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>一、总体情况……1</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
    )
    word.element.body.insert(0, contents)
    frame = word.add_table(rows=1, cols=1)
    cell = frame.cell(0, 0)
    cell.paragraphs[0].text = "一、总体情况"
    inner = cell.add_table(rows=2, cols=2)
    for (r, c), text in {
        (0, 0): "规章",
        (0, 1): "1",
        (1, 0): "行政规范性文件",
        (1, 1): "8",
    }.items():
        inner.cell(r, c).text = text
    cell.add_paragraph("二、主动公开政府信息情况")
    word.save(str(tmp_path / "framed.docx"))
    document = read_document(tmp_path / "framed.docx", "framed.docx")
    assert [p.text for p in paragraphs(document)] == ["一、总体情况", "二、主动公开政府信息情况"]
    (table,) = tables(document)
    assert [[c.text for c in row] for row in table.rows] == [["规章", "1"], ["行政规范性文件", "8"]]


def test_html_layout_table_without_nested_tables() -> None:
    """Old portals lay out the page with a table: its cells are page text, not data."""
    text = "2023年，本局认真贯彻《条例》。" * 30
    page = f"<table><tr><td>政务公开</td><td><p>一、总体情况</p><p>{text}</p></td></tr></table>"
    document = html.read_bytes(page.encode(), "p.html")
    assert tables(document) == []
    assert [p.text for p in paragraphs(document)] == ["政务公开", "一、总体情况", text]


@pytest.mark.parametrize(
    "meta",
    [
        '<meta name="firstpublishedtime" content="2023-01-18-10:20:00">',
        '<meta name="PubDate" content="2023-01-18 10:20">',
        '<meta property="article:published_time" content="2023-01-18T10:20:00+08:00">',
    ],
)
def test_publication_date_metadata(meta: str) -> None:
    page = f"<html><head>{meta}<title>某某2022年年度报告_某某人民政府</title></head><body><p>正文。</p></body></html>"
    document = html.read_bytes(page.encode(), "p.html")
    assert document.published == date(2023, 1, 18)
    assert document.title == "某某2022年年度报告_某某人民政府"  # <title> when no ArticleTitle


def test_docx_word_2003_horizontal_merge(tmp_path: Path) -> None:
    """Old Word writes a horizontal merge as hMerge restart/continue cells, not gridSpan."""
    import docx as python_docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    word = python_docx.Document()
    table = word.add_table(rows=2, cols=3)
    for i, text in enumerate(["第二十条第（五）项", "", ""]):
        cell = table.cell(0, i)
        cell.text = text
        merge = OxmlElement("w:hMerge")
        if i == 0:
            merge.set(qn("w:val"), "restart")
        cell._tc.get_or_add_tcPr().append(merge)
    for i, text in enumerate(["行政许可", "447228", "0"]):
        table.cell(1, i).text = text
    word.save(str(tmp_path / "h.docx"))
    (grid,) = tables(read_document(tmp_path / "h.docx", "h.docx"))
    assert [[(c.text, c.colspan, c.where.column) for c in row] for row in grid.rows] == [
        [("第二十条第（五）项", 3, 1)],
        [("行政许可", 1, 1), ("447228", 1, 2), ("0", 1, 3)],
    ]


def test_html_line_break_inside_spans_ends_the_line() -> None:
    page = (
        "<p><span>淮安市人民政府办公室<br>2025年1月20日</span></p><p>甲<span>乙<br/>丙</span>丁</p>"
    )
    document = html.read_bytes(page.encode(), "p.html")
    assert [p.text for p in paragraphs(document)] == [
        "淮安市人民政府办公室",
        "2025年1月20日",
        "甲乙",
        "丙丁",
    ]


def test_where_a_cell_was_seen_reads_unambiguously() -> None:
    """The summary tells a table's row from a page's line (a comma between them)."""
    from nianbao.importers.document import Where

    assert Where(page=4, table=4, row=7, column=2).describe() == "第 4 页，表格 4 第 7 行第 2 列"
    assert Where(page=3, line=12).describe() == "第 3 页第 12 行"
    assert Where(paragraph=9).describe() == "第 9 段"
    assert Where().describe() == "文件中"
