"""`nianbao import` of Word, HTML, .doc and PDF fixtures: every cell, the narrative, bad input.

Each fixture is imported through the CLI; the report folder it writes is loaded with the
project's loader and compared with the content it was made from (tests/fixtures/import/
expected/): every cell of tables 二, 三 and 四, the unit, year, format, publication date,
and the four narratives paragraph by paragraph.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import FIXTURES, nianbao
from nianbao.load import load_agency
from nianbao.model import Report

IMPORT = FIXTURES / "import"
EXPECTED = IMPORT / "expected"


def load(folder: Path, year: int) -> Report:
    problems: list = []
    agency = load_agency(folder, folder.name, problems)
    assert agency is not None, problems
    assert [p for p in problems if p.severity == "error"] == []
    return agency.reports[year]


def paragraphs(markdown: str) -> list[str]:
    """Paragraphs with whitespace removed (wrapping and spacing differ by source)."""
    return [re.sub(r"\s+", "", p) for p in re.split(r"\n\s*\n", markdown.strip()) if p.strip()]


CASES = [
    # file, expected agency folder, year, published, how the agency is named
    ("huaian-2024-merged.docx", "huaian", 2024, date(2025, 1, 20), "淮安市人民政府"),
    ("hongze-2024-word-gbk.htm", "hongze", 2024, None, "淮安市洪泽区人民政府"),
    ("shiyan-sjj-2019-portal.html", "shiyan-sjj", 2019, date(2020, 1, 21), "示例市数据局"),
    ("huaian-2024-split.pdf", "huaian", 2024, None, "淮安市人民政府"),
    pytest.param("huaian-2024.doc", "huaian", 2024, date(2025, 1, 20), "淮安市人民政府"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "expected", "year", "published", "agency_name"), CASES)
def test_every_cell_and_paragraph(
    tmp_path: Path, name: str, expected: str, year: int, published: date | None, agency_name: str
) -> None:
    content = tmp_path / "content"
    run = nianbao("import", IMPORT / name, "--content", content, "--agency", "x")
    assert run.code == 0, run.out
    assert f"已导入：{agency_name} {year} 年度" in run.out
    got, want = load(content / "x", year), load(EXPECTED / expected, year)
    assert (got.year, got.format.id, got.units) == (want.year, want.format.id, want.units)
    assert got.published == published
    wrong = {cell: (got.cells.get(cell), value) for cell, value in want.cells.items() if got.cells.get(cell) != value}  # fmt: skip
    assert wrong == {}, f"{len(wrong)} of {len(want.cells)} cells differ (got, want)"
    assert set(got.cells) == set(want.cells)
    for part in ("preface", "overview", "problems", "other"):
        assert paragraphs(got.narratives.get(part, "")) == paragraphs(want.narratives[part]), part
    assert "待填" not in (content / "x" / str(year) / "report.yaml").read_text("utf-8")


def test_blank_cells_settled_by_the_tables_sums(tmp_path: Path) -> None:
    """The Word HTML page leaves 15 zero legal-person cells blank where 自然人 = 总计."""
    run = nianbao(
        "import", IMPORT / "hongze-2024-word-gbk.htm", "--content", tmp_path, "--agency", "hz"
    )
    assert run.code == 0
    assert "空白格 15 个由表内合计确定为 0" in run.out


def test_same_file_same_bytes(tmp_path: Path) -> None:
    outputs = []
    for n in (1, 2):
        content = tmp_path / f"c{n}"
        assert nianbao("import", IMPORT / "huaian-2024-merged.docx", "--content", content).code == 0
        outputs.append(
            {p.relative_to(content): p.read_bytes() for p in sorted(content.rglob("*.*"))}
        )
    assert outputs[0] == outputs[1] and len(outputs[0]) == 6


BAD = [
    ("empty.docx", "文件是空的，没有可导入的内容"),
    ("empty.pdf", "文件是空的，没有可导入的内容"),
    ("corrupt.docx", "无法读取这个 Word 文件，文件已损坏或不是 .docx 格式。请用 Word 或 WPS 打开后另存为 .docx 再导入"),
    ("not-a-report.pdf", "这不像一份政府信息公开工作年度报告：找不到“一、总体情况”“二、主动公开政府信息情况”等部分"),
    ("scanned.pdf", "这个 PDF 没有文字层（可能是扫描件），无法导入；请找到原始的 Word 或网页版本，或先用 OCR 软件转成带文字层的 PDF"),
    ("password.pdf", "PDF 文件设有密码，无法读取；请先用原密码解除保护后再导入"),
    ("two-reports.docx", "文件中有两份年报（第 25 段又一次出现“一、总体情况”）；请把每份年报存为单独的文件再导入"),
    ("report.xls", "不支持的文件类型“.xls”；可导入的文件：.pdf、.docx、.doc、.wps、.html、.htm、.shtml、.xhtml、.txt、.md、.markdown、.text"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "message"), BAD)
def test_bad_input_is_refused_and_nothing_written(tmp_path: Path, name: str, message: str) -> None:
    content = tmp_path / "content"
    run = nianbao("import", IMPORT / "bad" / name, "--content", content)
    assert run.code == 1
    assert run.out == f"{(IMPORT / 'bad' / name).as_posix()}: {message}\n"
    assert not content.exists()


def test_encrypted_docx_is_refused(tmp_path: Path) -> None:
    # Word saves a .docx with an open password as an OLE container, not a zip
    locked = tmp_path / "年报.docx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    run = nianbao("import", locked, "--content", tmp_path / "content")
    assert run.code == 1
    assert run.out == (
        f"{locked.as_posix()}: 这不是 .docx 文件：它是设置了打开密码的 Word 文档，或改了扩展名的旧版 .doc 文件。"
        "请在 Word 中取消密码（文件 → 信息 → 保护文档），或另存为 .docx 后再导入\n"
    )
    assert not (tmp_path / "content").exists()


def test_word_date_line_wins_over_the_saved_date(tmp_path: Path) -> None:
    """A Word file's saved date is a hint; the 落款 date in the text is the publication date."""
    sys.path.insert(0, str(IMPORT))
    import layout
    import make_fixtures

    report = layout.load_expected(EXPECTED / "huaian", "2024")
    other = report.narratives["other"].rstrip()
    report.narratives["other"] = f"{other}\n\n淮安市人民政府办公室\n\n2025年1月24日\n"
    make_fixtures.write_docx(tmp_path / "signed.docx", [report])
    run = nianbao("import", tmp_path / "signed.docx", "--content", tmp_path / "c", "--agency", "x")
    assert run.code == 0, run.out
    got = load(tmp_path / "c" / "x", 2024)
    assert got.published == date(2025, 1, 24)  # not 2025-01-20, the saved date
    assert paragraphs(got.narratives["other"]) == paragraphs(other)  # the 落款 is not narrative


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_word_and_html_paragraphs_are_never_glued(tmp_path: Path, kind: str) -> None:
    """A paragraph without a closing 。 stays a paragraph: Word and HTML mark paragraphs,
    only PDF lines are joined. A Word file saved years after the report gives no date."""
    sys.path.insert(0, str(IMPORT))
    import layout
    import make_fixtures
    import word_html

    report = layout.load_expected(EXPECTED / "shiyan-sjj", "2019")
    report.narratives["problems"] = (
        "一是公开内容的解读还不够深入\n\n二是平台建设有待加强\n\n三是队伍建设仍需加强"
    )
    source = tmp_path / f"r.{kind}"
    if kind == "docx":
        make_fixtures.write_docx(source, [report])  # saved 2025-01-20: not 2020
    else:
        source.write_bytes(word_html.portal_page(report))
    run = nianbao("import", source, "--content", tmp_path / "c", "--agency", "x")
    got = (tmp_path / "c/x/2019/problems.md").read_text("utf-8")
    assert got == "一是公开内容的解读还不够深入\n\n二是平台建设有待加强\n\n三是队伍建设仍需加强\n"
    yaml_text = (tmp_path / "c/x/2019/report.yaml").read_text("utf-8")
    dated = re.findall(r"^published: (.*)$", yaml_text, re.MULTILINE)
    assert dated == ([] if kind == "docx" else ["2020-01-21"]), run.out


LIST_XML = (
    '<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:abstractNumId="90">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/><w:lvlText w:val="%1、"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:suff w:val="nothing"/><w:lvlText w:val="（%2）"/></w:lvl>'
    "</w:abstractNum>"
)  # fmt: skip


def numbered_docx(path: Path) -> None:
    """The huaian report with Word's automatic numbering on its headings: “一、” and “（一）”
    are drawn by Word from numbering.xml, not stored in the text."""
    sys.path.insert(0, str(IMPORT))
    import docx
    import layout
    import make_fixtures
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import qn

    make_fixtures.write_docx(path, [layout.load_expected(EXPECTED / "huaian", "2024")])
    word = docx.Document(str(path))
    numbering = word.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    abstract = parse_xml(LIST_XML)
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num = parse_xml(
        '<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:numId="90">'
        '<w:abstractNumId w:val="90"/></w:num>'
    )
    numbering.append(num)
    for paragraph in word.paragraphs:
        m = re.match(r"^(?:[一二三四五六]、|（[一二三四五六]）)", paragraph.text)
        if not m or paragraph.style.name not in ("Heading 1", "Heading 2"):
            continue
        level = 0 if paragraph.style.name == "Heading 1" else 1
        for run in paragraph.runs:
            run.text = run.text.replace(m.group(0), "", 1)
        num_pr = OxmlElement("w:numPr")
        for tag, value in (("w:ilvl", str(level)), ("w:numId", "90")):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            num_pr.append(child)
        paragraph._p.get_or_add_pPr().append(num_pr)
    word.save(str(path))


def test_word_automatic_heading_numbers(tmp_path: Path) -> None:
    source = tmp_path / "numbered.docx"
    numbered_docx(source)
    import docx

    stored = [p.text for p in docx.Document(str(source)).paragraphs]
    assert "总体情况" in stored and "一、总体情况" not in stored  # only Word draws the number
    run = nianbao("import", source, "--content", tmp_path / "c", "--agency", "x")
    assert run.code == 0, run.out
    got, want = load(tmp_path / "c" / "x", 2024), load(EXPECTED / "huaian", 2024)
    assert got.cells == want.cells
    for part in ("preface", "overview", "problems", "other"):
        assert paragraphs(got.narratives[part]) == paragraphs(want.narratives[part]), part


def test_word_table_three_split_into_two_tables(tmp_path: Path) -> None:
    """Table 三 cut into two Word tables inside the （三） group, a page number between
    them, the second without headings: every cell still lands in its place."""
    sys.path.insert(0, str(IMPORT))
    import copy

    import docx
    import layout
    import make_fixtures
    from docx.oxml.ns import qn

    source = tmp_path / "split.docx"
    make_fixtures.write_docx(source, [layout.load_expected(EXPECTED / "huaian", "2024")])
    word = docx.Document(str(source))
    first = word.tables[1]._tbl
    second = copy.deepcopy(first)
    for tr in second.findall(qn("w:tr"))[:12]:
        second.remove(tr)
    for tr in first.findall(qn("w:tr"))[12:]:
        first.remove(tr)
    for tc in second.find(qn("w:tr")).findall(qn("w:tc")):  # Word restarts a merge cut in two
        merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
        if merge is not None and merge.get(qn("w:val")) in (None, "continue"):
            merge.set(qn("w:val"), "restart")
    page_number = word.add_paragraph("- 3 -")._p
    first.addnext(page_number)
    page_number.addnext(second)
    word.save(str(source))
    run = nianbao("import", source, "--content", tmp_path / "c", "--agency", "x")
    assert run.code == 0, run.out
    assert load(tmp_path / "c" / "x", 2024).cells == load(EXPECTED / "huaian", 2024).cells


def test_word_signature_in_one_paragraph_with_a_line_break(tmp_path: Path) -> None:
    """落款 and date typed as one Word paragraph with a manual line break (Shift+Enter)."""
    sys.path.insert(0, str(IMPORT))
    import docx
    import layout
    import make_fixtures

    source = tmp_path / "br.docx"
    make_fixtures.write_docx(source, [layout.load_expected(EXPECTED / "huaian", "2024")])
    word = docx.Document(str(source))
    signature = word.add_paragraph()
    signature.add_run("淮安市人民政府办公室").add_break()
    signature.add_run("2025年1月24日")
    word.save(str(source))
    run = nianbao("import", source, "--content", tmp_path / "c", "--agency", "x")
    assert run.code == 0, run.out
    got = load(tmp_path / "c" / "x", 2024)
    assert got.published == date(2025, 1, 24)
    want = load(EXPECTED / "huaian", 2024)
    assert paragraphs(got.narratives["other"]) == paragraphs(want.narratives["other"])
