"""nianbao import: real published reports in, content out, cell for cell."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REAL, nianbao
from nianbao.load import load_agency

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
