"""The national website metadata (<meta name="SiteName"> …) on every page kind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import edit, nianbao

PAGES = [
    "index.html",
    "demo-bureau/index.html",
    "demo-bureau/2022/index.html",
    "2022/index.html",
    "404.html",
]


def meta(page: Path) -> list[tuple[str, str]]:
    head = page.read_text("utf-8").split("</head>")[0]
    return re.findall(r'<meta name="([A-Z]\w+)" content="([^"]*)">', head)


@pytest.fixture
def built(portal: Path, tmp_path: Path) -> Path:
    edit(
        portal / "site.yaml",
        "footer:",
        "portal:\n"
        "  site_name: 示例市人民政府\n"
        "  site_domain: www.shili.gov.cn\n"
        '  site_id_code: "3600000009"\n'
        "  column_name: 政府信息公开年报\n"
        "  content_source: 示例市政务公开办\n"
        "footer:",
    )
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    return out


def test_report_page_carries_the_reports_own_data(built: Path) -> None:
    assert meta(built / "demo-bureau/2022/index.html") == [
        ("SiteName", "示例市人民政府"),
        ("SiteDomain", "www.shili.gov.cn"),
        ("SiteIDCode", "3600000009"),
        ("ColumnName", "政府信息公开年报"),
        ("ColumnType", "信息公开年报"),
        ("ArticleTitle", "示例市数据局2022年政府信息公开工作年度报告"),
        ("PubDate", "2023-01-12"),
        ("ContentSource", "示例市数据局"),
    ]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_kind_is_tagged(built: Path, page: str) -> None:
    names = [name for name, _ in meta(built / page)]
    expected = ["SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnType", "ArticleTitle"]
    assert names[:6] == expected
    assert names[-1] == "ContentSource"


def test_home_page_source_is_the_portal_office(built: Path) -> None:
    tags = dict(meta(built / "index.html"))
    assert tags["ContentSource"] == "示例市政务公开办"
    assert tags["ArticleTitle"] == "示例市政府信息公开工作年度报告"
    assert "PubDate" not in tags  # no date to claim for a list of reports


def test_defaults_without_a_portal_section(portal: Path, tmp_path: Path) -> None:
    """The site's own title, its url's host and footer.site_code stand in."""
    out = tmp_path / "site"
    assert nianbao("build", "--content", portal, "--out", out).code == 0
    assert meta(out / "2022/index.html") == [
        ("SiteName", "示例市政府信息公开工作年度报告"),
        ("SiteDomain", "www.example.gov.cn"),
        ("SiteIDCode", "3600000001"),
        ("ColumnName", "政府信息公开工作年度报告"),
        ("ColumnType", "信息公开年报"),
        ("ArticleTitle", "示例市2022年度各机关政府信息公开工作年度报告汇总"),
        ("ContentSource", "示例市人民政府办公室"),
    ]


def test_an_unknown_portal_key_is_reported(portal: Path) -> None:
    edit(portal / "site.yaml", "footer:", "portal:\n  sitename: 示例\nfooter:")
    run = nianbao("check", "--content", portal)
    assert run.code == 1
    assert run.lines[0] == (
        f"{portal}/site.yaml:6:3: 错误: 门户网站元数据 portal 中有未知的键“sitename”；是否想写“site_name”？"
    )
