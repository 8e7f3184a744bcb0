"""`nianbao docx` and site.yaml `word: true`: the report as a Word document for sign-off.

The document of a real report (淮安市人民政府 2024, tests/fixtures/real-reports/) is opened with python-docx: its
tables hold the numbers of report.yaml (read here with a plain YAML parser, cell by cell),
their merged cells fall as in the national template, its styles and page follow GB/T 9704,
and the same report gives the same bytes in any folder.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from conftest import FIXTURES, PORTAL, edit, nianbao
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table
from lxml import etree
from nianbao.wordexport import layout
from nianbao.wordexport.narrative import add_markdown
from test_build import tree
from test_incremental import CHANGES, full_build

CONTENT = FIXTURES / "real-reports" / "content"
REPORT = CONTENT / "huaian" / "2024" / "report.yaml"
TITLE = "淮安市人民政府2024年政府信息公开工作年度报告"


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> Document:
    out = tmp_path_factory.mktemp("docx") / "huaian.docx"
    run = nianbao("docx", "huaian", "2024", "--content", CONTENT, "-o", out)
    assert run.code == 0, run.out + run.err
    assert run.lines == [f"已生成 Word 文档 → {out}（{-(-out.stat().st_size // 1024)} KB）"]
    return docx.Document(str(out))


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return yaml.safe_load(REPORT.read_text("utf-8"))


Span = tuple[str, int, int, int, int]  # text, row, column, rows spanned, columns spanned


def spans(table: Table) -> list[Span]:
    """Every cell where it starts, with how far it spans, read from the XML itself."""
    cells: dict[tuple[int, int], list[Any]] = {}
    for r, tr in enumerate(table._tbl.tr_lst):
        c = 0
        for tc in tr.tc_lst:
            if tc.vMerge == "continue":
                start = max(k for k in cells if k[1] == c and k[0] < r)
                cells[start][3] += 1
            else:
                text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
                cells[(r, c)] = [text, r, c, 1, tc.grid_span]
            c += tc.grid_span
    return [tuple(v) for _, v in sorted(cells.items())]  # type: ignore[misc]


def values(table: Table, first_column: int, skip_rows: int) -> list[list[str]]:
    """The value cells' texts, row by row."""
    rows: dict[int, list[str]] = {}
    for text, r, c, _, _ in spans(table):
        if r >= skip_rows and c >= first_column:
            rows.setdefault(r, []).append(text)
    return list(rows.values())


def yaml_rows(node: Any) -> Iterator[list[Any]]:
    """The rows of table 三 in report.yaml, in file order."""
    if isinstance(node, list):
        yield node
    else:
        for child in node.values():
            yield from yaml_rows(child)


# -- the tables hold report.yaml's numbers --------------------------------------------------


def test_three_tables(document: Document) -> None:
    assert len(document.tables) == 3


def test_table_two_cells_equal_the_yaml(document: Document, data: dict[str, Any]) -> None:
    active = data["active"]
    expected = [
        [str(v) for v in active["regulations"].values()],
        [str(v) for v in active["normative_documents"].values()],
        *([str(active[k])] for k in ("licensing", "penalties", "coercive_measures", "fees")),
    ]
    rows: dict[int, list[Span]] = {}
    for cell in spans(document.tables[0]):
        rows.setdefault(cell[1], []).append(cell)
    # leave out each block's caption row (across the table) and head row (信息内容 …)
    data_rows = [r for r in rows.values() if r[0][4] == 1 and r[0][0] != "信息内容"]
    assert [[c[0] for c in r[1:]] for r in data_rows] == expected


def test_table_three_cells_equal_the_yaml(document: Document, data: dict[str, Any]) -> None:
    expected = [[str(v) for v in row] for row in yaml_rows(data["requests"])]
    assert len(expected) == 25
    assert values(document.tables[1], first_column=3, skip_rows=3) == expected


def test_table_four_cells_equal_the_yaml(document: Document, data: dict[str, Any]) -> None:
    appeals = data["appeals"]
    expected = [
        str(v)
        for key in ("review", "litigation_direct", "litigation_after_review")
        for v in appeals[key]
    ]
    assert values(document.tables[2], first_column=0, skip_rows=3) == [expected]


# -- merged cells as the national template has them -----------------------------------------


def test_table_two_merges(document: Document) -> None:
    cells = spans(document.tables[0])
    assert cells[:6] == [
        ("第二十条第（一）项", 0, 0, 1, 4),
        ("信息内容", 1, 0, 1, 1),
        ("本年制发件数", 1, 1, 1, 1),
        ("本年废止件数", 1, 2, 1, 1),
        ("现行有效件数", 1, 3, 1, 1),
        ("规章", 2, 0, 1, 1),
    ]
    assert ("第二十条第（五）项", 4, 0, 1, 4) in cells
    assert ("本年处理决定数量", 5, 1, 1, 3) in cells
    assert ("447228", 6, 1, 1, 3) in cells
    assert ("本年收费金额（单位：万元）", 12, 1, 1, 3) in cells
    assert cells[-2:] == [("行政事业性收费", 13, 0, 1, 1), ("96171.6", 13, 1, 1, 3)]


def test_table_three_merges(document: Document) -> None:
    cells = spans(document.tables[1])
    head = [c for c in cells if c[1] < 3]
    assert head == [
        ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 0, 0, 3, 3),
        ("申请人情况", 0, 3, 1, 7),
        ("自然人", 1, 3, 2, 1),
        ("法人或其他组织", 1, 4, 1, 5),
        ("总计", 1, 9, 2, 1),
        ("商业企业", 2, 4, 1, 1),
        ("科研机构", 2, 5, 1, 1),
        ("社会公益组织", 2, 6, 1, 1),
        ("法律服务机构", 2, 7, 1, 1),
        ("其他", 2, 8, 1, 1),
    ]
    labels = [c for c in cells if c[1] >= 3 and c[2] < 3]
    assert labels[:6] == [
        ("一、本年新收政府信息公开申请数量", 3, 0, 1, 3),
        ("二、上年结转政府信息公开申请数量", 4, 0, 1, 3),
        ("三、本年度办理结果", 5, 0, 22, 1),  # set vertically, down the whole block
        ("（一）予以公开", 5, 1, 1, 2),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 6, 1, 1, 2),
        ("（三）不予公开", 7, 1, 8, 1),
    ]
    assert ("（四）无法提供", 15, 1, 3, 1) in labels
    assert ("（五）不予处理", 18, 1, 5, 1) in labels
    assert ("（六）其他处理", 23, 1, 3, 1) in labels
    assert ("（七）总计", 26, 1, 1, 2) in labels
    assert labels[-1] == ("四、结转下年度继续办理", 27, 0, 1, 3)
    vertical = document.tables[1].rows[5].cells[0]._tc.tcPr.find(qn("w:textDirection"))
    assert vertical.get(qn("w:val")) == "tbRlV"


def test_table_three_head_repeats_on_each_page(document: Document) -> None:
    rows = document.tables[1]._tbl.tr_lst
    repeated = [r.trPr.find(qn("w:tblHeader")) is not None for r in rows]
    assert repeated[:4] == [True, True, True, False]
    assert not any(repeated[3:])


def test_table_four_merges(document: Document) -> None:
    head = [c for c in spans(document.tables[2]) if c[1] < 3]
    assert head[:4] == [
        ("行政复议", 0, 0, 1, 5),
        ("行政诉讼", 0, 5, 1, 10),
        ("结果维持", 1, 0, 2, 1),
        ("结果纠正", 1, 1, 2, 1),
    ]
    assert ("总计", 1, 4, 2, 1) in head
    assert ("未经复议直接起诉", 1, 5, 1, 5) in head
    assert ("复议后起诉", 1, 10, 1, 5) in head
    assert ("尚未审结", 2, 13, 1, 1) in head
    assert len(head) == 2 + 5 + 2 + 10


# -- GB/T 9704: page, styles, page numbers -------------------------------------------------


def _east_asian(document: Document, style: str) -> str:
    return document.styles[style].element.rPr.rFonts.get(qn("w:eastAsia"))


@pytest.mark.parametrize(
    ("style", "font", "size"),
    [
        ("Normal", "仿宋_GB2312", 16),  # 三号仿宋
        ("Title", "方正小标宋简体", 22),  # 二号小标宋
        ("Heading 1", "黑体", 16),
        ("Heading 2", "楷体_GB2312", 16),
        ("Heading 3", "仿宋_GB2312", 16),
    ],
)
def test_style_fonts_and_sizes(document: Document, style: str, font: str, size: int) -> None:
    s = document.styles[style]
    assert _east_asian(document, style) == font
    assert s.font.size == Pt(size)
    assert not s.font.bold and not s.font.italic


def test_font_table_names_the_alternatives(document: Document) -> None:
    part = next(
        p for p in document.part.package.iter_parts() if p.partname.endswith("fontTable.xml")
    )
    fonts = {
        f.get(qn("w:name")): [a.get(qn("w:val")) for a in f.findall(qn("w:altName"))]
        for f in etree.fromstring(part.blob)
    }
    assert fonts["仿宋_GB2312"] == ["仿宋"]
    assert fonts["楷体_GB2312"] == ["楷体"]
    assert fonts["方正小标宋简体"] == ["宋体"]
    assert fonts["黑体"] == []


def test_page_follows_gb_t_9704(document: Document) -> None:
    section = document.sections[0]
    measured = {
        "width": section.page_width,
        "height": section.page_height,
        "top": section.top_margin,
        "left": section.left_margin,
        "right": section.right_margin,
        "bottom": section.bottom_margin,
    }
    assert {k: round(v.mm, 1) for k, v in measured.items()} == {  # type: ignore[union-attr]
        "width": 210.0,
        "height": 297.0,
        "top": 37.0,
        "left": 28.0,
        "right": 26.0,
        "bottom": 35.0,
    }
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 225 mm / 22 lines
    normal = document.styles["Normal"].paragraph_format
    assert normal.line_spacing == layout.LINE_PITCH
    assert normal.first_line_indent == Pt(32)  # two characters


def test_page_numbers_at_the_outer_edge(document: Document) -> None:
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.text == even.text == "— 1 —"
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    for p in (odd, even):
        instructions = [t.text for t in p._p.iter(qn("w:instrText"))]
        assert instructions == [" PAGE "]


def test_title_headings_and_narrative(document: Document) -> None:
    paragraphs = document.paragraphs
    assert paragraphs[0].style.name == "Title"
    assert paragraphs[0].text == "淮安市人民政府\n2024年政府信息公开工作年度报告"
    assert paragraphs[2].text.startswith("本报告由淮安市人民政府办公室根据")
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    overview = (CONTENT / "huaian/2024/overview.md").read_text("utf-8")
    subheads = [line[3:] for line in overview.splitlines() if line.startswith("## ")]
    assert [p.text for p in paragraphs if p.style.name == "Heading 2"] == subheads
    assert len(subheads) == 5


def test_document_properties(document: Document) -> None:
    props = document.core_properties
    assert props.title == TITLE
    assert props.author == "淮安市人民政府"
    # no publication date in report.yaml: 1 January after the report year, never today
    assert props.created == props.modified == dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def test_style_ids_are_the_ones_python_docx_gives() -> None:
    doc = docx.Document()
    layout.set_up(doc)
    names = [layout.BODY, layout.TITLE, *layout.HEADINGS, layout.TABLE_TEXT, layout.SIGNATURE]
    assert {n: doc.styles[n].style_id for n in names} == {n: layout.style_id(n) for n in names}
    assert doc.styles[layout.TABLE_STYLE].style_id == layout.TABLE_STYLE_ID


# -- the same bytes ---------------------------------------------------------------------------


def test_same_report_same_bytes_in_two_folders(tmp_path: Path) -> None:
    made = []
    for name in ("a", "b"):
        content = tmp_path / name / "content"
        shutil.copytree(CONTENT, content)
        out = tmp_path / name / "report.docx"
        assert nianbao("docx", "huaian", "2024", "--content", content, "-o", out).code == 0
        made.append(out.read_bytes())
    assert made[0] == made[1]
    with zipfile.ZipFile(tmp_path / "a" / "report.docx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "docProps/thumbnail.jpeg" not in z.namelist()


# -- the command line -----------------------------------------------------------------------


def test_default_name_and_refusing_to_overwrite(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    args = ("docx", "huaian", "2024", "--content", CONTENT)
    lines = nianbao(*args).lines
    before = (tmp_path / "huaian-2024.docx").read_bytes()
    assert lines == [f"已生成 Word 文档 → huaian-2024.docx（{-(-len(before) // 1024)} KB）"]
    run = nianbao(*args)
    assert (run.code, run.out) == (2, "")
    assert (
        run.err == "nianbao: 错误: huaian-2024.docx 已存在；加 --force 覆盖，或用 -o 另指定文件\n"
    )
    (tmp_path / "huaian-2024.docx").write_bytes(b"old")
    assert nianbao(*args, "--force").code == 0
    assert (tmp_path / "huaian-2024.docx").read_bytes() == before


def test_unknown_agency_and_year(tmp_path: Path) -> None:
    out = tmp_path / "x.docx"
    run = nianbao("docx", "nowhere", "2024", "--content", CONTENT, "-o", out)
    assert run.code == 2
    assert run.err == f"nianbao: 错误: 找不到机构“nowhere”（应有 {CONTENT}/nowhere/agency.yaml）\n"
    run = nianbao("docx", "../huaian", "2024", "--content", CONTENT / "huaian", "-o", out)
    assert run.code == 2  # a folder name, never a path
    run = nianbao("docx", "huaian", "2023", "--content", CONTENT, "-o", out)
    assert run.code == 2
    assert run.err == "nianbao: 错误: 机构“huaian”没有 2023 年度的年报（已有：2024）\n"
    assert not out.exists()


def test_a_report_with_errors_gets_no_document(portal: Path, tmp_path: Path) -> None:
    edit(portal / "town-a/2022/report.yaml", "licensing: 5", "licensing: -5")
    out = tmp_path / "town-a.docx"
    run = nianbao("docx", "town-a", "2022", "--content", portal, "-o", out)
    assert run.code == 1
    assert run.lines == [
        f"{portal}/town-a/2022/report.yaml:6:14: 错误: 表二 第二十条第（五）项 行政许可 / "
        "本年处理决定数量 不能为负数：-5 [V5]",
        "共 1 个错误，0 个警告。有错误，未生成 Word 文档。",
    ]
    assert not out.exists()


# -- build with site.yaml word: true --------------------------------------------------------


def _with_word(content: Path) -> None:
    with (content / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("word: true\n")


def test_build_places_the_document_beside_each_report(portal: Path, tmp_path: Path) -> None:
    _with_word(portal)
    out = tmp_path / "site"
    run = nianbao("build", "--content", portal, "--out", out)
    assert run.code == 0, run.out
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.docx")) == [
        "demo-bureau/2019/demo-bureau-2019.docx",
        "demo-bureau/2020/demo-bureau-2020.docx",
        "demo-bureau/2021/demo-bureau-2021.docx",
        "demo-bureau/2022/demo-bureau-2022.docx",
        "town-a/2022/town-a-2022.docx",
    ]
    made = out / "town-a/2022/town-a-2022.docx"
    kb = -(-made.stat().st_size // 1024)
    page = (out / "town-a/2022/index.html").read_text("utf-8")
    assert (
        '<p class="download" data-pagefind-ignore><a href="town-a-2022.docx" '
        'download="示例市甲镇人民政府2022年政府信息公开工作年度报告.docx" '
        'type="application/vnd.openxmlformats-officedocument.wordprocessingml.document">'
        f"下载 Word 版（DOCX 文件，{kb} KB）</a></p>"
    ) in page
    assert (
        docx.Document(str(made)).core_properties.title
        == "示例市甲镇人民政府2022年政府信息公开工作年度报告"
    )


def test_no_document_unless_asked(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", PORTAL, "--out", out).code == 0
    assert not list(out.rglob("*.docx"))
    assert "下载 Word 版" not in (out / "town-a/2022/index.html").read_text("utf-8")


def test_word_must_be_true_or_false(portal: Path) -> None:
    with (portal / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("word: yes\n")
    run = nianbao("check", "--content", portal)
    assert run.code == 1
    assert run.lines[0] == f"{portal}/site.yaml:10:7: 错误: word 应为 true 或 false，实为“yes”"


@pytest.mark.parametrize(
    "change", ["edit a number", "edit a narrative", "delete a year", "rename an agency"]
)
def test_incremental_with_documents_equals_full(tmp_path: Path, change: str) -> None:
    content = tmp_path / "content"
    shutil.copytree(PORTAL, content)
    _with_word(content)
    out = tmp_path / "site"
    assert nianbao("build", "--content", content, "--out", out).code == 0
    CHANGES[change](content)
    run = nianbao("build", "--content", content, "--out", out)
    assert run.code == 0, run.out
    assert "，更新 " in run.lines[-1]  # incremental indeed
    assert tree(out) == full_build(content, tmp_path)


# -- narrative Markdown ---------------------------------------------------------------------


def test_markdown_becomes_paragraphs_headings_lists_and_tables() -> None:
    doc = docx.Document()
    layout.set_up(doc)
    add_markdown(
        doc,
        "## （一）小标题\n\n正文**加粗**，见[网站](https://www.example.gov.cn/)。\n"
        "第二行\n\n### 1.三级\n\n1. 第一项\n2. 第二项\n\n- 甲\n  - 乙\n\n"
        "<b>原样</b>\n\n| 项目 | 数量 |\n| --- | --- |\n| 申请 | 3 |\n",
    )
    got = [(p.style.name, p.text) for p in doc.paragraphs]
    assert got == [
        ("Heading 2", "（一）小标题"),
        ("Normal", "正文加粗，见网站（https://www.example.gov.cn/）。第二行"),
        ("Heading 3", "1.三级"),
        ("Normal", "1. 第一项"),
        ("Normal", "2. 第二项"),
        ("Normal", "• 甲"),
        ("Normal", "• 乙"),
        ("Normal", "<b>原样</b>"),  # raw HTML stays text, as on the site
    ]
    bold = [r.text for r in doc.paragraphs[1].runs if r.bold]
    assert bold == ["加粗"]
    indents = [p.paragraph_format.left_indent for p in doc.paragraphs[5:7]]
    assert indents == [Pt(32), Pt(64)]
    table = doc.tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [["项目", "数量"], ["申请", "3"]]


# -- the 2019 format, the publication date, 信息处理费 -------------------------------------------


def test_2019_format_block_with_two_columns_spans_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "2019.docx"
    assert nianbao("docx", "demo-bureau", "2019", "--content", PORTAL, "-o", out).code == 0
    cells = spans(docx.Document(str(out)).tables[0])
    assert ("第二十条第（八）项", 12, 0, 1, 4) in cells
    assert ("上一年项目数量", 13, 1, 1, 1) in cells
    assert ("本年增/减", 13, 2, 1, 2) in cells  # two columns in a table three wide
    assert ("采购总金额", 16, 2, 1, 2) in cells
    assert ("125.6万元", 17, 2, 1, 2) in cells  # the unit as report.yaml gives it


def test_publication_date_and_processing_fees(tmp_path: Path) -> None:
    out = tmp_path / "2022.docx"
    assert nianbao("docx", "demo-bureau", "2022", "--content", PORTAL, "-o", out).code == 0
    document = docx.Document(str(out))
    last = [(p.style.name, p.text) for p in document.paragraphs[-3:]]
    assert last == [
        ("Normal", "发出收费通知的件数：1 件；收费通知总金额：100 元；实际收取总金额：100 元。"),
        ("Normal", ""),
        ("落款", "2023年1月12日"),
    ]
    assert document.core_properties.created == dt.datetime(2023, 1, 12, tzinfo=dt.UTC)


def test_a_narrative_ending_in_a_table_still_ends_the_document_with_a_paragraph(
    tmp_path: Path,
) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / "huaian/2024/other.md").write_text("| 项目 | 数量 |\n| --- | --- |\n| 申请 | 3 |\n")
    out = tmp_path / "x.docx"
    assert nianbao("docx", "huaian", "2024", "--content", content, "-o", out).code == 0
    body = docx.Document(str(out)).element.body
    assert [child.tag.split("}")[1] for child in body][-3:] == ["tbl", "p", "sectPr"]
