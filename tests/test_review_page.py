"""The review page (build --review only) and ``nianbao review``."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REAL, edit, nianbao


def test_review_page_is_built_only_when_asked(portal: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    assert not (out / "review").exists()
    assert nianbao("build", "--content", portal, "--out", out, "--review").code == 0
    assert (out / "review/index.html").is_file()
    # a later public build (warm) takes it away again
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    assert not (out / "review").exists()


def test_review_page_lists_status_and_findings_with_links(portal: Path, tmp_path: Path) -> None:
    shutil.rmtree(portal / "demo-bureau/2021")  # 2021 missing between 2020 and 2022
    edit(portal / "demo-bureau/2022/report.yaml", "published: 2023-01-12", "published: 2023-02-12")
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out, "--review").code == 0
    html = (out / "review/index.html").read_text("utf-8")
    assert "4 份年报；缺 1 份，逾期 1 份；0 个错误，1 个警告。" in html
    row = html[html.index('<th scope="row">示例市数据局</th>') :].split("</tr>")[0]
    cells = [" ".join(c.split()) for c in row.split("<td>")[1:]]
    assert cells == [
        '<a href="../demo-bureau/2019/index.html">已发布</a><br>按时 </td>',
        '<a href="../demo-bureau/2020/index.html">已发布</a><br>按时 </td>',
        "缺 </td>",
        '<a href="../demo-bureau/2022/index.html">已发布</a><br>逾期<br>警告 1 </td>',
    ]
    assert '<a href="../demo-bureau/2022/index.html">示例市数据局 2022 年度</a>：' in html
    assert "发布日期 2023-02-12 晚于《条例》第四十九条规定的期限" in html
    assert "review/" not in (out / "index.html").read_text("utf-8")  # not linked publicly


def test_nianbao_review_summarises_every_agency_and_year() -> None:
    run = nianbao("review", "--content", REAL / "content")
    assert run.code == 0
    assert run.lines == [
        "3 份年报；缺 0 份，逾期 0 份；2 个错误，1 个警告。",
        "淮安市人民政府（huaian）：2024 已发布（未填发布日期）",
        "淮安市洪泽区人民政府（hongze）：2023 已发布（未填发布日期） 错误 2；"
        "2024 已发布（未填发布日期） 警告 1",
        "按规则：R1 警告 1，V4 错误 2",
    ]
