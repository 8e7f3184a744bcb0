"""nianbao import: real published reports in, content out, cell for cell."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXTURES, REAL, nianbao
from nianbao.load import load_agency
from nianbao.model import Report

EXPECTED = REAL / "content"
# source file stem → (expected agency folder, year, agency slug given on the command line)
REPORTS = {
    "09-2023-hongze-quzhengfu": ("hongze", 2023),
    "10-2024-hongze-quzhengfu": ("hongze", 2024),
    "11-2024-huaian-shizhengfu": ("huaian", 2024),
}


def _paragraphs(text: str) -> list[str]:
    return [re.sub(r"\s+", "", p) for p in text.split("\n\n") if p.strip()]


def _imported(tmp_path: Path, source: Path, slug: str) -> Path:
    content = tmp_path / "content"
    run = nianbao("import", source, "--content", content, "--agency", slug)
    assert run.code == 0, run.out + run.err
    return content


def _assert_same_report(got_root: Path, slug: str, year: int) -> None:
    problems: list = []
    expected = load_agency(EXPECTED / slug, slug, problems).reports[year]
    got = load_agency(got_root / slug, slug, problems).reports[year]
    assert problems == [] or all(p.severity == "warning" for p in problems)
    for cid in expected.format.cells:
        assert got.cells.get(cid) == expected.cells.get(cid), cid
    assert got.format is expected.format
    for key in ("preface", "overview", "problems", "other"):
        assert _paragraphs(got.narratives[key]) == _paragraphs(expected.narratives[key]), key


@pytest.mark.parametrize("stem", sorted(REPORTS))
def test_text_extraction_imports_cell_for_cell(tmp_path: Path, stem: str) -> None:
    slug, year = REPORTS[stem]
    content = _imported(tmp_path, REAL / f"{stem}.txt", slug)
    _assert_same_report(content, slug, year)


def test_import_reports_the_published_v4_errors(tmp_path: Path) -> None:
    content = tmp_path / "content"
    run = nianbao("import", REAL / "09-2023-hongze-quzhengfu.txt", "--content", content)
    assert run.code == 0
    v4 = [line for line in run.lines if "[V4]" in line]
    assert len(v4) == 2
    assert "表四 行政复议 / 总计 应为 11" in v4[0]
    assert "表四 行政诉讼 · 复议后起诉 / 总计 应为 5" in v4[1]
    # imported as published, never corrected
    text = (content / "huai-an-shi-hong-ze-qu-ren-min-zheng-fu/2023/report.yaml").read_text()
    assert re.search(r"review: +\[10, 1, 0, 0, 0\]", text)


def test_name_and_slug_from_the_document(tmp_path: Path) -> None:
    content = tmp_path / "content"
    run = nianbao("import", REAL / "11-2024-huaian-shizhengfu.txt", "--content", content)
    assert "机构目录 huai-an-shi-ren-min-zheng-fu（由名称生成，可用 --agency 指定）" in run.out
    agency = (content / "huai-an-shi-ren-min-zheng-fu" / "agency.yaml").read_text()
    assert agency.startswith("name: 淮安市人民政府\nkind: government")


def test_same_input_same_bytes_and_no_overwrite(tmp_path: Path) -> None:
    source = REAL / "10-2024-hongze-quzhengfu.txt"
    first = _imported(tmp_path / "a", source, "hongze")
    second = _imported(tmp_path / "b", source, "hongze")
    for f in sorted((first / "hongze").rglob("*")):
        if f.is_file():
            assert f.read_bytes() == (second / f.relative_to(first)).read_bytes()
    again = nianbao("import", source, "--content", first, "--agency", "hongze")
    assert again.code == 1
    assert "hongze/2024/ 已存在，未覆盖（确要覆盖请加 --force）" in again.out
    forced = nianbao("import", source, "--content", first, "--agency", "hongze", "--force")
    assert forced.code == 0


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    content = tmp_path / "content"
    run = nianbao(
        "import", REAL / "09-2023-hongze-quzhengfu.txt", "--content", content, "--dry-run"
    )
    assert run.code == 0
    assert "将写入" in run.out and "  report.yaml" in run.out and "  ../agency.yaml" in run.out
    assert not content.exists()


def test_unknown_extension(tmp_path: Path) -> None:
    bad = tmp_path / "report.xyz"
    bad.write_text("一、总体情况", encoding="utf-8")
    run = nianbao("import", bad, "--content", tmp_path / "content")
    assert run.code == 1
    assert f"{bad.as_posix()}: 不支持的文件类型“.xyz”" in run.out
    assert not (tmp_path / "content").exists()


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "report.txt"
    empty.write_bytes(b"")
    run = nianbao("import", empty, "--content", tmp_path / "content")
    assert run.code == 1
    assert run.out.strip() == f"{empty.as_posix()}: 文件是空的，没有可导入的内容"
    assert not (tmp_path / "content").exists()


@pytest.mark.parametrize("stem", sorted(REPORTS))
def test_pdf_imports_cell_for_cell(tmp_path: Path, stem: str) -> None:
    """The PDFs as published: tables by their cells (table 三 runs over two pages)."""
    slug, year = REPORTS[stem]
    content = _imported(tmp_path, REAL / "pdf" / f"{stem}.pdf", slug)
    _assert_same_report(content, slug, year)


IMPORT = FIXTURES / "import"


def _report(content: Path, slug: str, year: int) -> Report:
    problems: list = []
    agency = load_agency(content / slug, slug, problems)
    assert agency is not None, problems
    return agency.reports[year]


def test_2019_format_with_blank_cells(tmp_path: Path) -> None:
    """A 2019-format Markdown export: blanks settled by the table's sums, the rest flagged."""
    content = tmp_path / "content"
    run = nianbao("import", IMPORT / "f2019-blanks.md", "--content", content, "--agency", "scj")
    assert run.code == 0, run.out
    assert "2019年试行格式" in run.lines[0]
    assert "  空白格 147 个由表内合计确定为 0" in run.lines
    assert "  10 个格写作“待填”，请对照原文填写：" in run.lines
    flagged = [line for line in run.lines if line.startswith("  待填 ")]
    assert flagged[0] == (
        "  待填 表四 行政诉讼 · 未经复议直接起诉 / 结果维持：空白，表内合计无法确定它是 0（第 68 行）"
    )
    assert len(flagged) == 10 and all("行政诉讼" in line for line in flagged)
    text = (content / "scj/2019/report.yaml").read_text("utf-8")
    assert "published: 2020-01-15" in text
    assert (
        "  litigation_direct:       [待填, 待填, 待填, 待填, 待填]  # 行政诉讼 · 未经复议直接起诉 — 待填：空白，表内合计无法确定它是 0（第 68 行）"
        in text
    )
    assert "    unit: 元" in text
    assert "      needs_creation: [1, 0, 0, 0, 0, 0]" in text  # blank 总计 left out: computed
    (content / "scj/2019/report.yaml").write_text(text.replace("待填", "0"), "utf-8")
    report = _report(content, "scj", 2019)
    cells = report.cells
    assert cells["active.normative_documents.new_made"] == 2  # full-width ２
    assert cells["active.licensing.change"] == -3
    assert cells["active.licensing.decisions"] == 1204  # 1,204
    assert cells["active.procurement.amount"] == 251000  # 251000元
    assert cells["requests.received.commercial"] == 1
    assert cells["requests.received.research"] == 0  # blank, 自然人 + 商业企业 = 总计
    assert cells["requests.results.withheld.state_secret.total"] == 0  # blank, column sums
    assert cells["requests.carried_forward.natural_person"] == 0  # blank, V1 settles it
    assert cells["appeals.review.corrected"] == 0
    assert report.narratives["problems"] == (
        "一是公开内容还不够全面；二是政策解读形式单一。\n\n下一步，我局将进一步加强培训。\n"
    )
    assert report.narratives["other"] == "无。\n"  # the 落款 (name, date) left out


def test_2021_variants(tmp_path: Path) -> None:
    """规范性文件, 1、 numbering, a renamed 五, running footers, a non-zero single
    （六）其他处理 row (flagged, never split by guess), a 落款 date in Chinese numerals."""
    content = tmp_path / "content"
    run = nianbao("import", IMPORT / "variants-2021.txt", "--content", content)
    assert run.code == 0, run.out
    slug = "gao-you-shi-san-duo-zhen-ren-min-zheng-fu"
    assert f"机构目录 {slug}（由名称生成，可用 --agency 指定）" in run.lines[0]
    assert "  21 个格写作“待填”，请对照原文填写：" in run.lines
    assert run.lines[2] == (
        "  待填 表三 三、（六）1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 / 自然人："
        "报告只有一行“（六）其他处理”，无法分到3个子项（第 58 行，看到“（六）其他处理 2 0 0 0 0 0 2”）"
    )
    # 待填, one line (review warnings such as R3 on the imported narrative aside)
    assert [line[-4:] for line in run.lines if "[" in line and "[R" not in line] == ["[P1]"]
    folder = content / slug / "2022"
    text = (folder / "report.yaml").read_text("utf-8")
    assert "published: 2023-01-20" in text
    assert "kind: township" in (content / slug / "agency.yaml").read_text("utf-8")
    (folder / "report.yaml").write_text(text.replace("待填", "0"), "utf-8")
    report = _report(content, slug, 2022)
    assert report.cells["active.normative_documents.issued"] == 2
    assert report.cells["active.normative_documents.in_force"] == 7
    assert report.cells["requests.results.unavailable.not_held.natural_person"] == 1
    assert report.narratives["problems"] == (
        "一是信息更新不够及时；二是解读形式较为单一。下一步，我镇将加强培训，提升公开质量。\n"
    )
    assert report.narratives["other"] == "本年度未收取信息处理费。\n"  # footer and 落款 gone
    assert report.narratives["overview"].startswith("2022 年，三垛镇认真落实政务公开各项要求。")
    assert (
        "## （一）主动公开情况\n\n全年主动公开政府信息 1,018 条。" in report.narratives["overview"]
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "not-a-report.pdf",
            "这不像一份政府信息公开工作年度报告：找不到“一、总体情况”“二、主动公开政府信息情况”等部分",
        ),
        (
            "scanned.pdf",
            "这个 PDF 没有文字层（可能是扫描件），无法导入；请找到原始的 Word 或网页版本，或先用 OCR 软件转成带文字层的 PDF",
        ),
        ("password.pdf", "PDF 文件设有密码，无法读取；请先用原密码解除保护后再导入"),
        (
            "two-reports.txt",
            "文件中有两份年报（第 160 行又一次出现“一、总体情况”）；请把每份年报存为单独的文件再导入",
        ),
    ],
)
def test_bad_input(tmp_path: Path, name: str, message: str) -> None:
    content = tmp_path / "content"
    run = nianbao("import", IMPORT / name, "--content", content)
    assert run.code == 1
    assert run.out == f"{(IMPORT / name).as_posix()}: {message}\n"
    assert not content.exists()


def test_a_folder_is_imported_in_parallel_and_a_failure_writes_nothing(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    for stem in ("09-2023-hongze-quzhengfu", "10-2024-hongze-quzhengfu"):
        (archive / f"{stem}.txt").write_bytes((REAL / f"{stem}.txt").read_bytes())
    (archive / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    content = tmp_path / "content"
    run = nianbao("import", archive, "--content", content, "--agency", "hongze", "--jobs", "2")
    assert run.code == 1
    assert f"{(archive / 'broken.pdf').as_posix()}: PDF 文件已损坏，无法读取" in run.out
    assert sorted(p.name for p in (content / "hongze").iterdir()) == ["2023", "2024", "agency.yaml"]


def test_columns_are_placed_by_their_headings(tmp_path: Path) -> None:
    """A table with 总计 first and 自然人 last: the headings, not the order, place values."""
    lines = (IMPORT / "f2019-blanks.md").read_text("utf-8").splitlines()
    start = lines.index("## 三、收到和处理政府信息公开申请情况")
    end = lines.index("## 四、政府信息公开行政复议、行政诉讼情况")
    for i in range(start, end):
        if lines[i].startswith("|"):
            parts = lines[i].strip().strip("|").split("|")
            parts[3], parts[9] = parts[9], parts[3]
            lines[i] = "|" + "|".join(parts) + "|"
    source = tmp_path / "swapped.md"
    source.write_text("\n".join(lines) + "\n", "utf-8")
    content = tmp_path / "content"
    run = nianbao("import", source, "--content", content, "--agency", "scj")
    assert run.code == 0, run.out
    text = (content / "scj/2019/report.yaml").read_text("utf-8")
    (content / "scj/2019/report.yaml").write_text(text.replace("待填", "0"), "utf-8")
    cells = _report(content, "scj", 2019).cells
    assert cells["requests.received.natural_person"] == 9
    assert cells["requests.received.total"] == 10
    assert cells["requests.results.disclosed.natural_person"] == 5


def test_agency_slug_cannot_leave_the_content_folder(tmp_path: Path) -> None:
    source = REAL / "09-2023-hongze-quzhengfu.txt"
    run = nianbao("import", source, "--content", tmp_path / "c", "--agency", "../outside")
    assert run.code == 2
    assert run.err.startswith("nianbao: 错误: --agency “../outside”不能作机构目录名")
    assert not (tmp_path / "c").exists() and not (tmp_path / "outside").exists()


def test_portal_page_with_blank_zeros_and_page_furniture(tmp_path: Path) -> None:
    """A portal page saved as Markdown: breadcrumb and 发布日期 above the title, sub-headings
    marked as headings, zeros left blank, 4,119, and 附件下载/打印 after the 落款."""
    content = tmp_path / "content"
    run = nianbao("import", IMPORT / "portal-page.md", "--content", content, "--agency", "hongze")
    assert run.code == 0, run.out
    assert run.lines[1] == "  空白格 125 个由表内合计确定为 0"
    assert [line.split(": ")[-1] for line in run.lines[2:] if "[R" not in line] == [
        "表四 行政复议 / 总计 应为 11（结果维持 10 + 结果纠正 1 + 其他结果 0 + 尚未审结 0），实为 0 [V4]",
        "表四 行政诉讼 · 复议后起诉 / 总计 应为 5（结果维持 5 + 结果纠正 0 + 其他结果 0 + 尚未审结 0），实为 0 [V4]",
    ]
    got = _report(content, "hongze", 2023)
    expected = _report(EXPECTED, "hongze", 2023)
    for cid in expected.format.cells:
        assert got.cells.get(cid) == expected.cells.get(cid), cid
    assert got.published is not None and got.published.isoformat() == "2024-01-31"
    assert got.narratives["preface"] == "本报告由淮安市洪泽区人民政府办公室编制。\n"
    assert got.narratives["overview"].endswith(
        "## （一）主动公开情况\n\n主动公开政府信息 1136 条。\n"
    )
    assert got.narratives["other"] == "全年收取政府信息公开信息处理费 0 元。\n"


def test_year_in_chinese_numerals(tmp_path: Path) -> None:
    text = (REAL / "09-2023-hongze-quzhengfu.txt").read_text("utf-8")
    source = tmp_path / "report.txt"
    source.write_text(text.replace("2023 年政府信息公开", "二〇二三年政府信息公开"), "utf-8")
    run = nianbao("import", source, "--content", tmp_path / "content", "--agency", "hongze")
    assert run.code == 0
    assert "淮安市洪泽区人民政府 2023 年度" in run.lines[0]


def test_a_folder_that_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "content"
    blocker.write_text("not a folder", "utf-8")
    source = REAL / "09-2023-hongze-quzhengfu.txt"
    run = nianbao("import", source, "--content", blocker, "--agency", "hongze")
    assert run.code == 1
    assert run.out.startswith(f"{source.as_posix()}: 无法写入 {blocker.as_posix()}/hongze/2023/（")
    assert run.out.endswith("），未导入\n")
    assert blocker.read_text("utf-8") == "not a folder"
